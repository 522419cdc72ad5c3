"""The helpers that read many subtrees at once (``structure.codes``): the participation apps'
figures use them to answer a unit and all its children in one query per family."""
import pytest
from django.db.models import Count

from gridgov.structure.codes import holders, outermost, per_subtree, subtrees_q
from gridgov.structure.models import Unit


def test_outermost_drops_the_codes_inside_another():
    assert outermost(["510113002001", "510113", "510113002", "510114001", "510114001"]) == ["510113", "510114001"]
    assert outermost([]) == []


def test_holders_finds_every_requested_code_above_a_place():
    holding = holders(["510113", "510113002", "510113002001", "510113003"])
    assert holding("510113002001001") == ["510113", "510113002", "510113002001"]
    assert holding("510113003") == ["510113", "510113003"]
    assert holding("510114002") == []


def test_per_subtree_counts_each_code_in_one_query(district, django_assert_num_queries):
    codes = [district.units[label].code for label in ("district", "A", "A1", "B")]
    with django_assert_num_queries(1):
        counts = per_subtree(Unit.objects.all(), "code", codes, n=Count("pk"))
    # The test district: 2 streets × 2 communities × 2 grids × 2 micro-grids (1 + 2 + 4 + 8 + 16 = 31 units).
    assert {code: row["n"] for code, row in counts.items()} == {codes[0]: 31, codes[1]: 15, codes[2]: 7, codes[3]: 15}
    assert per_subtree(Unit.objects.all(), "code", [], n=Count("pk")) == {}


@pytest.mark.django_db
def test_subtrees_q_of_no_codes_matches_nothing():
    assert not Unit.objects.filter(subtrees_q("code", [])).exists()
