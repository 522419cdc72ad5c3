"""12345 orders without coordinates are located from their address (intake's resolver) before
falling back to the district — in a batch and through the push API alike — and are then routed
like any located report; the coordinates, when given, still decide."""
import csv
import io
import json

import pytest
from django.utils import translation

from gridgov.cases.models import Case, Status
from gridgov.hotline.services import ORDER_COLUMNS, Outcome, import_batch
from gridgov.integrations.models import Integration

from .cases_world import IN_A1_1

HEADER = [column.header for column in ORDER_COLUMNS]
# 工单编号 来电时间 来电人 联系电话 诉求标题 诉求内容 事项分类 发生地址 经度 纬度 所属街道
BUILDING = "测试A1社区第1网格小区2栋"  # compound of grid A1-1, building 2 → micro-grid A1-1-2


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(order_no, address, category="9903", lat="", lng="", street=""):
    return [order_no, "2025-03-03 09:30", "张三", "13800001111", "", f"{address}有人违章搭建彩钢棚", category, address,
            lng, lat, street]


def batch(*rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def case(order_no):
    return Case.objects.get(channel="hotline", external_id=order_no)


def test_a_batch_locates_orders_without_coordinates_by_their_address(world):
    units = world.units
    report = import_batch(batch(
        row("A-1", BUILDING),  # a building: its micro-grid
        row("A-2", "测试A2社区门口"),  # a community
        row("A-3", "测试街道B某路口"),  # a street only
        row("A-4", "幸福路12号"),  # no place of the district: the district
        row("A-5", BUILDING, category="9901"),  # a grid matter in a grid: the small loop
    ), units["district"])
    assert report.accepted == 5, [r.reasons for r in report.rows]
    building = case("A-1")
    assert building.unit == units["A1-1-2"] and building.queue == units["A"] and building.status == Status.REPORTED
    assert (building.lat, building.lng) == (None, None)  # a named place is not a measured point
    assert building.address == BUILDING
    assert (case("A-2").unit, case("A-2").queue) == (units["A2"], units["A"])
    assert (case("A-3").unit, case("A-3").queue) == (units["B"], units["B"])
    assert (case("A-4").unit, case("A-4").queue) == (units["district"], units["district"])
    small = case("A-5")
    assert small.unit == units["A1-1-2"] and small.small_loop and small.status == Status.DISPATCHED
    assert small.handler_user == world.users["grid_worker"]


def test_coordinates_decide_and_an_address_outside_the_named_street_is_not_used(world):
    units = world.units
    report = import_batch(batch(
        row("B-1", "测试B1社区", lat=IN_A1_1[0], lng=IN_A1_1[1]),  # the point wins over the words
        row("B-2", BUILDING, street="测试街道B"),  # the address is in street A, the order says B
        row("B-3", BUILDING, street="测试街道A"),  # consistent: used
    ), units["district"])
    assert report.accepted == 3, [r.reasons for r in report.rows]
    assert case("B-1").unit == units["A1-1"]
    assert case("B-2").unit == units["district"]
    assert case("B-3").unit == units["A1-1-2"]


def test_reimporting_a_located_order_changes_nothing(world):
    data = batch(row("C-1", BUILDING))
    import_batch(data, world.units["district"])
    again = import_batch(data, world.units["district"])
    assert [r.outcome for r in again.rows] == [Outcome.ALREADY] and Case.objects.count() == 1


def hotline_key(unit):
    integration = Integration(name="12345", kind="hotline", district=unit, active=True)
    key = integration.issue_key()
    integration.save()
    return key


def test_a_pushed_order_without_coordinates_is_located_by_its_address(world, client):
    key = hotline_key(world.units["district"])

    def push(**body):
        order = {"order_no": "P-1", "reported_at": "2025-03-03 09:30", "title": "楼顶违章搭建",
                 "description": "有人违章搭建彩钢棚", "category": "9903", "address": BUILDING}
        order.update(body)
        return client.post("/api/v1/hotline/orders", json.dumps(order), content_type="application/json",
                           headers={"X-Api-Key": key})

    response = push()
    assert response.status_code == 201, response.content
    located = case("P-1")
    assert located.unit == world.units["A1-1-2"] and located.queue == world.units["A"]
    assert response.json()["case"] == located.code
    assert push(order_no="P-2", address="幸福路12号").status_code == 201
    assert case("P-2").unit == world.units["district"]
    refused = push(order_no="P-3", address="")  # neither an address nor coordinates: a clear 422
    assert refused.status_code == 422 and "address" in refused.json()["reasons"]
