"""Address text → unit, from the registry's names.

The factory district has streets 测试街道A/B, communities 测试A1社区 … 测试B2村, grids named
"<community>第N网格", one compound per grid named "<grid>小区", and buildings 1栋 and 2栋 in it,
each in its own micro-grid. A town with real-looking names (弥牟镇, 怡湖社区, 怡湖苑 3栋/5号楼)
is added where the stems matter.
"""
import pytest
from django.core.exceptions import ValidationError

from gridgov.accounts.models import ApiToken
from gridgov.cases.models import TimelineEntry
from gridgov.intake.address import building_number, resolve_address
from gridgov.intake.services import file_report
from gridgov.structure.models import Building, Compound, Unit

DISTRICT = "510113"


def resolved(text):
    found = resolve_address(DISTRICT, text)
    return found.unit.code if found else None


@pytest.mark.parametrize("text, label", [
    ("测试街道A测试A1社区测试A1社区第2网格小区1栋门口有垃圾", "A1-2-1"),  # street, community, compound, building
    ("测试A1社区第1网格小区2号楼下面路灯不亮", "A1-1-2"),  # 号楼
    ("测试A1社区第1网格小区二栋楼道堆满杂物", "A1-1-2"),  # a Chinese numeral
    ("测试A1社区第1网格小区２幢旁边", "A1-1-2"),  # 幢, a full-width digit
    ("测试B1社区第1网格小区门口有人摆摊", "B1-1"),  # a compound: its grid
    ("测试A1社区第1网格2栋", "A1-1-2"),  # a grid and a building: the grid's one compound has it
    ("测试A2社区有人占道经营", "A2"),  # a community
    ("测试A1社区2栋", "A1"),  # both of A1's compounds have a 2栋: only the community is sure
    ("测试B2村村口有人焚烧垃圾", "B2"),  # a village by its short name
    ("测试街道B有人违章搭建", "B"),  # a street
    ("测试街道B测试A1社区", "B"),  # A1 is not in street B: the community is not believed, the street is
])
def test_names_in_the_text_find_the_most_specific_unit(world, text, label):
    assert resolved(text) == world.units[label].code


@pytest.mark.parametrize("text", ["今天天气不错", "测试街道C有垃圾", "3栋楼下有垃圾", "", "测试"])
def test_text_naming_no_place_of_the_district_finds_nothing(world, text):
    assert resolve_address(DISTRICT, text) is None


def test_the_matched_names_are_returned_in_the_texts_order(world):
    found = resolve_address(DISTRICT, "测试街道A测试A1社区测试A1社区第2网格小区1栋门口")
    assert found.unit == world.units["A1-2-1"]
    assert found.matched[0] == "测试街道a" and found.matched[-1] == "1栋"
    assert "测试a1社区第2网格小区" in found.matched


@pytest.fixture
def town(world):
    """弥牟镇 → 怡湖社区 → one grid with the compound 怡湖苑 (3栋, 5号楼); and 广场社区, whose stem
    广场 is an everyday word."""
    district = world.units["district"]
    town = Unit.objects.create(code="510113102", kind="street", name="弥牟镇", short_name="弥牟镇", parent=district,
                               is_town=True)
    community = Unit.objects.create(code="510113102001", kind="community", name="怡湖社区居民委员会",
                                    short_name="怡湖社区", parent=town)
    grid = Unit.objects.create(code="510113102001001", kind="grid", name="怡湖社区第1网格", short_name="怡湖社区第1网格",
                               parent=community)
    compound = Compound.objects.create(name="怡湖苑", community=community, grid=grid)
    micro = {}
    for number, name in ((1, "3栋"), (2, "5号楼")):
        micro[name] = Unit.objects.create(code=f"{grid.code}00{number}", kind="microgrid", name=f"怡湖苑{name}",
                                          short_name=f"怡湖苑{name}", parent=grid)
        Building.objects.create(compound=compound, microgrid=micro[name], name=name)
    square = Unit.objects.create(code="510113102002", kind="community", name="广场社区居民委员会", short_name="广场社区",
                                 parent=town)
    return {"town": town, "community": community, "grid": grid, "compound": compound, "square": square, **micro}


