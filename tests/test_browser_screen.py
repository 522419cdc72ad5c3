"""The command screen in headless Chromium: drawn with data on a wall and on a laptop, drilled down
by clicking a street, recoloured by another figure, and scoped to a street dispatcher's street.
Screenshots go to test-artifacts/screen-*.png."""
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from gridgov.cases.services import watch

from .cases_world import IN_A1_1, IN_A1_2, IN_B1_1, photo
from .test_cases_lifecycle import report

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WALL = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 768}
CHARTS = ["chart-status", "chart-lights", "chart-intake", "chart-categories", "chart-trend", "screen-map"]


@pytest.fixture
def live_world(live_world):
    """The small district with cases in both streets: open, closed on the spot, overdue, a hot spot."""
    world = live_world
    now = timezone.now()
    # Recent small cases stay green whatever the day of the week; the two old ones are red (20 and
    # 25 calendar days hold more working days than their limits of 3 and 5, holidays or not).
    for minutes in (5, 10, 15):
        report(world, "small", IN_A1_1, reported_at=now - dt.timedelta(minutes=minutes))
    report(world, "big", IN_A1_1, by=None, channel="hotline", title="违章搭建")
    report(world, "community", IN_B1_1, by=None, channel="hotline", title="邻里噪音纠纷",
           reported_at=now - dt.timedelta(days=20))
    report(world, "big", IN_B1_1, by=None, channel="hotline", title="占道经营", reported_at=now - dt.timedelta(days=25))
    report(world, "quick", IN_A1_2, by="grid_worker2", channel="patrol", close_now=True, photos=[photo()],
           handling_note="当场清理")
    watch.tick()
    return world


def chart(dom_id):
    return f"echarts.getInstanceByDom(document.getElementById('{dom_id}'))"


def wait_drawn(page):
    page.wait_for_selector("#screen[aria-busy=false]")
    page.wait_for_selector("#screen-map[aria-busy=false]")


def drawn_series(page):
    """For each chart, how many data items its first series holds."""
    return page.evaluate("(ids) => Object.fromEntries(ids.map(id => [id, "
                         "echarts.getInstanceByDom(document.getElementById(id)).getOption().series[0].data.length]))",
                         CHARTS)


def shot(page, name):
    """A screenshot, and what it is made of: distinct colours, and the mean brightness (0–255)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"screen-{name}.png"
    page.screenshot(path=path)
    image = Image.open(path).convert("RGB")
    small = image.resize((image.width // 2, image.height // 2))
    grey = small.convert("L")
    return {"size": image.size, "colours": len(set(small.getdata())),
            "brightness": sum(grey.getdata()) / (grey.width * grey.height)}


def centre(unit):
    ring = unit.boundary["coordinates"][0][:-1]
    return [sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)]


@pytest.mark.browser
def test_district_screen_is_drawn_and_drills_down_to_a_street(sign_in, live_server, live_world):
    a = live_world.units["A"]
    page = sign_in("district_admin", WALL)
    page.goto(f"{live_server.url}/screen/")
    wait_drawn(page)
    assert page.title() == "青白江区 · 一屏统调"
    series = drawn_series(page)
    assert series["screen-map"] == 2 and series["chart-status"] == 6 and series["chart-lights"] == 3, series
    assert series["chart-trend"] == 30 and series["chart-categories"] >= 3, series
    assert page.locator("#sc-ranking tbody tr").count() == 2
    assert page.locator("#sc-overdue li a").count() == 2  # the two old cases in street B
    assert page.locator("#sc-hotspots li").count() == 1  # three small cases in grid A1-1
    assert page.evaluate(f"() => {chart('screen-map')}.getOption().series[1].data.length") == 1  # and on the map
    assert page.locator("#sc-kpis .sc-kpi").count() >= 8

    wall = shot(page, "district-wall")
    assert wall["size"] == (1920, 1080) and wall["colours"] > 400, wall
    assert wall["brightness"] < 70, wall  # a dark screen

    # Another figure recolours the map in place and is carried into the drill-down links.
    page.select_option("#sc-figure", "closure_rate")
    page.wait_for_function(f"() => {chart('screen-map')}.getOption().visualMap[0].text !== undefined"
                           " && document.getElementById('sc-ranking-figure').textContent.length > 0"
                           " && new URL(location.href).searchParams.get('figure') === 'closure_rate'")
    page.wait_for_function("() => document.querySelector('#sc-ranking tbody a').href.includes('figure=closure_rate')")

    x, y = page.evaluate(f"(point) => {chart('screen-map')}.convertToPixel({{geoIndex: 0}}, point)", centre(a))
    box = page.locator("#screen-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"{live_server.url}/screen/{a.code}/?figure=closure_rate")
    wait_drawn(page)
    assert a.short_name in page.title()
    assert page.locator("#sc-figure").input_value() == "closure_rate"
    assert drawn_series(page)["screen-map"] == 2  # its two communities
    assert page.locator("#sc-crumbs a").first.inner_text() == "青白江区"


@pytest.mark.browser
def test_laptop_screen_fits_and_refreshes_itself(sign_in, live_server, live_world):
    page = sign_in("district_dispatcher", LAPTOP)
    page.clock.install()  # the page's timers run on a clock the test can move on
    page.goto(f"{live_server.url}/screen/")
    wait_drawn(page)
    assert page.evaluate("() => document.documentElement.scrollHeight") <= LAPTOP["height"] + 1
    laptop = shot(page, "district-laptop")
    assert laptop["size"] == (1366, 768) and laptop["colours"] > 300 and laptop["brightness"] < 70, laptop

    open_tile = page.locator("#sc-kpis .sc-kpi-value").first
    assert open_tile.inner_text() == "6"
    report(live_world, "small", IN_A1_2, title="路灯不亮")
    page.clock.fast_forward("01:01")  # whenever the page last refreshed, a minute on it refreshes again
    page.wait_for_function("() => document.querySelector('#sc-kpis .sc-kpi-value').textContent === '7'")


@pytest.mark.browser
def test_street_dispatcher_sees_only_its_street(sign_in, live_server, live_world):
    a, b = live_world.units["A"], live_world.units["B"]
    page = sign_in("street_dispatcher", WALL)
    page.goto(f"{live_server.url}/screen/")
    wait_drawn(page)
    assert a.short_name in page.title() and page.locator("#sc-unit").inner_text() == a.short_name
    assert page.locator("#sc-crumbs a").count() == 0  # the district is not theirs to open
    assert drawn_series(page)["screen-map"] == 2
    assert page.locator("#sc-overdue li a").count() == 0  # both overdue cases are in street B
    shot(page, "street-wall")
    for code in (b.code, live_world.units["district"].code):
        assert page.goto(f"{live_server.url}/screen/{code}/").status == 404
        assert page.goto(f"{live_server.url}/screen/{code}/data.json").status == 404
