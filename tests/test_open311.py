"""Open311 GeoReport v2 at /open311/v2/: every endpoint in XML and JSON, element names and order as
the spec gives them, every error with its status and body, and a FixMyStreet-style round trip
through the platform's routing and lifecycle."""
import datetime as dt
import json
from types import SimpleNamespace
from urllib.parse import urlencode
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from gridgov.cases.models import Case, Channel, Status
from gridgov.cases.services import filing, lifecycle
from gridgov.catalogue.models import Category
from gridgov.core import clock
from gridgov.integrations.models import Integration
from gridgov.open311 import services as open311_services
from gridgov.open311.models import ServiceRequest
from gridgov.structure.models import Unit

from .cases_world import IN_A1_1, IN_A1_2, photo

BASE = "/open311/v2/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
FORMATS = ["xml", "json"]


def w3c(value):
    return value.astimezone(SHANGHAI).isoformat(timespec="seconds")


def issue(district_unit, kind="open311", active=True):
    integration = Integration(name=f"FixMyStreet {kind}", kind=kind, district=district_unit, active=active)
    key = integration.issue_key()
    integration.save()
    return key


@pytest.fixture
def o311(world):
    world.key = issue(world.units["district"])
    # The POST must not need a CSRF token; texts are checked in English (Chinese is the default).
    world.http = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    return world


def get(o311, path, **params):
    return o311.http.get(BASE + path, params)


def post(o311, fields, fmt="xml"):
    """A form-encoded POST, as FixMyStreet sends it (repeated fields for lists)."""
    fields = {"api_key": o311.key, "jurisdiction_id": "510113", **fields}
    return o311.http.post(f"{BASE}requests.{fmt}", urlencode(fields, doseq=True),
                          content_type="application/x-www-form-urlencoded; charset=utf-8")


def fms_fields(**extra):
    fields = {"service_code": "9901", "lat": IN_A1_1[0], "long": IN_A1_1[1], "email": "zhang@example.com",
              "first_name": "张", "last_name": "三", "phone": "13800001111",
              "description": "title: 楼下垃圾堆了三天\n\ndetail: 3栋门口的垃圾没人清运\n\nurl: https://fms.example/report/42",
              "media_url": ["https://fms.example/photo/42.0.full.jpeg", "https://fms.example/photo/42.1.full.jpeg"],
              "attribute[location_detail]": "3栋2单元门口", "attribute[fixmystreet_id]": "42"}
    fields.update(extra)
    return fields


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