@pytest.mark.parametrize("text, key", [
    ("弥牟镇怡湖社区怡湖苑3栋楼下垃圾桶满了", "3栋"),
    ("弥牟怡湖苑5栋门口路灯不亮", "5号楼"),  # stems: 弥牟(镇); 5栋 finds the building named 5号楼
    ("怡湖小区的3号楼", "3栋"),  # 怡湖: the stem of the community and of its compound 怡湖苑
    ("怡湖苑旁边", "grid"),
    ("弥牟镇怡湖社区", "community"),
    ("弥牟镇广场社区有人占道", "square"),
    ("弥牟镇广场舞音响太吵", "town"),  # 广场 is a word, not the community
])
def test_stems_and_building_forms(town, text, key):
    assert resolved(text) == town[key].code


def test_the_index_follows_changes_to_the_registry(town):
    assert resolved("金色港湾3栋") is None
    town["compound"].name = "金色港湾"
    town["compound"].save()
    assert resolved("金色港湾3栋") == town["3栋"].code


def test_building_numbers():
    assert [building_number(n) for n in ["3", "03", "三", "十", "十二", "二十一", "a"]] == [
        "3", "3", "3", "10", "12", "21", "a"]


# -- intake without coordinates -----------------------------------------------------------------
def test_a_report_without_coordinates_is_located_by_its_address(world):
    category = world.categories["small"]
    result = file_report(district=world.units["district"], channel="app", title="楼下有暴露垃圾",
                              category=category, address="测试A1社区测试A1社区第1网格小区2栋",
                              reporter=world.persons[0], reported_by=world.users["resident"])
    case = result.case
    assert case.unit == world.units["A1-1-2"] and case.lat is None
    assert case.status == "dispatched" and case.handler_user == world.users["grid_worker"]  # the small loop, too
    assert result.address.matched[-1] == "2栋"


def test_the_address_can_be_in_the_text_and_goes_on_the_timeline(world):
    from gridgov.intake.models import IntakeSettings

    IntakeSettings.objects.create(district=world.units["district"], auto_route_threshold=0.99)
    result = file_report(district=world.units["district"], channel="hotline", title="测试B1社区第2网格小区1栋路灯不亮",
                              contact_phone="13800001111")
    assert result.case.unit == world.units["B1-2-1"]
    assert result.case.queue == world.units["B"]  # unsure (keywords only): the street's queue
    entry = TimelineEntry.objects.get(case=result.case, action="classify")
    assert entry.data["address"][-1] == "1栋" and entry.data["category"] == "050201"


def test_coordinates_win_over_the_address(world):
    result = file_report(district=world.units["district"], channel="app", title="路灯不亮",
                              category=world.categories["small"], address="测试街道B测试B1社区", lat=30.05, lng=104.05)
    assert result.case.unit == world.units["A1-1"] and result.address is None


def test_intake_refuses_a_unit_of_another_district(world):
    from gridgov.cases.services import filing

    other = Unit.objects.create(code="510114", kind="district", name="新都区", short_name="新都区")
    with pytest.raises(ValidationError):
        filing.report(district=world.units["district"], channel="app", title="x", category=world.categories["small"],
                      unit=other)


def test_api_resolves_an_address(world, client):
    headers = {"Authorization": f"Bearer {ApiToken.issue(world.users['resident'])}"}
    body = client.get("/api/v1/intake/address", {"text": "测试A1社区第1网格小区1栋"}, headers=headers).json()
    assert (body["unit"], body["kind"], body["name"]) == (world.units["A1-1-1"].code, "microgrid",
                                                         world.units["A1-1-1"].short_name)
    assert body["matched"][-1] == "1栋"
    assert client.get("/api/v1/intake/address", {"text": "火星"}, headers=headers).status_code == 404
