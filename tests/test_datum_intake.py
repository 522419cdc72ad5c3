"""Datums at intake: a point from an Amap (GCJ-02) or Baidu (BD-09) map, sent through the cases API,
the intake API, Open311 or the 12345 hotline, is stored as its WGS 84 point, in the grid that point
is in, with the datum it came in; an unknown datum is a 4xx in the caller's language and writes no
case. The conversion itself is tested in test_geo_datum.py."""
import json
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.cases.models import Case
from gridgov.cases.services.locate import locate
from gridgov.core.geo import Datum, distance_m, from_wgs84, to_wgs84
from gridgov.hotline.services import import_batch
from gridgov.intake.services import file_report
from gridgov.integrations.models import Integration

#: A spot in grid A1-1 (lng 104.0–104.125) 100 m west of grid A1-2: GCJ-02 moves it about 240 m east
#: and 280 m south, into A1-2, so a point taken as WGS 84 as sent would land in the wrong grid.
SPOT = (30.10, 104.124)
SPOT_GCJ = (30.0974848, 104.1265065)  # from_wgs84(*SPOT, "gcj02"), rounded to 7 decimals (about 1 cm)


@pytest.fixture
def spot(world):
    """The spot's datums and grids; checks that the shift really crosses the grid line."""
    gcj, bd = from_wgs84(*SPOT, Datum.GCJ02), from_wgs84(*SPOT, Datum.BD09)
    assert gcj == pytest.approx(SPOT_GCJ, abs=1e-7)
    assert locate("510113", *SPOT) == world.units["A1-1"]
    assert locate("510113", *gcj) == world.units["A1-2"]
    return {"gcj02": gcj, "bd09": bd, "grid": world.units["A1-1"]}


def assert_stored_at_the_spot(case, datum, spot):
    assert case.source_datum == datum
    assert (case.lat, case.lng) == pytest.approx(to_wgs84(*spot[datum], datum), abs=1e-12)
    assert distance_m(case.lat, case.lng, *SPOT) < 0.01
    assert case.unit == spot["grid"]


def bearer(world, user="district_admin"):
    return {"Authorization": f"Bearer {ApiToken.issue(world.users[user])}", "Accept-Language": "en"}


def post_json(url, body, headers):
    return Client().post(url, json.dumps(body), content_type="application/json", headers=headers)