def parsed(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def tags(element):
    return [child.tag for child in element]


def error_list(response, fmt):
    """[(code, description)] from the spec's error document in either format."""
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "errors" and all(tags(e) == ["code", "description"] for e in root)
        return [(int(e.findtext("code")), e.findtext("description")) for e in root]
    body = parsed(response)
    assert isinstance(body, list)
    return [(e["code"], e["description"]) for e in body]


def assert_error(response, fmt, status, count=1):
    assert response.status_code == status
    found = error_list(response, fmt)
    assert len(found) == count and all(code == status and description for code, description in found)
    return [description for _code, description in found]


def filed(o311, **extra) -> Case:
    response = post(o311, fms_fields(**extra))
    assert response.status_code == 200, response.content.decode()
    return Case.objects.get(code=xml(response).findtext("request/service_request_id"))


# -- discovery, services, service definitions ---------------------------------------------------
def test_discovery_in_both_formats(o311):
    root = xml(get(o311, "discovery.xml"))
    assert root.tag == "discovery" and tags(root) == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert tags(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    body = parsed(get(o311, "discovery.json"))
    assert body["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert body["endpoints"][0]["type"] == "production" and body["contact"] and body["key_service"]


def test_services_are_the_active_leaf_categories_grouped_by_class(o311):
    Category.objects.filter(code="9901").update(keywords="垃圾 暴露垃圾 乱堆")
    Category.objects.filter(code="9904").update(active=False)
    top = Category.objects.create(code="98", name="停用大类", plain_name="停用", handling_level="grid", active=False,
                                  lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)
    Category.objects.create(code="9801", name="停用大类下的事项", plain_name="x", parent=top, handling_level="grid",
                            lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)

    root = xml(get(o311, "services.xml", jurisdiction_id="510113"))
    assert root.tag == "services" and set(tags(root)) == {"service"}
    by_code = {s.findtext("service_code"): s for s in root}
    assert {"9901", "9902", "9903"} <= by_code.keys()
    assert not {"99", "9904", "98", "9801"} & by_code.keys()  # a class, an inactive leaf, an inactive class
    assert len(by_code) == Category.objects.filter(active=True, children__isnull=True).count() - 1  # less 9801
    small = by_code["9901"]
    assert tags(small) == SERVICE_FIELDS
    assert [small.findtext(f) for f in SERVICE_FIELDS] == [
        "9901", "暴露垃圾", "暴露垃圾", "true", "realtime", "垃圾, 暴露垃圾, 乱堆", "测试大类"]

    body = parsed(get(o311, "services.json"))  # one district: jurisdiction_id may be left out
    small = next(s for s in body if s["service_code"] == "9901")
    assert list(small) == SERVICE_FIELDS and small["metadata"] is True and small["group"] == "测试大类"
    assert len(body) == len(by_code)


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(o311, fmt):
    response = get(o311, f"services/9901.{fmt}", jurisdiction_id="510113")
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_definition" and tags(root) == ["service_code", "attributes"]
        assert root.findtext("service_code") == "9901"
        attributes = [{child.tag: child.text for child in a} for a in root.find("attributes")]
        assert all(list(a) == ATTRIBUTE_FIELDS for a in attributes)
        booleans, order = "true", "1"
    else:
        body = parsed(response)
        assert list(body) == ["service_code", "attributes"]
        attributes = body["attributes"]
        assert all(list(a) == ATTRIBUTE_FIELDS for a in attributes)
        booleans, order = True, 1
    assert [a["code"] for a in attributes] == ["title", "location_detail"]
    first = attributes[0]
    assert first["variable"] == booleans and first["datatype"] == "string" and first["order"] == order
    assert first["required"] == ("false" if fmt == "xml" else False)
    assert all(":" not in a["description"] for a in attributes)  # FixMyStreet cuts at the first colon


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_unoffered_service_is_404(o311, fmt):
    assert_error(get(o311, f"services/0000.{fmt}"), fmt, 404)
    assert_error(get(o311, f"services/99.{fmt}"), fmt, 404)  # a class, not a service


# -- the round trip --------------------------------------------------------------------------------
def test_fixmystreet_round_trip(o311):
    response = post(o311, fms_fields())
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    request = root.find("request")
    assert tags(request) == ["service_request_id", "service_notice", "account_id"]  # no token with an id
    case = Case.objects.get(code=request.findtext("service_request_id"))
    assert "1 working days" in request.findtext("service_notice")

    # Filed and routed like any case: the small loop dispatches it to the grid worker on duty.
    assert case.channel == Channel.OPEN311 and case.district_code == "510113"
    assert case.status == Status.DISPATCHED and case.small_loop
    assert case.handler_user == o311.users["grid_worker"] and case.unit == o311.units["A1-1"]
    assert case.title == "楼下垃圾堆了三天" and case.description.startswith("title: 楼下垃圾堆了三天")
    assert case.contact_name == "张三" and case.contact_phone == "13800001111"
    assert case.address == "3栋2单元门口"
    stored = case.open311_request
    assert case.external_id == stored.token
    assert stored.media_urls == fms_fields()["media_url"] and stored.email == "zhang@example.com"
    assert stored.attributes == {"location_detail": "3栋2单元门口", "fixmystreet_id": "42"}
    assert Integration.objects.get().last_used is not None

    # The token resolves to the id, for clients that poll.
    token = xml(get(o311, f"tokens/{stored.token}.xml")).find("request")
    assert tags(token) == ["service_request_id", "token"]
    assert (token.findtext("service_request_id"), token.findtext("token")) == (case.code, stored.token)
    assert parsed(get(o311, f"tokens/{stored.token}.json")) == [{"service_request_id": case.code,
                                                                  "token": stored.token}]

    # GET requests/{id}: open, with the case's deadline in +08:00.
    root = xml(get(o311, f"requests/{case.code}.xml", jurisdiction_id="510113"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert tags(request) == REQUEST_FIELDS
    got = {child.tag: child.text for child in request}
    assert got["status"] == "open" and got["service_code"] == "9901" and got["service_name"] == "暴露垃圾"
    assert got["expected_datetime"] == w3c(case.resolution_due) and got["expected_datetime"].endswith("+08:00")
    assert got["requested_datetime"] == w3c(case.reported_at)
    assert got["agency_responsible"] == o311.units["A1-1"].name  # the grid handling it
    assert got["media_url"] == "https://fms.example/photo/42.0.full.jpeg"
    assert (float(got["lat"]), float(got["long"])) == IN_A1_1 and got["address"] == "3栋2单元门口"
    assert got["status_notes"] == "Dispatched"  # the platform's finer status
    default = Client().get(f"{BASE}requests/{case.code}.xml")  # no Accept-Language: the district's language
    with translation.override(settings.LANGUAGE_CODE):
        assert xml(default).findtext("request/status_notes") == str(Status.DISPATCHED.label)

    # Closed through the platform's own services: closed, with what was done.
    worker = o311.users["grid_worker"]
    case = lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "已清运", photos=[photo()])
    case = lifecycle.verify(o311.users["community_staff"], case, True, "现场核查已清理")
    assert case.status == Status.CLOSED
    body = parsed(get(o311, f"requests/{case.code}.json"))
    assert len(body) == 1 and list(body[0]) == REQUEST_FIELDS
    assert body[0]["status"] == "closed" and body[0]["status_notes"] == "现场核查已清理"
    assert body[0]["updated_datetime"] == w3c(case.closed_at) and body[0]["lat"] == IN_A1_1[0]
    assert body[0]["zipcode"] is None and body[0]["address_id"] is None

    # extensions=true gives back every media URL and the attributes.
    extended = parsed(get(o311, f"requests/{case.code}.json", extensions="true"))[0]["extended_attributes"]
    assert extended["media_urls"] == fms_fields()["media_url"] and extended["platform_status"] == "closed"
    assert {"code": "fixmystreet_id", "value": "42"} in extended["attributes"]
    xml_extended = xml(get(o311, f"requests/{case.code}.xml", extensions="true")).find("request/extended_attributes")
    assert [m.text for m in xml_extended.find("media_urls")] == fms_fields()["media_url"]


def test_post_answers_json_and_falls_back_to_description_and_service_name(o311):
    response = post(o311, {"service_code": "9902", "lat": IN_A1_2[0], "long": IN_A1_2[1], "account_id": "u-7",
                           "attribute[title]": "电线杆上\n贴满小广告"}, fmt="json")
    body = parsed(response)
    assert list(body[0]) == ["service_request_id", "service_notice", "account_id"] and body[0]["account_id"] == "u-7"
    case = Case.objects.get(code=body[0]["service_request_id"])
    assert case.title == "电线杆上 贴满小广告" and case.handler_user == o311.users["grid_worker2"]
    untitled = filed(o311, description="", **{"attribute[location_detail]": ""})
    assert untitled.title == "暴露垃圾"  # the service name


def test_address_only_request_waits_in_the_district_queue(o311):
    case = filed(o311, lat="", long="", address_string="大弯街道怡湖路12号", **{"attribute[location_detail]": ""})
    assert case.unit == o311.units["district"] and case.status == Status.REPORTED
    got = xml(get(o311, f"requests/{case.code}.xml")).find("request")
    assert got.findtext("address") == "大弯街道怡湖路12号" and got.findtext("lat") == ""
    assert got.findtext("agency_responsible") == o311.units["district"].name and got.findtext("status") == "open"
    by_id = filed(o311, lat="", long="", address_id="ADDR-77", **{"attribute[location_detail]": ""})
    got = xml(get(o311, f"requests/{by_id.code}.xml")).find("request")
    assert got.findtext("address_id") == "ADDR-77" and got.findtext("address") == o311.units["district"].name


def test_uploaded_media_file_becomes_a_photo(o311):
    fields = {"api_key": o311.key, "service_code": "9901", "lat": IN_A1_1[0], "long": IN_A1_1[1], "media": photo()}
    response = o311.http.post(BASE + "requests.xml", fields)  # multipart
    case = Case.objects.get(code=xml(response).findtext("request/service_request_id"))
    assert case.photos.filter(stage="report").count() == 1


def test_big_loop_request_shows_the_lead_department_and_a_rejection(o311):
    big = filed(o311, service_code="9903")
    dispatcher = o311.users["street_dispatcher"]
    lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, big), lead=o311.departments["chengguan"])
    got = parsed(get(o311, f"requests/{big.code}.json"))[0]
    assert got["agency_responsible"] == "区综合行政执法局" and got["status"] == "open"

    rejected = lifecycle.reject(dispatcher, filed(o311, service_code="9903"), "duplicate")
    got = parsed(get(o311, f"requests/{rejected.code}.json"))[0]
    assert got["status"] == "closed" and got["expected_datetime"] is None
    assert got["status_notes"] and got["agency_responsible"] == o311.units["A"].name


def test_a_merged_request_follows_its_master(o311):
    master, duplicate = filed(o311), filed(o311)
    staff = o311.users["community_staff"]
    lifecycle.merge(staff, duplicate, master, "同一处垃圾")
    got = parsed(get(o311, f"requests/{duplicate.code}.json"))[0]
    assert got["status"] == "open" and master.code in got["status_notes"]
    assert duplicate.code in ids(o311, "json", status="open")
    worker = o311.users["grid_worker"]
    handled = lifecycle.handle(worker, lifecycle.acknowledge(worker, master), "已清运")
    lifecycle.verify(o311.users["community_staff"], handled, True, "已核查")
    got = parsed(get(o311, f"requests/{duplicate.code}.json"))[0]
    assert got["status"] == "closed" and got["status_notes"].endswith("已核查")
    assert [r["service_request_id"] for r in parsed(get(o311, "requests.json", status="closed"))] == [
        duplicate.code, master.code]


def test_a_suspended_request_is_open_without_a_deadline(o311):
    case = lifecycle.suspend(o311.users["community_staff"], filed(o311), "等待产权单位确认")
    got = parsed(get(o311, f"requests/{case.code}.json"))[0]
    assert got["status"] == "open" and got["expected_datetime"] is None and "等待产权单位确认" in got["status_notes"]
    case = lifecycle.resume(o311.users["community_staff"], case)
    got = parsed(get(o311, f"requests/{case.code}.json"))[0]
    assert got["expected_datetime"] == w3c(case.resolution_due)


# -- GET requests and its filters --------------------------------------------------------------------
@pytest.fixture
def history(o311):
    """Requests filed 100, 30 and 5 days ago and now; the 30-day-old one closed; one app case."""
    now = timezone.now()
    cases = {}
    for name, days, code in [("old", 100, "9901"), ("month", 30, "9902"), ("week", 5, "9903"), ("today", 0, "9901")]:
        with clock.frozen(now - dt.timedelta(days=days)):
            cases[name] = filed(o311, service_code=code)
    worker = o311.users["grid_worker"]
    cases["month"] = lifecycle.handle(worker, lifecycle.acknowledge(worker, cases["month"]), "已清除")
    assert cases["month"].status == Status.CLOSED
    filing.report(district=o311.units["district"], channel="app", title="非 Open311 的案件",
                  category=o311.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1])
    return SimpleNamespace(now=now, **cases)


def ids(o311, fmt="xml", **params):
    response = get(o311, f"requests.{fmt}", **params)
    assert response.status_code == 200, response.content.decode()
    if fmt == "xml":
        root = xml(response)
        assert root.tag == "service_requests" and all(tags(r) == REQUEST_FIELDS for r in root)
        return [r.findtext("service_request_id") for r in root]
    return [r["service_request_id"] for r in parsed(response)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_default_window_and_status(o311, history, fmt):
    h = history
    assert ids(o311, fmt) == [h.today.code, h.week.code, h.month.code]  # newest first, 90 days, Open311 only
    assert ids(o311, fmt, status="open") == [h.today.code, h.week.code]
    assert ids(o311, fmt, status="closed") == [h.month.code]
    assert ids(o311, fmt, status="open,closed") == [h.today.code, h.week.code, h.month.code]


def test_get_requests_filters(o311, history):
    h = history
    assert ids(o311, service_code="9902") == [h.month.code]
    assert ids(o311, service_code="9901,9903") == [h.today.code, h.week.code]
    start, end = w3c(h.now - dt.timedelta(days=120)), w3c(h.now - dt.timedelta(days=40))
    assert ids(o311, start_date=start, end_date=end) == [h.old.code]
    assert ids(o311, start_date=(h.now - dt.timedelta(days=10)).astimezone(dt.timezone.utc)
               .strftime("%Y-%m-%dT%H:%M:%SZ")) == [h.today.code, h.week.code]
    assert ids(o311, end_date=w3c(h.now - dt.timedelta(days=20))) == [h.month.code, h.old.code]  # 90 days before
    day = timezone.localdate(h.week.reported_at).isoformat()
    assert ids(o311, start_date=day, end_date=day) == [h.week.code]  # a W3C date is the whole day
    # service_request_id overrides every other filter, the date window included.
    assert ids(o311, service_request_id=f"{h.old.code}, {h.today.code}", status="closed") == [h.today.code, h.old.code]
    assert ids(o311, page_size="2", page="2") == [h.month.code]
    assert ids(o311, service_request_id="510113000000000000") == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params", [
    {"start_date": "yesterday"}, {"start_date": "2026-01-01T00:00:00"},  # no time zone
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
    {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-02-01T00:00:00Z"},
    {"status": "pending"}, {"page_size": "1001"}, {"page": "0"},
])
def test_get_requests_refuses_bad_filters(o311, fmt, params):
    assert_error(get(o311, f"requests.{fmt}", **params), fmt, 400)


def test_listing_costs_the_same_few_queries_for_any_number_of_requests(o311, django_assert_max_num_queries):
    for _ in range(6):
        filed(o311)
    with django_assert_max_num_queries(6):
        assert len(ids(o311)) == 6


def test_at_most_1000_requests(o311, monkeypatch):
    monkeypatch.setattr(open311_services, "MAX_RESULTS", 2)
    for _ in range(3):
        filed(o311)
    assert len(ids(o311)) == 2


# -- keys, jurisdictions and errors ------------------------------------------------------------------
@pytest.fixture
def second_district(o311):
    other = Unit.objects.create(code="510112", kind="district", name="龙泉驿区", short_name="龙泉驿区")
    return SimpleNamespace(unit=other, key=issue(other))


@pytest.mark.parametrize("fmt", FORMATS)
def test_api_keys(o311, second_district, fmt):
    hotline_key = issue(o311.units["district"], kind="hotline")
    inactive_key = issue(o311.units["district"], active=False)
    for key in ["", "not-a-key", hotline_key, inactive_key, second_district.key]:
        o311.key = key
        assert_error(post(o311, fms_fields(), fmt), fmt, 403)
    assert not Case.objects.exists()


def test_a_key_files_only_into_its_own_district(o311, second_district):
    o311.key = second_district.key
    response = post(o311, fms_fields(jurisdiction_id="510113"))
    assert "510113" in assert_error(response, "xml", 403)[0]
    o311.key = issue(o311.units["district"])
    case = filed(o311, jurisdiction_id="")  # the key names the district
    assert case.district_code == "510113"


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdictions(o311, second_district, fmt):
    for path in ["services", "services/9901", "requests", "requests/1", "tokens/x"]:
        assert_error(get(o311, f"{path}.{fmt}", jurisdiction_id="999999"), fmt, 404)
        assert_error(get(o311, f"{path}.{fmt}"), fmt, 400)  # several districts: required
    assert_error(post(o311, fms_fields(jurisdiction_id="999999"), fmt), fmt, 404)
    assert get(o311, f"services.{fmt}", jurisdiction_id="510112").status_code == 200
    case = filed(o311)
    assert_error(get(o311, f"requests/{case.code}.{fmt}", jurisdiction_id="510112"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_field_errors(o311, fmt):
    descriptions = assert_error(post(o311, {"description": "没有事项也没有位置"}, fmt), fmt, 400, count=2)
    assert "service_code" in descriptions[0] and "location" in descriptions[1]
    assert_error(post(o311, fms_fields(service_code="0000"), fmt), fmt, 404)
    for bad in [{"long": ""}, {"lat": "north"}, {"media_url": ["ftp://x/y.jpg"]}, {"description": "长" * 4001},
                {"attribute[title][]": ["a", "b"]}, {"lat": "39.9", "long": "116.4"}]:  # the last outside the district
        assert_error(post(o311, fms_fields(**bad), fmt), fmt, 400)
    assert not Case.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_requests_tokens_paths_formats_and_methods(o311, fmt):
    assert_error(get(o311, f"requests/510113000000000000.{fmt}"), fmt, 404)
    assert_error(get(o311, f"tokens/no-such-token.{fmt}"), fmt, 404)
    assert_error(get(o311, f"nothing/here.{fmt}"), fmt, 404)
    app_case = filing.report(district=o311.units["district"], channel="app", title="app",
                             category=o311.categories["small"])
    assert_error(get(o311, f"requests/{app_case.code}.{fmt}"), fmt, 404)  # not filed through Open311
    assert_error(o311.http.delete(f"{BASE}requests.{fmt}"), fmt, 400)
    assert_error(o311.http.post(f"{BASE}services.{fmt}"), fmt, 400)
    assert_error(get(o311, "services.html"), "xml", 400)
    assert xml(get(o311, "services")).tag == "services"  # no extension: XML
    assert o311.http.head(f"{BASE}services.{fmt}").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_never_a_500(o311, monkeypatch, fmt):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(open311_services, "service_list", broken)
    monkeypatch.setattr(open311_services.filing, "report", broken)
    assert "General service error" in assert_error(get(o311, f"services.{fmt}"), fmt, 400)[0]
    assert_error(post(o311, fms_fields(), fmt), fmt, 400)
    assert not ServiceRequest.objects.exists()


def test_control_characters_never_break_the_xml(o311):
    case = filed(o311, description="路灯\x00不亮\x07\n第二行")
    assert case.description == "路灯不亮\n第二行"
    assert xml(get(o311, f"requests/{case.code}.xml")).findtext("request/description") == "路灯不亮\n第二行"
