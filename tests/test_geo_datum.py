"""The kernel's datums (core/geo.py): GCJ-02 and BD-09 to WGS 84 and back.

The forward numbers are checked against published reference pairs: the Shanghai and Beijing pairs of
googollee/eviltransform's test suite (wgs2gcj, given to 14 decimals: we agree to 1e-12) and
hujiulong/gcoord's GCJ-02 → BD-09 and GCJ-02 → WGS 84 test of (45°N, 123°E) (to 5 decimals)."""
import math

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.core.geo import Datum, distance_m, from_wgs84, in_mainland_china, parse_datum, to_wgs84

# (WGS 84 lat, lng) → (GCJ-02 lat, lng), eviltransform's wgs2gcj test pairs.
PUBLISHED_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # Shanghai
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # Beijing
]
TIANANMEN_WGS = (39.90750, 116.39723)
TIANANMEN_GCJ = (39.90890, 116.40347)  # to 5 decimals, as Amap shows the square


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_GCJ)
def test_forward_gcj02_matches_published_pairs(wgs, gcj):
    assert from_wgs84(*wgs, Datum.GCJ02) == pytest.approx(gcj, abs=1e-12)


@pytest.mark.parametrize(("wgs", "gcj"), PUBLISHED_GCJ)
def test_gcj02_to_wgs84_is_the_exact_inverse(wgs, gcj):
    assert to_wgs84(*gcj, "gcj02") == pytest.approx(wgs, abs=1e-9)


def test_tiananmen():
    assert from_wgs84(*TIANANMEN_WGS, "gcj02") == pytest.approx(TIANANMEN_GCJ, abs=5e-6)
    back = to_wgs84(*TIANANMEN_GCJ, "gcj02")
    # Amap's 5 decimals are a metre; the shift itself is about 540 m.
    assert distance_m(*back, *TIANANMEN_WGS) < 1.5
    assert distance_m(*TIANANMEN_GCJ, *TIANANMEN_WGS) > 500


def test_bd09_against_gcoord():
    gcj = to_wgs84(45.0, 123.0, "gcj02")
    assert gcj == pytest.approx((44.99804071, 122.99395597), abs=1e-6)  # gcoord GCJ02.to.WGS84([123, 45])
    assert from_wgs84(*gcj, "bd09") == pytest.approx((45.00636899, 123.00636499), abs=1e-6)  # GCJ02.to.BD09
    assert to_wgs84(45.00636899, 123.00636499, "bd09") == pytest.approx(gcj, abs=1e-7)


def test_the_one_step_inverse_would_be_metres_off():
    """Why the inverse iterates: subtracting the shift at the GCJ-02 point misses by about a metre."""
    wgs = (30.6, 104.06)
    gcj = from_wgs84(*wgs, "gcj02")
    shift_there = [g - f for g, f in zip(from_wgs84(*gcj, "gcj02"), gcj)]
    one_step = (gcj[0] - shift_there[0], gcj[1] - shift_there[1])
    assert distance_m(*one_step, *wgs) > 0.1
    assert distance_m(*to_wgs84(*gcj, "gcj02"), *wgs) < 0.001


mainland = st.tuples(st.floats(21.0, 45.0), st.floats(98.0, 122.0))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(mainland)
def test_round_trips_within_a_millionth_of_a_degree(point):
    for datum in (Datum.GCJ02, Datum.BD09):
        shifted = from_wgs84(*point, datum)
        # It did move: GCJ-02's shift is tens to hundreds of metres (under 50 m in parts of the west,
        # e.g. 49 m at 37° N 98° E), so the round trip is not a trivial identity.
        assert distance_m(*shifted, *point) > 10
        back = to_wgs84(*shifted, datum)
        assert math.isclose(back[0], point[0], abs_tol=1e-6) and math.isclose(back[1], point[1], abs_tol=1e-6)


@pytest.mark.parametrize("point", [(48.8584, 2.2945), (40.6892, -74.0445), (-33.8568, 151.2153), (35.6586, 139.8454)])
def test_outside_mainland_china_gcj02_is_wgs84(point):
    assert not in_mainland_china(*point)
    assert from_wgs84(*point, "gcj02") == point
    assert to_wgs84(*point, "gcj02") == point


def test_wgs84_is_left_alone():
    assert to_wgs84(30.1, 104.1, "wgs84") == (30.1, 104.1) == from_wgs84(30.1, 104.1, Datum.WGS84)


@pytest.mark.parametrize(("written", "datum"), [("GCJ-02", Datum.GCJ02), (" bd_09 ", Datum.BD09), ("WGS84", Datum.WGS84),
                                                ("", Datum.WGS84), (None, Datum.WGS84)])
def test_datums_as_people_write_them(written, datum):
    assert parse_datum(written) == datum


@pytest.mark.parametrize("bad", ["mars", "cgcs2000", "epsg:4326"])
def test_an_unknown_datum_is_refused(bad):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        to_wgs84(30.1, 104.1, bad)
    assert refused.value.code == "datum"
    assert f"Unknown coordinate datum “{bad}”" in refused.value.messages[0]
