"""The JSON API: tokens, each endpoint against the factory district, pagination, errors that are
always JSON ``{"detail": ...}`` in the caller's language and never a 500, and the OpenAPI schema.
Scope per role is tested in test_scope.py."""
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from gridgov.accounts.models import ApiToken
from gridgov.people.models import RevealLog, SpecialGroup
from gridgov.structure.models import Unit
from tests.factories import PASSWORD


@pytest.fixture
def api(district, client):
    """GET/POST as a factory user through a bearer token, optionally asking for a language."""
    def call(method, url, data=None, username="district_admin", language=None):
        headers = {"Authorization": f"Bearer {ApiToken.issue(district.users[username])}"}
        if language:
            headers["Accept-Language"] = language
        if method == "post":
            body = data if isinstance(data, str) else json.dumps(data or {})
            return client.post(url, body, content_type="application/json", headers=headers)
        return client.get(url, data or {}, headers=headers)

    return call


def _detail(response) -> str:
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail
    return detail


def _units_of_kind(district, kind, under=""):
    return {unit.code for unit in district.units.values()
            if isinstance(unit, Unit) and unit.kind == kind and unit.code.startswith(under)}


# Tokens and authentication

def test_token_for_good_credentials_opens_the_api(district, client):
    response = client.post("/api/v1/auth/token", {"username": "grid_worker", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    grid = district.units["A1-1"].code
    assert client.get(f"/api/v1/units/{grid}", headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200


@pytest.mark.parametrize("username, password", [("grid_worker", "wrong"), ("nobody", PASSWORD), ("inactive", PASSWORD)])
def test_token_refused_for_bad_credentials(district, client, username, password):
    User.objects.create_user("inactive", password=PASSWORD, is_active=False)
    response = client.post("/api/v1/auth/token", {"username": username, "password": password},
                           content_type="application/json")
    assert response.status_code == 401
    _detail(response)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic Z3JpZDp3b3JrZXI="])
def test_no_or_bad_token_is_401(district, client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(f"/api/v1/units/{district.units['district'].code}", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    _detail(response)


def test_a_token_of_a_deactivated_user_stops_working(district):
    user = district.users["grid_worker"]
    token = ApiToken.issue(user)
    user.is_active = False
    user.save()
    response = Client().get(f"/api/v1/units/{district.units['A1-1'].code}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_web_session_is_accepted_and_unsafe_methods_need_csrf(district):
    """The UI's htmx calls the API with the session cookie, so a POST must carry the CSRF token;
    without any credentials at all the answer stays 401, not a CSRF complaint."""
    person = district.persons[0]
    url = f"/api/v1/persons/{person.pk}/reveal"
    body = json.dumps({"field": "phone", "reason": "走访核实"})
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(url, body, content_type="application/json").status_code == 401
    browser.force_login(district.users["community_staff"])
    assert browser.get(f"/api/v1/persons/{person.pk}").status_code == 200
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    _detail(refused)
    browser.get("/login/")  # sets the CSRF cookie
    allowed = browser.post(url, body, content_type="application/json",
                           headers={"X-CSRFToken": browser.cookies["csrftoken"].value})
    assert allowed.status_code == 200
    assert allowed.json()["value"] == person.phone


# Endpoints

@pytest.mark.parametrize("label", ["district", "A", "A1", "A1-1", "A1-1-1"])
def test_unit_detail_counts_the_units_below(district, api, label):
    unit = district.units[label]
    body = api("get", f"/api/v1/units/{unit.code}").json()
    kinds = ["district", "street", "community", "grid", "microgrid"]
    below = kinds[kinds.index(unit.kind) + 1:]
    assert body["child_counts"] == {kind: len(_units_of_kind(district, kind, unit.code)) for kind in below}
    assert (body["code"], body["kind"], body["name"]) == (unit.code, unit.kind, unit.name)
    assert body["parent"] == (unit.parent.code if unit.parent else None)


def test_unit_detail_reports_both_coverages(district, api):
    """The factory's A1-1 branch covers the A1-1 compound (organisation and work coverage); an
    instructor gives B1-1's compound work coverage only."""
    instructed = district.units["compound B1-1"]
    instructed.instructor = district.persons[-1]
    instructed.save()
    compounds = len(_units_of_kind(district, "grid"))  # one compound per grid
    assert api("get", f"/api/v1/units/{district.units['district'].code}").json()["coverage"] == {
        "compounds": compounds, "organisation_covered": 1, "work_covered": 2,
        "organisation_share": round(1 / compounds, 4), "work_share": round(2 / compounds, 4)}
    shares = {label: api("get", f"/api/v1/units/{district.units[label].code}").json()["coverage"]
              for label in ["A1-1", "A1-2", "B1-1"]}
    assert [(c["organisation_share"], c["work_share"]) for c in shares.values()] == [(1.0, 1.0), (0.0, 0.0), (0.0, 1.0)]


def test_unit_children(district, api):
    street = district.units["A"]
    body = api("get", f"/api/v1/units/{street.code}/children").json()
    assert [child["code"] for child in body] == sorted(_units_of_kind(district, "community", street.code))
    assert {child["parent"] for child in body} == {street.code}
    assert [child["is_village"] for child in api("get", f"/api/v1/units/{district.units['B'].code}/children").json()] == [
        False, True]


def test_persons_are_masked(district, api):
    items = api("get", "/api/v1/persons", {"unit": district.units["A1-1"].code}).json()["items"]
    people = [p for p in district.persons if p.unit.code.startswith(district.units["A1-1"].code)]
    assert [(i["id"], i["name"], i["unit"]) for i in items] == [(p.pk, p.name, p.unit.code) for p in people]
    assert [(i["id_number"], i["phone"]) for i in items] == [(p.masked_id_number, p.masked_phone) for p in people]
    assert all("*" in i["id_number"] and "*" in i["phone"] for i in items)


def test_persons_pages_cover_everyone_once(district, api):
    pages = [api("get", "/api/v1/persons", {"limit": 5, "offset": offset}).json() for offset in range(0, 20, 5)]
    assert {page["count"] for page in pages} == {len(district.persons)}
    assert [len(page["items"]) for page in pages] == [5, 5, 5, 1]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert sorted(ids) == sorted(p.pk for p in district.persons)
    assert len(set(ids)) == len(ids)


def test_persons_filters(district, api):
    elderly = SpecialGroup.objects.create(code="elderly_alone", name="独居老人")
    for person in district.persons[2:4]:
        person.special_groups.add(elderly)
    by_group = api("get", "/api/v1/persons", {"special_group": "elderly_alone"}).json()
    assert {i["id"] for i in by_group["items"]} == {p.pk for p in district.persons[2:4]}
    assert all(i["special_groups"] == ["elderly_alone"] for i in by_group["items"])
    by_name = api("get", "/api/v1/persons", {"q": "居民0"}).json()
    assert by_name["count"] == len([p for p in district.persons if "居民0" in p.name])
    community = district.units["A1"].code
    both = api("get", "/api/v1/persons", {"q": "居民0", "unit": community}).json()
    assert {i["id"] for i in both["items"]} == {
        p.pk for p in district.persons if "居民0" in p.name and p.unit.code.startswith(community)}
    assert api("get", "/api/v1/persons", {"special_group": "no-such-group"}).json() == {"items": [], "count": 0}


def test_person_detail(district, api):
    person = district.persons[5]
    body = api("get", f"/api/v1/persons/{person.pk}").json()
    assert body["name"] == person.name
    assert (body["id_number"], body["phone"]) == (person.masked_id_number, person.masked_phone)
    assert body["birth_decade"] == person.birth_date.year // 10 * 10 and "birth_date" not in body
    assert body["household"] == str(person.household)


def test_reveal_returns_the_number_once_logged_and_uncached(district, api):
    person = district.persons[5]
    response = api("post", f"/api/v1/persons/{person.pk}/reveal", {"field": "id_number", "reason": "核实低保申请"})
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": person.id_number}
    assert "no-store" in response["Cache-Control"]
    log = RevealLog.objects.get()
    assert (log.user.username, log.person, log.field, log.reason) == ("district_admin", person, "id_number", "核实低保申请")


def test_reveal_without_the_permission_is_403_and_not_logged(district, api):
    response = api("post", f"/api/v1/persons/{district.persons[0].pk}/reveal", {"field": "phone", "reason": "走访"},
                   username="grid_worker")
    assert response.status_code == 403
    _detail(response)
    assert not RevealLog.objects.exists()


def test_departments(district, api):
    body = api("get", "/api/v1/departments", username="dept_chengguan").json()
    chengguan = district.departments["chengguan"]
    assert body == [{"id": chengguan.pk, "code": "chengguan", "name": chengguan.name, "short_name": "城管",
                     "district": district.units["district"].code}]


# Invalid input: 4xx with a JSON detail, never a 500

HUGE = "9" * 30
REVEAL = "/api/v1/persons/{person}/reveal"
BAD_REQUESTS = [
    ("post", "/api/v1/auth/token", "{not json", 400),
    ("post", "/api/v1/auth/token", "[]", 422),
    ("post", "/api/v1/auth/token", {}, 422),
    ("post", "/api/v1/auth/token", {"username": 1, "password": ["x"]}, 422),
    ("get", "/api/v1/units/999999", None, 404),
    ("get", "/api/v1/units/abc", None, 422),
    ("get", f"/api/v1/units/{HUGE}", None, 422),
    ("get", "/api/v1/units/999999/children", None, 404),
    ("get", "/api/v1/units/51O113/children", None, 422),
    ("get", "/api/v1/persons?unit=999999", None, 404),
    ("get", "/api/v1/persons?unit=abc", None, 422),
    ("get", f"/api/v1/persons?limit={HUGE}", None, 422),
    ("get", f"/api/v1/persons?offset={HUGE}", None, 422),
    ("get", "/api/v1/persons?limit=0", None, 422),
    ("get", "/api/v1/persons?offset=-1", None, 422),
    ("get", "/api/v1/persons?limit=many", None, 422),
    ("get", f"/api/v1/persons?q={'x' * 51}", None, 422),
    ("get", "/api/v1/persons/abc", None, 422),
    ("get", f"/api/v1/persons/{HUGE}", None, 404),
    ("post", REVEAL, "{not json", 400),
    ("post", REVEAL, {"field": "phone"}, 422),
    ("post", REVEAL, {"field": "name", "reason": "核实"}, 422),
    ("post", REVEAL, {"field": "phone", "reason": " "}, 422),
    ("post", REVEAL, {"field": "phone", "reason": "x" * 201}, 422),
    ("post", REVEAL.replace("{person}", HUGE), {"field": "phone", "reason": "核实"}, 404),
]


@pytest.mark.parametrize("method, url, data, status", BAD_REQUESTS, ids=[f"{m} {u} {d}"[:80] for m, u, d, _ in BAD_REQUESTS])
def test_invalid_input_is_a_json_4xx(district, api, method, url, data, status):
    response = api(method, url.replace("{person}", str(district.persons[0].pk)), data)
    assert response.status_code == status
    _detail(response)
    assert not RevealLog.objects.exists()


def test_validation_errors_keep_the_field_errors(district, api):
    body = api("get", "/api/v1/persons", {"limit": 1000, "unit": "abc"}).json()
    assert {tuple(error["loc"]) for error in body["errors"]} == {("query", "limit"), ("query", "unit")}
    assert "limit" in body["detail"] and "unit" in body["detail"]


@pytest.mark.parametrize("url", ["/api/v1/units/999999", "/api/v1/persons?limit=0"])
def test_messages_follow_accept_language_with_chinese_by_default(district, api, url):
    english = api("get", url, language="en")
    chinese = api("get", url)
    assert (english["Content-Language"], chinese["Content-Language"]) == ("en", "zh-hans")
    assert _detail(english).isascii()
    assert _detail(chinese) != _detail(english)
    assert any("\u4e00" <= char <= "\u9fff" for char in _detail(chinese))


def test_not_found_message_matches_the_catalogue(district, api):
    with translation.override("en"):
        english = translation.gettext("Not found.")
    with translation.override("zh-hans"):
        chinese = translation.gettext("Not found.")
    assert _detail(api("get", "/api/v1/units/999999", language="en")) == english
    assert _detail(api("get", "/api/v1/units/999999")) == chinese


# The schema

def test_openapi_lists_every_path(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/auth/token", "/api/v1/units/{code}", "/api/v1/units/{code}/children", "/api/v1/persons",
            "/api/v1/persons/{person_id}", "/api/v1/persons/{person_id}/reveal", "/api/v1/departments"} <= set(schema["paths"])
    assert {"BearerAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_docs_page_is_served(client):
    assert client.get("/api/v1/docs").status_code == 200
