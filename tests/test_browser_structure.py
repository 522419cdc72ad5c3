"""The unit page's map in headless Chromium: the grids are drawn, and a region opens its unit."""
from pathlib import Path

import pytest

from .canvas import CANVAS_PIXELS

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

CHART = "echarts.getInstanceByDom(document.getElementById('unit-map'))"


@pytest.fixture
def live_district(transactional_db):
    from .factories import build_district

    return build_district()


def centre(unit):
    ring = unit.boundary["coordinates"][0][:-1]
    return [sum(point[0] for point in ring) / len(ring), sum(point[1] for point in ring) / len(ring)]


def open_map(page, live_server, unit):
    page.goto(f"{live_server.url}/units/{unit.code}/")
    page.wait_for_selector("#unit-map[aria-busy=false]")


@pytest.mark.browser
def test_community_map_draws_its_grids(login, live_server, live_district):
    community = live_district.units["A1"]
    grids = [live_district.units["A1-1"], live_district.units["A1-2"]]
    page = login("community_staff")
    open_map(page, live_server, community)

    series = page.evaluate(f"() => {CHART}.getOption().series.map(s => "
                           "({type: s.type, names: s.data.map(d => d.name), labels: s.data.map(d => d.unit.name)}))")
    assert series == [{"type": "map", "names": [g.code for g in grids], "labels": [g.short_name for g in grids]}]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "unit-community-desktop.png", full_page=True)
    desktop = page.evaluate(CANVAS_PIXELS, "#unit-map")
    assert desktop["painted"] > 0.2, desktop
    assert desktop["colours"] > 50, desktop

    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_function(f"() => {CHART}.getWidth() < 375")
    page.screenshot(path=ARTIFACTS / "unit-community-mobile.png", full_page=True)
    mobile = page.evaluate(CANVAS_PIXELS, "#unit-map")
    assert mobile["width"] < 375 and mobile["painted"] > 0.2, mobile


@pytest.mark.browser
def test_clicking_a_grid_opens_its_page(login, live_server, live_district):
    grid = live_district.units["A1-2"]
    page = login("community_staff")
    open_map(page, live_server, live_district.units["A1"])

    x, y = page.evaluate(f"(point) => {CHART}.convertToPixel({{seriesIndex: 0}}, point)", centre(grid))
    box = page.locator("#unit-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{live_server.url}/units/{grid.code}/")
    assert grid.short_name in page.locator("h1").inner_text()
