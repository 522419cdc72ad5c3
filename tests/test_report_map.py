"""The report map (issue 17, item 2) and the grid worker one tap away (item 10), server side.

The test district's streets, communities and grids are squares (tests/factories.py); the grid A1-1
(104.0–104.125 east, 30.0–30.125 north) is cut here into its two micro-grids, west and east halves,
so that a point can be placed in either. The browser half is tests/test_report_map_browser.py."""
import pytest
from django.conf import settings
from django.urls import reverse
from shapely.geometry import shape

from gridgov.accounts.contacts import my_grid_worker
from gridgov.accounts.models import RoleAssignment
from gridgov.cases.services import filing
from gridgov.cases.services.locate import locate
from gridgov.core.geo import ShapeIndex
from gridgov.core.templatetags.phone import tel
from gridgov.intake import around
from gridgov.structure import mapdata

from .cases_world import IN_A1_1, IN_B1_1


def rectangle(west, south, east, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


@pytest.fixture
def halves(world):
    """A1-1's micro-grids: 1 the west half, 2 the east half of the grid, with their centres."""
    for label, west in (("A1-1-1", 104.0), ("A1-1-2", 104.0625)):
        unit = world.units[label]
        unit.boundary = rectangle(west, 30.0, west + 0.0625, 30.125)
        unit.center_lat, unit.center_lng = 30.0625, west + 0.03125
        unit.save()
    return world


def english_login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# -- a pin lands in the right micro-grid ------------------------------------------------------------
def test_a_point_lands_in_the_micro_grid_that_holds_it(halves):
    assert locate("510113", 30.06, 104.03) == halves.units["A1-1-1"]
    assert locate("510113", 30.06, 104.09) == halves.units["A1-1-2"]
    assert locate("510113", 30.06, 104.0626) == halves.units["A1-1-2"]  # 10 m east of the border


@pytest.mark.parametrize("order", [list, lambda hits: list(reversed(hits))])
def test_a_point_on_a_border_lands_in_the_same_micro_grid_whatever_order_the_index_answers_in(halves, monkeypatch,
                                                                                              order):
    """Two micro-grids share a border, and the shape index holds a point on it in both; which one
    the tree answered first used to decide (and the tree's order changes when it is rebuilt). Now
    the same point always lands in the same one: the first by code."""
    containing = ShapeIndex.containing
    monkeypatch.setattr(ShapeIndex, "containing", lambda self, lat, lng: order(containing(self, lat, lng)))
    assert locate("510113", 30.06, 104.0625) == halves.units["A1-1-1"]


def test_a_point_from_the_address_search_files_the_case_in_that_micro_grid(halves):
    """The address search answers points inside the unit found, so a pin dropped there files the
    case in that very micro-grid (not the grid's other half)."""
    found = around.address_candidates("510113", "测试A1社区第1网格小区2栋")
    first = found[0]
    assert first["unit"] == halves.units["A1-1-2"].short_name
    case = filing.report(district=halves.units["district"], channel="app", title="楼道灯坏了",
                         category=halves.categories["small"], lat=first["lat"], lng=first["lng"],
                         reported_by=halves.users["resident"])
    assert case.unit == halves.units["A1-1-2"]


def test_the_address_search_finds_compounds_and_communities_by_name(halves):
    labels = [c["label"] for c in around.address_candidates("510113", "测试A1")]
    # The community the resolver finds, the compound (with a point: amid its buildings), its grids.
    # The first grid's point is the compound's (both in the middle of the grid): offered once.
    assert labels == ["测试A1社区", "测试A1社区 测试A1社区第1网格小区", "测试A1社区第2网格"]
    assert around.address_candidates("510113", "   ") == []
    assert around.address_candidates("510113", "火星基地") == []


# -- what the map draws -----------------------------------------------------------------------------
def lengths(roads):
    total = {}
    for road in roads:
        total[road["rank"]] = total.get(road["rank"], 0) + shape({"type": "LineString", "coordinates": road["path"]}).length
    return {rank: round(length, 6) for rank, length in total.items()}


def test_roads_are_the_borders_of_the_units_each_drawn_once(world):
    """Streets A and B are 0.5° squares side by side: their borders are 3.5° of main road (two
    perimeters of 2 less the shared 0.5). Each street's two communities are 0.25° squares stacked
    on its west side; what their borders add to the street's is their east edges (0.5) and the line
    between them (0.25): 0.75 a street, 1.5 in all. Lanes only in a small box: grid A1-1's north
    edge (30.125° N) in the box on the district's south-west corner, beside the streets' edges."""
    whole = mapdata.Box(103.9, 29.9, 105.1, 31.1)
    assert not whole.detailed
    drawn = lengths(mapdata.roads_in("510113", whole))
    assert drawn == {1: 3.5, 2: 1.5}  # no lanes in a box this large
    near = mapdata.Box(103.99, 30.04, 104.08, 30.13)
    ranks = {road["rank"] for road in mapdata.roads_in("510113", near)}
    assert near.detailed and ranks == {1, 3}  # the street's edge, and the grid's


def test_buildings_and_compounds_are_drawn_in_their_micro_grids(halves):
    area = mapdata.Box(104.0, 30.0, 104.04, 30.07)
    marks = mapdata.buildings_in("510113", mapdata.Box(104.0, 30.0, 104.125, 30.125))
    assert {(m["code"], tuple(m["names"])) for m in marks} == {
        (halves.units["A1-1-1"].code, ("测试A1社区第1网格小区 1栋",)),
        (halves.units["A1-1-2"].code, ("测试A1社区第1网格小区 2栋",))}
    # The compound has no centre of its own: it stands amid its buildings, between the two halves.
    compound = mapdata.compounds_in("510113", mapdata.Box(104.0, 30.0, 104.125, 30.125))
    assert compound == [{"name": "测试A1社区第1网格小区", "kind": "estate", "lat": 30.0625, "lng": 104.0625}]
    assert [m["code"] for m in mapdata.buildings_in("510113", area)] == [halves.units["A1-1-1"].code]  # centre 104.03


@pytest.fixture
def open_cases(halves):
    """An open case in the resident's grid reported by someone else, one in street B, and the
    resident's own."""
    district, category = halves.units["district"], halves.categories["small"]
    dispatcher = halves.users["district_dispatcher"]
    halves.theirs = filing.report(district=district, channel="hotline", title="3栋2单元王大爷家门口堆满杂物",
                                  category=category, lat=30.01, lng=104.01, reported_by=dispatcher)
    halves.far = filing.report(district=district, channel="hotline", title="B街道路灯不亮", category=category,
                               lat=IN_B1_1[0], lng=IN_B1_1[1], reported_by=dispatcher)
    halves.own = filing.report(district=district, channel="app", title="我家楼下垃圾没人清", category=category,
                               lat=IN_A1_1[0], lng=IN_A1_1[1], reporter=halves.persons[0],
                               reported_by=halves.users["resident"])
    return halves


WHOLE = "103.9,29.9,105.1,31.1"


def places(client, world, username, box=WHOLE):
    return english_login(client, world.users[username]).get(reverse("case-report-places"), {"box": box})


def test_staff_see_the_open_reports_of_their_scope_in_full(client, open_cases):
    world = open_cases
    answer = places(client, world, "grid_worker")
    assert answer.status_code == 200
    pins = {pin["code"]: pin for pin in answer.json()["pins"]}
    assert set(pins) == {world.theirs.code, world.own.code}  # grid A1-1's; street B's is outside their scope
    assert pins[world.theirs.code]["title"] == world.theirs.title
    assert (pins[world.theirs.code]["lat"], pins[world.theirs.code]["lng"]) == (30.01, 104.01)
    assert answer.json()["grids"] == []


def test_a_resident_sees_their_own_reports_at_their_points_and_their_grids_others_in_public_form(client, open_cases):
    world = open_cases
    data = places(client, world, "resident").json()
    assert [pin["code"] for pin in data["pins"]] == [world.own.code]
    assert len(data["grids"]) == 1
    gathered = data["grids"][0]
    assert gathered["grid"] == "测试A1社区第1网格" and len(gathered["cases"]) == 1
    assert set(gathered["cases"][0]) == {"category", "status", "reported_on"}  # no title, code, point or page
    # The mark stands on the grid's point, not on the case's doorstep.
    assert (gathered["lat"], gathered["lng"]) == (30.0625, 104.0625)
    assert world.far.code not in str(data) and world.theirs.title not in str(data) and world.theirs.code not in str(data)


def test_the_places_box_is_checked_and_only_reporters_ask(client, open_cases):
    world = open_cases
    for box in ("", "a,b,c,d", "104,30,103,31", "104,30,105"):
        answer = places(client, world, "resident", box)
        assert answer.status_code == 400 and "west,south,east,north" in answer.json()["detail"]
    assert places(client, world, "district_dispatcher").status_code == 403
    lanes = places(client, world, "resident", "103.99,30.04,104.08,30.13").json()
    assert lanes["detailed"] and lanes["buildings"] and {road["rank"] for road in lanes["roads"]} == {1, 3}


def test_the_address_endpoint_answers_candidates(client, halves):
    answer = english_login(client, halves.users["resident"]).get(reverse("case-report-address"), {"q": "测试A1社区第1网格小区2栋"})
    assert answer.status_code == 200
    first = answer.json()["candidates"][0]
    assert locate("510113", first["lat"], first["lng"]) == halves.units["A1-1-2"]


# -- 联系我的网格员 and tel: links ----------------------------------------------------------------------
def test_a_resident_finds_their_grid_worker_with_the_posts_work_phone(world):
    post = RoleAssignment.objects.get(user=world.users["grid_worker"])
    post.work_phone = "028-83961234"
    post.full_clean()
    post.save()
    contact = my_grid_worker(world.users["resident"])  # home: micro-grid A1-1-1; the worker is posted to A1-1
    assert (contact.name, contact.phone, contact.grid) == ("grid_worker", "028-83961234", "测试A1社区第1网格")
    assert my_grid_worker(world.users["district_dispatcher"]) is None  # no home in a grid


def test_a_work_phone_must_be_a_phone_number(world):
    from django.core.exceptions import ValidationError

    post = RoleAssignment.objects.get(user=world.users["grid_worker"])
    post.work_phone = "call me"
    with pytest.raises(ValidationError) as refused:
        post.full_clean()
    assert "work_phone" in refused.value.message_dict


def test_the_contact_card_is_on_my_cases_and_the_report_page(client, world):
    RoleAssignment.objects.filter(user=world.users["grid_worker"]).update(work_phone="028-83961234")
    english_login(client, world.users["resident"])
    for url in (reverse("my-cases"), reverse("case-report")):
        page = client.get(url).content.decode()
        assert "Contact my grid worker" in page and 'href="tel:02883961234"' in page
    RoleAssignment.objects.filter(user=world.users["grid_worker"]).update(work_phone="")
    assert "No work phone on record yet." in client.get(reverse("my-cases")).content.decode()
    english_login(client, world.users["grid_worker"])
    assert "Contact my grid worker" not in client.get(reverse("case-report")).content.decode()


def test_tel_links_only_for_numbers_shown_in_full():
    assert tel("028-8396 1234") == "tel:02883961234"
    assert tel("+86 138 0000 0001") == "tel:+8613800000001"
    assert tel("138****0001") == ""  # masked: nothing to call
    assert tel("") == ""
