"""Unit codes are identity and path: the helpers, and subtree queries answered by an index range scan."""
import pytest
from django.db import connection

from gridgov.structure import codes
from gridgov.structure.divisions import import_divisions
from gridgov.structure.models import Unit

from .test_import_divisions import DATA


def test_next_prefix_bounds_exactly_the_codes_with_the_prefix():
    assert codes.next_prefix("510113") == "510114"
    assert codes.next_prefix("510603009") == "51060301"
    assert codes.next_prefix("510119") == "51012"
    assert codes.next_prefix("510199999") == "5102"
    candidates = ["51011", "510112999", "5101129", "510113", "510113000", "510113999999", "5101139", "51011399",
                  "510114", "510114000", "510119", "510119001", "510119999999", "51012", "510120001"]
    for prefix in ["510113", "5101139", "51011", "510119", "510119999"]:
        in_range = {code for code in candidates if prefix <= code < codes.next_prefix(prefix)}
        assert in_range == {code for code in candidates if code.startswith(prefix)}, prefix


@pytest.mark.django_db
def test_subtree_bounds_hold_under_every_collation_the_server_has():
    """A real server sorts text with ICU or glibc locales, where ':' is not after '9'; the digit-only
    bound must work under all of them (only PostgreSQL has collations to try)."""
    if connection.vendor != "postgresql":
        pytest.skip("collations are a PostgreSQL matter; SQLite compares bytes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation WHERE collname IN ('C', 'und-x-icu', 'en-US-x-icu', "
                       "'en_US.utf8', 'zh-Hans-CN-x-icu', 'zh_CN.utf8')")
        collations = [row[0] for row in cursor.fetchall()]
        assert "C" in collations and len(collations) > 1
        for collation in collations:
            for prefix, inside, outside in [("510119", "510119001999", "510120"), ("510113", "510113999", "510114")]:
                bound = codes.next_prefix(prefix)
                cursor.execute(f'SELECT %s >= %s COLLATE "{collation}", %s < %s COLLATE "{collation}", '
                               f'%s < %s COLLATE "{collation}"', [inside, prefix, inside, bound, outside, bound])
                assert cursor.fetchone() == (True, True, False), (collation, prefix)


@pytest.mark.parametrize("code, kind", [
    ("510113", "district"), ("510113002", "street"), ("510113002001", "community"),
    ("510113002001001", "grid"), ("510113002001001002", "microgrid"),
])
def test_kind_of(code, kind):
    assert codes.kind_of(code) == kind


@pytest.mark.parametrize("code", ["", "5101", "5101130", "51011a", "510113002001001002003"])
def test_kind_of_refuses_what_is_not_a_unit_code(code):
    with pytest.raises(ValueError):
        codes.kind_of(code)


def test_parent_and_ancestor_codes():
    micro = "510113002001001002"
    assert [codes.parent_code(micro[:n]) for n in (6, 9, 12, 15, 18)] == [
        None, "510113", "510113002", "510113002001", "510113002001001"]
    assert codes.ancestor_codes(micro) == ["510113", "510113002", "510113002001", "510113002001001"]
    assert codes.ancestor_codes("510113") == []


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["510113", "510113002", "510603009", "510603009001", "5106"])
def test_subtree_is_exactly_the_codes_below(code):
    """Two districts whose codes share a prefix; 510603009 ends in 9, so its range ends at ``51060301``."""
    import_divisions(DATA, "510113")
    import_divisions(DATA, "510603")
    every_code = list(Unit.objects.values_list("code", flat=True))
    expected = sorted(c for c in every_code if c.startswith(code))
    assert expected
    assert list(Unit.objects.subtree(code).values_list("code", flat=True)) == expected


@pytest.mark.django_db
def test_subtree_query_uses_an_index():
    import_divisions(DATA, "510113")
    queryset = Unit.objects.subtree("510113002").only("code")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The table is tiny, so the planner would rightly prefer a scan; forbid it for this
            # transaction to see whether the index can answer the range.
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        assert "Index" in plan and "Index Cond" in plan, plan
    else:
        plan = queryset.explain()
        assert "SEARCH" in plan and "INDEX" in plan and "code>? AND code<?" in plan, plan
