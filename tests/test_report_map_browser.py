"""The report form on a phone (issue 17, items 2 and 10) in headless Chromium at 390×844: short,
its map filled with the resident's own surroundings (roads, compounds, buildings, open reports),
"locate me", the address search, and the grid worker one tap away. Screenshots go to
/tmp/mapform-shots/ (outside the repository)."""
from pathlib import Path

import pytest

from gridgov.accounts.models import RoleAssignment
from gridgov.cases.models import Case
from gridgov.cases.services import filing

from .test_intake_web import catch_all
from .test_report_map import rectangle

PHONE = {"width": 390, "height": 844}
MAX_PAGE_HEIGHT = 1500  # px: the report form used to be about 2,400
SHOTS = Path("/tmp/mapform-shots")
CHART = "echarts.getInstanceByDom(document.getElementById('report-map'))"


@pytest.fixture
def live_world(live_world):
    """Grid A1-1 cut into its two micro-grids (west and east halves), the grid worker's work phone,
    and an open case in the resident's grid reported by someone else."""
    for label, west in (("A1-1-1", 104.0), ("A1-1-2", 104.0625)):
        unit = live_world.units[label]
        unit.boundary = rectangle(west, 30.0, west + 0.0625, 30.125)
        unit.center_lat, unit.center_lng = 30.0625, west + 0.03125
        unit.save()
    RoleAssignment.objects.filter(user=live_world.users["grid_worker"]).update(work_phone="028-83961234")
    filing.report(district=live_world.units["district"], channel="hotline", title="3栋2单元门口堆满杂物",
                  category=live_world.categories["small"], lat=30.01, lng=104.01,
                  reported_by=live_world.users["district_dispatcher"])
    return live_world


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def open_report_form(page, url):
    page.goto(f"{url}/cases/report/")
    page.wait_for_selector("#report-map[aria-busy=false]")
    page.wait_for_selector("#report-map[data-places]")  # the surroundings have been drawn
    return page


@pytest.mark.browser
def test_the_report_form_on_a_phone_is_short_and_its_map_shows_where_the_resident_lives(sign_in, live_server,
                                                                                       live_world):
    resident = open_report_form(sign_in("resident", PHONE), live_server.url)
    height = resident.evaluate("document.documentElement.scrollHeight")
    assert height <= MAX_PAGE_HEIGHT, height
    # The map's first view: every corner of the box shows the district, none the void around it.
    box = resident.locator("#report-map").bounding_box()
    for x, y in ((1, 1), (box["width"] - 1, 1), (1, box["height"] - 1), (box["width"] - 1, box["height"] - 1)):
        lng, lat = resident.evaluate(f"(p) => {CHART}.convertFromPixel({{geoIndex: 0}}, p)", [x, y])
        assert 104.0 <= lng <= 105.0 and 30.0 <= lat <= 31.0, (x, y, lng, lat)
    # The test district is drawn large (a grid is 12 km across): at first, roads and reports only.
    roads, compounds, buildings, reports = map(int, resident.get_attribute("#report-map", "data-places").split(","))
    assert resident.get_attribute("#report-map", "data-detailed") == "false"
    assert roads and (compounds, buildings, reports) == (0, 0, 1)  # the case in their grid, gathered
    # Closer in (a pinch or the wheel), compounds and buildings are drawn too.
    centre = resident.evaluate(f"(p) => {CHART}.convertToPixel({{geoIndex: 0}}, p)", [104.0625, 30.0625])
    resident.locator("#report-map").scroll_into_view_if_needed()
    box = resident.locator("#report-map").bounding_box()
    resident.mouse.move(box["x"] + centre[0], box["y"] + centre[1])
    for _turn in range(12):
        resident.mouse.wheel(0, -300)
        resident.wait_for_timeout(50)
    resident.wait_for_selector("#report-map[data-detailed=true]")
    roads, compounds, buildings, reports = map(int, resident.get_attribute("#report-map", "data-places").split(","))
    assert roads and compounds == 1 and buildings >= 1 and reports == 1  # the view may cut one micro-grid off
    # 联系我的网格员, one tap away.
    call = resident.locator("[data-grid-contact-call]")
    assert call.get_attribute("href") == "tel:02883961234" and call.is_visible()
    shot(resident, "report-phone")
    resident.locator("#report-map").screenshot(path=SHOTS / "report-map-phone.png")
    resident.goto(f"{live_server.url}/cases/mine/")
    assert resident.locator("[data-grid-contact-call]").get_attribute("href") == "tel:02883961234"
    shot(resident, "mine-phone")


@pytest.mark.browser
def test_locate_me_places_the_pin_where_the_phone_is_and_says_why_when_it_cannot(sign_in, live_server, live_world):
    catch_all(live_world)  # where a report nobody classified goes
    resident = sign_in("resident", PHONE)
    resident.context.grant_permissions(["geolocation"])
    resident.context.set_geolocation({"latitude": 30.06, "longitude": 104.09})  # micro-grid A1-1-2
    open_report_form(resident, live_server.url)
    resident.click("[data-locate-me]")
    resident.wait_for_function("() => document.querySelector('#id_lat').value")
    assert (float(resident.input_value("#id_lat")), float(resident.input_value("#id_lng"))) == (30.06, 104.09)
    assert live_world.units["A1-1"].short_name in resident.inner_text("[data-pick-status]")
    resident.fill("#id_title", "楼道灯坏了")
    resident.click("button[type=submit]:has-text('提交')")  # no category chosen: still files
    resident.wait_for_url(f"{live_server.url}/cases/5101*/")
    assert Case.objects.get(title="楼道灯坏了").unit == live_world.units["A1-1-2"]

    resident.context.set_geolocation({"latitude": 39.9, "longitude": 116.4})  # Beijing: outside the district
    open_report_form(resident, live_server.url)
    resident.click("[data-locate-me]")
    resident.wait_for_selector("[data-map-message].text-danger")
    assert "青白江区" in resident.inner_text("[data-map-message]") and not resident.input_value("#id_lat")

    refused = sign_in("resident", PHONE)  # no permission given: the browser refuses
    open_report_form(refused, live_server.url)
    refused.click("[data-locate-me]")
    refused.wait_for_selector("[data-map-message].text-danger")
    assert "允许获取位置" in refused.inner_text("[data-map-message]")  # the browser did not allow it
    shot(refused, "locate-refused-phone")


@pytest.mark.browser
def test_the_address_search_drops_the_pin_in_the_building_found(sign_in, live_server, live_world):
    resident = open_report_form(sign_in("resident", PHONE), live_server.url)
    resident.fill("[data-address-search]", "测试A1社区第1网格小区2栋")
    resident.press("[data-address-search]", "Enter")  # searches; does not submit the report
    candidate = resident.locator("[data-address-results] button").first
    candidate.wait_for()
    shot(resident, "address-search-phone")
    candidate.click()
    lat, lng = float(resident.input_value("#id_lat")), float(resident.input_value("#id_lng"))
    assert (lat, lng) == (30.0625, 104.09375)  # the middle of micro-grid A1-1-2
    assert Case.objects.count() == 1  # only the fixture's: Enter did not file anything
    resident.fill("[data-address-search]", "火星基地")
    resident.click("[data-address-go]")
    resident.wait_for_selector("[data-map-message].text-danger")
    assert not resident.locator("[data-address-results] button").count()
