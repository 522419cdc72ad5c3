"""make-grids: counts and codes, exact tiling at every level, determinism and refusals."""
import math
from collections import Counter, defaultdict
from io import StringIO

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import Point, shape

from gridgov.structure.divisions import import_divisions
from gridgov.structure.grids import apportion, make_grids
from gridgov.structure.models import Compound, Unit

from .test_import_divisions import DATA, english  # noqa: F401 (an autouse fixture)

DISTRICT = "510113"


@pytest.fixture
def qingbaijiang(db):
    import_divisions(DATA, DISTRICT)


def units(kind=None) -> list[Unit]:
    queryset = Unit.objects.subtree(DISTRICT)
    return list(queryset.filter(kind=kind) if kind else queryset)


def children_of() -> dict[int, list[Unit]]:
    children = defaultdict(list)
    for unit in units():
        children[unit.parent_id].append(unit)
    return children


def snapshot() -> list[tuple]:
    return list(Unit.objects.subtree(DISTRICT).values_list(
        "code", "kind", "name", "short_name", "parent__code", "boundary", "center_lat", "center_lng"))


def make(*args, **options) -> str:
    out = StringIO()
    call_command("make_grids", *args, stdout=out, **options)
    return out.getvalue().strip()


def test_demo_sizes(qingbaijiang):
    assert make(district=DISTRICT, grids=83, microgrids=420, seed=1) == (
        "510113 青白江区: 83 grids, 420 micro-grids in 83 communities")
    assert Counter(unit.kind for unit in units()) == {
        "district": 1, "street": 7, "community": 83, "grid": 83, "microgrid": 420}
    children = children_of()
    for community in units("community"):
        (grid,) = children[community.pk]
        assert (grid.code, grid.name, grid.short_name) == (
            community.code + "001", f"{community.short_name}第1网格", f"{community.short_name}第1网格")
    micro_counts = {"urban": [], "village": []}
    for grid in units("grid"):
        micro = children[grid.pk]
        assert [m.code for m in micro] == [f"{grid.code}{n:03d}" for n in range(1, len(micro) + 1)]
        assert [m.name for m in micro] == [f"{grid.name}第{n}微网格" for n in range(1, len(micro) + 1)]
        micro_counts["village" if grid.parent.is_village else "urban"].append(len(micro))
    assert min(micro_counts["village"]) >= 1
    assert np.mean(micro_counts["urban"]) > np.mean(micro_counts["village"])


def test_every_parent_is_tiled_by_its_children(qingbaijiang):
    make_grids(DISTRICT, 100, 250, seed=2)
    children = children_of()
    cut = {parent.kind for parent in units() if len(children[parent.pk]) > 1}
    assert cut == {"district", "street", "community", "grid"}
    for parent in units():
        if children[parent.pk]:
            assert_tiled(parent, children[parent.pk])
    for unit in units():
        assert len(unit.code) == {"district": 6, "street": 9, "community": 12, "grid": 15, "microgrid": 18}[unit.kind]
        area = shape(unit.boundary)
        assert area.is_valid and unit.boundary["type"] in ("Polygon", "MultiPolygon")
        coordinates = shapely.get_coordinates(area)
        assert (np.round(coordinates, 6) == coordinates).all()
        assert area.distance(Point(unit.center_lng, unit.center_lat)) < 1e-6


def assert_tiled(parent: Unit, children: list[Unit]) -> None:
    area = shape(parent.boundary)
    pieces = [shape(child.boundary) for child in children]
    union = shapely.union_all(pieces)
    assert union.symmetric_difference(area).area < 1e-9 * area.area, parent.code
    for i, piece in enumerate(pieces):
        for other in pieces[i + 1:]:
            assert piece.intersection(other).area < 1e-12 * area.area, (parent.code, piece, other)


def test_district_outline_is_plausible(qingbaijiang):
    make_grids(DISTRICT, 83, 83)
    district = Unit.objects.get(code=DISTRICT)
    min_x, min_y, max_x, max_y = shape(district.boundary).bounds
    width_km = (max_x - min_x) * 111.32 * math.cos(math.radians(30.88))
    height_km = (max_y - min_y) * 111.32
    assert 18 < width_km < 42 and 18 < height_km < 42
    assert abs(district.center_lat - 30.88) < 0.2 and abs(district.center_lng - 104.25) < 0.2


def test_same_seed_same_grids_other_seed_other_boundaries(qingbaijiang):
    make_grids(DISTRICT, 90, 200, seed=7)
    first = snapshot()
    make_grids(DISTRICT, 90, 200, seed=7, replace=True)  # now the structure keeps its boundaries
    assert snapshot() == first
    make_grids(DISTRICT, 90, 200, seed=8, replace=True)
    second = snapshot()
    assert [row[:5] for row in second] == [row[:5] for row in first]  # same codes and names
    moved = {row[1] for row, before in zip(second, first) if row[5] != before[5]}
    assert moved == {"grid", "microgrid"}


@pytest.mark.parametrize("grids, microgrids", [(82, 420), (83, 82)])
def test_too_few_grids_or_microgrids_are_refused(qingbaijiang, grids, microgrids):
    before = snapshot()
    with pytest.raises(CommandError, match=f"at least 83 .*not {min(grids, microgrids)}"):
        make(district=DISTRICT, grids=grids, microgrids=microgrids)
    assert snapshot() == before


def test_unknown_district_is_refused(db):
    with pytest.raises(CommandError, match="510199 does not exist"):
        make(district="510199", grids=1, microgrids=1)


def test_existing_grids_are_replaced_only_when_asked(qingbaijiang):
    make_grids(DISTRICT, 83, 100)
    before = snapshot()
    with pytest.raises(CommandError, match="--replace"):
        make(district=DISTRICT, grids=83, microgrids=100)
    assert snapshot() == before
    make(district=DISTRICT, grids=84, microgrids=90, replace=True)
    assert Counter(unit.kind for unit in units())["microgrid"] == 90


def test_replace_is_refused_while_something_refers_to_the_grids(qingbaijiang):
    make_grids(DISTRICT, 83, 100)
    grid = Unit.objects.get(code="510113002001001")
    Compound.objects.create(name="怡湖小区", community=grid.parent, grid=grid)
    before = snapshot()
    with pytest.raises(CommandError, match=r"cannot be replaced .*\(compounds: 1\)"):
        make(district=DISTRICT, grids=83, microgrids=100, replace=True)
    assert snapshot() == before


def test_apportion():
    assert apportion(5, [1, 1, 1, 1, 1]) == [1, 1, 1, 1, 1]
    assert apportion(10, [3, 1, 1]) == [5, 3, 2]
    assert apportion(7, [1, 1]) == [4, 3]  # the tie goes to the first
    counts = apportion(420, [3] * 50 + [1] * 33)
    assert sum(counts) == 420 and min(counts) >= 1 and counts[0] > counts[-1]