# -- the cases API and the intake API --------------------------------------------------------------
@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_cases_api_stores_the_wgs84_point(world, spot, datum):
    lat, lng = spot[datum]
    response = post_json("/api/v1/cases", {"title": "楼下有暴露垃圾", "category": "9901", "lat": lat, "lng": lng,
                                           "datum": datum}, bearer(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source_datum"] == datum and distance_m(body["lat"], body["lng"], *SPOT) < 0.01
    assert_stored_at_the_spot(Case.objects.get(code=body["code"]), datum, spot)


def test_cases_api_without_datum_takes_wgs84(world, spot):
    response = post_json("/api/v1/cases", {"title": "楼下有暴露垃圾", "category": "9901", "lat": SPOT[0],
                                           "lng": SPOT[1]}, bearer(world))
    assert response.status_code == 201, response.content
    case = Case.objects.get(code=response.json()["code"])
    assert (case.lat, case.lng, case.source_datum, case.unit) == (*SPOT, "wgs84", spot["grid"])


def test_intake_api_stores_the_wgs84_point(world, spot):
    lat, lng = spot["gcj02"]
    response = post_json("/api/v1/intake/reports", {"title": "楼下有暴露垃圾", "category": "9901", "lat": lat,
                                                    "lng": lng, "datum": "gcj02"}, bearer(world))
    assert response.status_code == 201, response.content
    assert_stored_at_the_spot(Case.objects.get(code=response.json()["case"]["code"]), "gcj02", spot)


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/intake/reports"])
@pytest.mark.parametrize(("language", "words"), [("en", "datum: must be one of"), ("zh-hans", "datum: 必须是以下之一")])
def test_apis_refuse_an_unknown_datum(world, url, language, words):
    headers = {**bearer(world), "Accept-Language": language}
    response = post_json(url, {"title": "楼下有暴露垃圾", "category": "9901", "lat": SPOT[0], "lng": SPOT[1],
                               "datum": "mars"}, headers)
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert not Case.objects.exists()


def test_the_web_form_path_records_wgs84(world):
    """The web report form (browser geolocation, map picks on the platform's WGS 84 map) gives no datum."""
    result = file_report(district=world.units["district"], channel="other", title="楼下有暴露垃圾",
                              category=world.categories["small"], lat=SPOT[0], lng=SPOT[1],
                              reported_by=world.users["district_admin"])
    assert (result.case.lat, result.case.lng, result.case.source_datum) == (*SPOT, "wgs84")


# -- Open311 --------------------------------------------------------------------------------------------
def open311_post(world, **fields):
    integration = Integration(name="FixMyStreet", kind="open311", district=world.units["district"])
    key = integration.issue_key()
    integration.save()
    body = {"api_key": key, "jurisdiction_id": "510113", "service_code": "9901", "description": "楼下垃圾堆了三天",
            **fields}
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/open311/v2/requests.json", urlencode(body), content_type="application/x-www-form-urlencoded")


def test_open311_datum_extension(world, spot):
    lat, lng = spot["gcj02"]
    response = open311_post(world, lat=lat, long=lng, datum="gcj02")
    assert response.status_code == 200, response.content
    case = Case.objects.get(code=response.json()[0]["service_request_id"])
    assert_stored_at_the_spot(case, "gcj02", spot)


def test_open311_refuses_an_unknown_datum(world):
    response = open311_post(world, lat=SPOT[0], long=SPOT[1], datum="mars")
    assert response.status_code == 400
    assert response.json() == [{"code": 400, "description": "Unknown coordinate datum “mars”: use wgs84, gcj02 or "
                                                            "bd09."}]
    assert not Case.objects.exists()


# -- the 12345 hotline ------------------------------------------------------------------------------
def hotline_push(world, **changes):
    integration = Integration(name="12345", kind="hotline", district=world.units["district"])
    key = integration.issue_key()
    integration.save()
    order = {"order_no": "D-001", "reported_at": "2024-12-31 15:00", "description": "某小区楼下暴露垃圾",
             "category": "9901", "address": "测试A1社区3栋", **changes}
    return post_json("/api/v1/hotline/orders", order, {"X-Api-Key": key, "Accept-Language": "en"})


def test_hotline_push_with_gcj02(world, spot):
    lat, lng = spot["gcj02"]
    response = hotline_push(world, lat=lat, lng=lng, datum="GCJ-02", street="测试街道A")
    assert response.status_code == 201, response.content
    assert_stored_at_the_spot(Case.objects.get(code=response.json()["case"]), "gcj02", spot)


def test_hotline_push_refuses_an_unknown_datum(world):
    response = hotline_push(world, lat=SPOT[0], lng=SPOT[1], datum="mars")
    assert response.status_code == 422
    assert response.json()["reasons"] == {"datum": ["Unknown coordinate datum “mars”: use wgs84, gcj02 or bd09."]}
    assert not Case.objects.exists()


def test_hotline_checks_the_converted_point(world):
    """A BD-09 point just inside the district's east edge is outside it taken as WGS 84, and the reverse."""
    inside = (30.5, 104.999)
    lat, lng = from_wgs84(*inside, "bd09")
    assert locate("510113", lat, lng) is None
    assert hotline_push(world, lat=lat, lng=lng, datum="bd09").status_code == 201
    assert Case.objects.get().source_datum == "bd09"
    refused = hotline_push(world, order_no="D-002", lat=inside[0], lng=inside[1], datum="gcj02")
    assert refused.status_code == 422 and "is outside" in refused.json()["detail"]


def test_hotline_batch_reads_the_datum_column(world, spot):
    lat, lng = spot["gcj02"]
    rows = [["工单编号", "来电时间", "诉求内容", "事项分类", "发生地址", "经度", "纬度", "坐标系"],
            ["B-001", "2024-12-31 15:00", "楼下暴露垃圾", "9901", "测试A1社区3栋", lng, lat, "gcj02"],
            ["B-002", "2024-12-31 15:00", "楼下暴露垃圾", "9901", "测试A1社区3栋", SPOT[1], SPOT[0], ""],
            ["B-003", "2024-12-31 15:00", "楼下暴露垃圾", "9901", "测试A1社区3栋", lng, lat, "火星"]]
    data = "\n".join(",".join(str(cell) for cell in row) for row in rows).encode("utf-8-sig")
    with translation.override("en"):
        report = import_batch(data, world.units["district"])
    assert [row.outcome for row in report.rows] == ["accepted", "accepted", "refused"]
    assert report.rows[2].reasons == {"坐标系": ["Unknown coordinate datum “火星”: use wgs84, gcj02 or bd09."]}
    assert_stored_at_the_spot(Case.objects.get(external_id="B-001"), "gcj02", spot)
    wgs = Case.objects.get(external_id="B-002")
    assert (wgs.lat, wgs.lng, wgs.source_datum, wgs.unit) == (*SPOT, "wgs84", spot["grid"])
    assert not Case.objects.filter(external_id="B-003").exists()


# -- “already reported?” and “me too” through the intake API ------------------------------------------
def test_similar_and_join_look_near_the_wgs84_point(world):
    """A resident's Amap point 100 m north of an open case (its GCJ-02 numbers are some 370 m away):
    the search measures from the WGS 84 point, and the joined report is stored there."""
    resident = User.objects.create_user("resident2", password="x")
    RoleAssignment.objects.create(user=resident, role=Role.RESIDENT, unit=world.units["A1-1"])
    world.persons[1].user = resident
    world.persons[1].save()
    world.users["resident2"] = resident
    master = file_report(district=world.units["district"], channel="patrol", title="3栋楼顶有人违章搭建彩钢棚",
                              category=world.categories["big"], lat=30.05, lng=104.05,
                              reported_by=world.users["grid_worker"]).case
    near = (30.0509, 104.05)
    gcj = from_wgs84(*near, "gcj02")
    assert distance_m(*gcj, *near) > 300
    body = {"category": "9903", "title": "3栋楼顶违章搭建了彩钢棚，好几天了", "lat": gcj[0], "lng": gcj[1], "datum": "gcj02"}
    staff = post_json("/api/v1/intake/similar", body, bearer(world, "street_dispatcher")).json()
    assert [item["code"] for item in staff] == [master.code] and 95 < staff[0]["distance_m"] < 105
    joined = post_json(f"/api/v1/intake/cases/{master.code}/join", {"lat": gcj[0], "lng": gcj[1], "datum": "gcj02"},
                       bearer(world, "resident2"))
    assert joined.status_code == 201, joined.content
    case = Case.objects.get(code=joined.json()["case"])
    assert case.source_datum == "gcj02" and distance_m(case.lat, case.lng, *near) < 0.01
