"""The 双报到 API (tag ``reportin``): the whole path through it, and every bad input refused with a
clear 4xx ``{"detail": …}`` that changes nothing. Service records come from the test stand-in."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.accounts.models import ApiToken, Role
from gridgov.core import clock
from gridgov.reportin.models import EmployerReport, MemberRegistration, Pledge, ReportinEntry, ResidentUnit
from gridgov.reportin.services.access import this_year

from .reportin_world import install, liaison, party_members, user


@pytest.fixture
def api(district, monkeypatch):
    fake = install(monkeypatch)

    def call(username_or_user, method, path, body=None):
        account = district.users[username_or_user] if isinstance(username_or_user, str) else username_or_user
        headers = {"Authorization": f"Bearer {ApiToken.issue(account)}", "Accept-Language": "en"}
        response = getattr(Client(), method)(f"/api/v1/reportin{path}", data=body, content_type="application/json",
                                              headers=headers)
        return response.status_code, (response.json() if response["Content-Type"].startswith("application/json")
                                      else response.content)

    call.fake = fake
    return call


def _unit(api, district, name="区税务局"):
    status, unit = api("community_staff", "post", "/units", {"community": district.units["A1"].code, "name": name,
                                                              "kind": "organ", "address": "青白江大道1号"})
    assert status == 201, unit
    return unit


def test_units_liaisons_and_pledges_through_the_api(api, district):
    unit = _unit(api, district)
    assert (unit["community"], unit["years"], unit["lapsed"]) == (district.units["A1"].code, [this_year()], False)
    account = liaison(district)
    status, unit = api("community_staff", "post", f"/units/{unit['id']}/liaisons", {"username": "liaison"})
    assert status == 200 and unit["liaisons"] == ["liaison"]
    status, pledge = api(account, "post", f"/units/{unit['id']}/pledges",
                         {"kind": "equipment", "description": "投影仪", "quantity": "2台"})
    assert status == 201 and pledge["kind"] == "equipment"
    status, listed = api(account, "get", "/units")
    assert status == 200 and [u["id"] for u in listed] == [unit["id"]]
    status, _body = api(account, "post", f"/pledges/{pledge['id']}/withdraw")
    assert status == 200 and Pledge.objects.get().withdrawn


def test_a_liaison_acting_for_another_unit_gets_404_and_nothing_changes(api, district):
    mine, other = _unit(api, district), _unit(api, district, "区人民医院")
    account = liaison(district)
    api("community_staff", "post", f"/units/{mine['id']}/liaisons", {"username": "liaison"})
    entries = ReportinEntry.objects.count()
    for path, body in ((f"/units/{other['id']}/pledges", {"kind": "funds", "description": "2万元"}),
                       (f"/units/{other['id']}/renew", {"year": this_year() + 1}),
                       (f"/units/{other['id']}", None)):
        status, answer = api(account, "post" if body else "get", path, body)
        assert status == 404 and answer["detail"]
    assert ReportinEntry.objects.count() == entries and not Pledge.objects.exists()


def test_bad_unit_input_is_a_clear_4xx(api, district):
    _unit(api, district)
    cases = [
        ("community_staff", {"community": district.units["A1"].code, "name": "区税务局", "kind": "organ"}, 422,
         "already registered"),
        ("community_staff", {"community": district.units["A1"].code, "name": "X", "kind": "castle"}, 422, "kind"),
        ("community_staff", {"community": "999999999999", "name": "X", "kind": "organ"}, 422, "unit"),
        ("resident", {"community": district.units["A1"].code, "name": "X", "kind": "organ"}, 422, "unit"),
        (user("shop", Role.SHOP_KEEPER, district.units["A1"]),
         {"community": district.units["A1"].code, "name": "X", "kind": "organ"}, 403, "staff"),
    ]
    for who, body, expected, words in cases:
        status, answer = api(who, "post", "/units", body)
        assert (status, words in answer["detail"]) == (expected, True), (who, body, answer)
    assert ResidentUnit.objects.count() == 1


@pytest.fixture
def registered(api, district):
    """A member of A1 registered with an employer, one service in Q1 of last year, and a draft for it."""
    member, *_rest, in_a2 = party_members(district)
    status, org = api("community_staff", "post", "/employers", {
        "community": district.units["A1"].code, "employer_name": "区税务局", "name": "区税务局机关党支部",
        "contact": "dangzhibu@example.org"})
    assert status == 201, org
    year = this_year() - 1
    with clock.frozen(timezone.make_aware(dt.datetime(year, 1, 5, 9))):
        status, registration = api("community_staff", "post", "/members", {
            "person": member.pk, "community": district.units["A1"].code, "employer_org": org["id"]})
    assert status == 201, registration
    api.fake.add(member, dt.date(year, 2, 1), 120, rating=5)
    return member, in_a2, org, registration


def test_members_are_registered_once_a_year_where_they_live(api, district, registered):
    member, in_a2, org, _registration = registered
    in_a2.unit = district.units["A1-1-1"]  # on A1's books, but the household register places them in A2
    in_a2.save()
    status, answer = api("community_staff", "post", "/members", {
        "person": in_a2.pk, "community": district.units["A1"].code, "employer_org": org["id"]})
    assert status == 422 and "household register" in answer["detail"]
    status, first = api("community_staff", "post", "/members", {
        "person": member.pk, "community": district.units["A1"].code, "employer_org": org["id"]})
    assert status == 201 and first["year"] == this_year()
    status, answer = api("community_staff", "post", "/members", {
        "person": member.pk, "community": district.units["A1"].code, "employer_org": org["id"]})
    assert status == 422 and "already registered" in answer["detail"]
    status, answer = api("community_staff", "post", f"/members/{first['id']}/renew", {})
    assert status == 409
    assert MemberRegistration.objects.count() == 2


def test_a_member_sees_their_own_registration(api, district, registered):
    member, _in_a2, _org, registration = registered
    account = user("member", Role.PARTY_MEMBER, district.units["A1-1-2"], person=member)
    status, mine = api(account, "get", "/members")
    assert status == 200 and [r["id"] for r in mine] == [registration["id"]]
    assert api(account, "get", f"/members/{registration['id']}")[0] == 200


def test_report_draft_send_acknowledge_and_the_refusals(api, district, registered):
    _member, _in_a2, org, _registration = registered
    status, report = api("community_staff", "post", "/reports",
                         {"employer_org": org["id"], "year": this_year() - 1, "period": "q1", "with_lines": True})
    assert status == 201 and report["status"] == "draft"
    assert report["totals"] == {"members": 1, "services": 1, "minutes": 120, "hours": 2.0, "rated": 1,
                                "rating_mean": 5.0}
    assert report["members"][0]["lines"][0]["minutes"] == 120
    status, answer = api("community_staff", "post", f"/reports/{report['id']}/acknowledge", {"acknowledged_by": "王"})
    assert status == 409 and answer["detail"]
    status, sent = api("community_staff", "post", f"/reports/{report['id']}/send")
    assert status == 200 and sent["status"] == "sent" and sent["sent_at"]
    status, answer = api("community_staff", "post", f"/reports/{report['id']}/send")
    assert status == 409 and "already been sent" in answer["detail"]
    status, answer = api("community_staff", "post", "/reports",
                         {"employer_org": org["id"], "year": this_year() - 1, "period": "q1"})
    assert status == 422
    status, done = api("community_staff", "post", f"/reports/{report['id']}/acknowledge",
                       {"acknowledged_by": "王书记"})
    assert status == 200 and (done["status"], done["acknowledged_by"]) == ("acknowledged", "王书记")
    status, content = api("community_staff", "get", f"/reports/{report['id']}/xlsx")
    assert status == 200 and content[:2] == b"PK"
    assert EmployerReport.objects.count() == 1


def test_the_district_sets_the_services_target(api, district):
    code = district.units["district"].code
    assert api("district_admin", "get", f"/settings/{code}")[1]["services_target"] == 2
    assert api("dept_chengguan", "put", f"/settings/{code}", {"services_target": 4})[0] == 403
    assert api("district_admin", "put", f"/settings/{code}", {"services_target": -1})[0] == 422
    status, answer = api("district_admin", "put", f"/settings/{code}", {"services_target": 4})
    assert status == 200 and answer["services_target"] == 4
