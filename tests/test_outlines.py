"""A district's real outline (import-divisions --outline): the ECharts decoding, the outline of 青白江区
against its official area, a real address located after import and grids, and the refusals."""
import json
import math
from io import StringIO

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from gridgov.cases.services.locate import locate
from gridgov.core.geo import distance_m
from gridgov.demo.services import OUTLINE
from gridgov.structure.grids import make_grids
from gridgov.structure.models import Unit
from gridgov.structure.outlines import decode_ring, district_outline, read_features

from .test_import_divisions import DATA, english  # noqa: F401 (an autouse fixture)

DISTRICT = "510113"
OFFICIAL_AREA_KM2 = 378.94  # 青白江区, as the district government states it
GOVERNMENT = (30.88, 104.25)  # 青白江区人民政府, 大弯街道
TIANFU_SQUARE = (30.657, 104.066)  # the centre of 成都, about 25 km south-west, in 青羊区/锦江区


def test_decode_ring_by_hand():
    # "@" is 0 (no step); "A" is zigzag 1 = −1, "B" 2 = +1, "C" 3 = −2, "D" 4 = +2; in 1/1024 degree.
    assert decode_ring("@@ABCD", [1024, 2048]) == [(1.0, 2.0), (1023 / 1024, 2049 / 1024), (1021 / 1024, 2051 / 1024)]


def test_the_city_file_decodes_as_the_package_decodes_it():
    """Vertices 0 and 100 of 青白江区 as the package's own decoded copy
    (geojson/shape-with-internal-borders/si4_chuan1_cheng2_du1.geojson) has them."""
    features, _datum = read_features(OUTLINE)
    (qingbaijiang,) = [feature for feature in features if feature["id"] == DISTRICT]
    ring = qingbaijiang["geometry"]["coordinates"][0]
    assert (len(ring), ring[0], ring[100], ring[-1]) == (
        1101, (104.484375, 30.6796875), (104.4150390625, 30.673828125), (104.484375, 30.6796875))
    assert len(features) == 20  # 成都's 20 districts and counties


def area_km2(geometry) -> float:
    """Area on the sphere through the sinusoidal projection, which keeps areas."""
    radius_km = 6371.0088

    def sinusoidal(coordinates: np.ndarray) -> np.ndarray:
        lng, lat = np.radians(coordinates).T
        return np.column_stack([radius_km * lng * np.cos(lat), radius_km * lat])

    return shapely.transform(geometry, sinusoidal).area


def test_the_outline_of_qingbaijiang_has_its_official_area_and_holds_its_government():
    outline = district_outline(OUTLINE, DISTRICT)
    assert outline.is_valid and outline.geom_type == "Polygon"
    assert abs(area_km2(outline) / OFFICIAL_AREA_KM2 - 1) < 0.03
    assert outline.contains(shapely.Point(GOVERNMENT[::-1]))
    assert not outline.contains(shapely.Point(TIANFU_SQUARE[::-1]))
    # A vertex at least every ~110 m (CUT_SPACING, 0.001°), so that the streets' cuts meet vertices.
    steps = np.hypot(*np.diff(shapely.get_coordinates(outline), axis=0).T)
    assert steps.max() <= 0.001 + 1e-6


def test_an_echarts_map_is_read_as_gcj02_and_turned_into_wgs84():
    """In 成都 GCJ-02 puts a place 300–600 m south-east of its WGS 84 position, so the outline
    turned into WGS 84 lies that far north-west of the same file taken as WGS 84."""
    converted = district_outline(OUTLINE, DISTRICT).centroid
    assert district_outline(OUTLINE, DISTRICT, datum="gcj02").centroid.equals(converted)
    raw = district_outline(OUTLINE, DISTRICT, datum="wgs84").centroid
    assert 300 < distance_m(converted.y, converted.x, raw.y, raw.x) < 600
    assert converted.x < raw.x and converted.y > raw.y


def import_divisions(district=DISTRICT, **options) -> str:
    out = StringIO()
    call_command("import_divisions", source=DATA, district=district, stdout=out, **options)
    return out.getvalue().strip()


def test_a_real_address_locates_after_import_and_grids(db):
    import_divisions(outline=OUTLINE)
    district = Unit.objects.get(code=DISTRICT)
    assert shapely.geometry.shape(district.boundary).equals(district_outline(OUTLINE, DISTRICT))
    make_grids(DISTRICT, 83, 83)
    unit = locate(DISTRICT, *GOVERNMENT)
    assert unit is not None and unit.kind == "microgrid" and unit.code.startswith(DISTRICT)
    assert locate(DISTRICT, *TIANFU_SQUARE) is None
    # Importing the same outline again changes nothing, though grids are drawn in it.
    before = list(Unit.objects.order_by("code").values())
    import_divisions(outline=OUTLINE)
    assert list(Unit.objects.order_by("code").values()) == before


def square_file(tmp_path, properties: dict):
    """A plain GeoJSON file with one square feature, 104.2–104.3 E, 30.8–30.9 N."""
    square = [[[104.2, 30.8], [104.3, 30.8], [104.3, 30.9], [104.2, 30.9], [104.2, 30.8]]]
    path = tmp_path / "square.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": {"type": "Polygon", "coordinates": square}}]}))
    return path


def test_plain_geojson_is_wgs84_and_found_by_name(db, tmp_path):
    import_divisions(outline=square_file(tmp_path, {"name": "青白江区"}))
    boundary = shapely.geometry.shape(Unit.objects.get(code=DISTRICT).boundary)
    assert boundary.bounds == (104.2, 30.8, 104.3, 30.9)
    assert math.isclose(boundary.area, 0.01, rel_tol=1e-9)


def test_a_new_outline_is_refused_once_units_are_drawn_in_the_old_one(db, tmp_path):
    import_divisions(outline=OUTLINE)
    make_grids(DISTRICT, 83, 83)
    with pytest.raises(CommandError, match="already has streets, communities or grids drawn to fit its old outline"):
        import_divisions(outline=square_file(tmp_path, {"adcode": 510113}))


def test_a_district_missing_from_the_file_is_refused(db):
    with pytest.raises(CommandError, match=r"chengdu.js does not hold district 510603 旌阳区\."):
        import_divisions("510603", outline=OUTLINE)
    assert not Unit.objects.exists()


def test_a_file_that_is_no_map_is_refused(db, tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[104.25, 30.88]")
    with pytest.raises(CommandError, match=r"list.json holds neither GeoJSON nor an ECharts map"):
        import_divisions(outline=path)
    assert not Unit.objects.exists()


def test_a_feature_that_is_no_polygon_is_refused(db, tmp_path):
    path = tmp_path / "point.geojson"
    path.write_text(json.dumps({"type": "Feature", "id": "510113",
                                "geometry": {"type": "Polygon", "coordinates": [[104.25, 30.88]]}}))
    with pytest.raises(CommandError, match=r"The outline of 510113 in .*point.geojson is not a polygon\."):
        import_divisions(outline=path)
