"""The API says what it does (security review item 10): /api/v1/openapi.json has one component
per schema name, so every operation documents its own schemas; every operation declares the
errors it can answer, all ``ErrorOut``; real answers of the operations validate against the
document; the photo URLs the API hands out open with a bearer token; and a web 403 is logged as
one line, without a traceback.

The schemathesis fuzz run is tests/test_fuzz_api.py; here each check is aimed at one rule.
"""
import io
import json
import logging

import jsonschema_rs
import pytest
from django.test import Client
from django.urls import reverse
from ninja import NinjaAPI, Router, Schema
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from PIL import Image

from gridgov.accounts.models import ApiToken
from gridgov.api import api as gridgov_api
from gridgov.cases.services import filing

from .cases_world import IN_A1_1, photo
from .test_hotline import hotline_key, order

SPEC_URL = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def spec():
    response = Client().get(SPEC_URL)
    assert response.status_code == 200
    return response.json()


def operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


# -- one component per name --------------------------------------------------------------------
def clashes(api: NinjaAPI, **options) -> list[str]:
    """The schema names whose component in ``api``'s document differs from the schema a model of
    some operation has: Ninja keeps one component per name, the last written, so two schemas
    sharing a name leave some operations documented with the other's."""
    components = api.get_openapi_schema(**options)["components"]["schemas"]
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                models = [*operation.models, *(m for m in operation.response_models.values() if isinstance(m, type))]
                for model in models:
                    definitions = model.model_json_schema(ref_template=REF_TEMPLATE, by_alias=True,
                                                          schema_generator=NinjaGenerateJsonSchema).get("$defs", {})
                    found += [f"{prefix}{path}: {name}" for name, schema in definitions.items()
                              if components.get(name) != schema]
    return found


def test_every_operation_is_documented_with_its_own_schemas():
    assert clashes(gridgov_api) == []


def test_the_check_catches_two_schemas_sharing_a_name():
    first, second = Router(), Router()

    class ReportIn(Schema):
        title: str

    @first.post("/a")
    def a(request, body: ReportIn):
        pass

    class ReportIn(Schema):  # noqa: F811  (the clash under test)
        code: int

    @second.post("/b")
    def b(request, body: ReportIn):
        pass

    api = NinjaAPI(urls_namespace="clash")
    api.add_router("/first", first)
    api.add_router("/second", second)
    assert clashes(api, path_prefix="") == ["/first/a: ReportIn"]


def _ref(schema) -> str:
    return schema["$ref"].rsplit("/", 1)[1]


def test_intake_and_cases_reports_document_their_own_bodies_and_cases(spec):
    components = spec["components"]["schemas"]
    intake_body = spec["paths"]["/api/v1/intake/reports"]["post"]["requestBody"]["content"]["application/json"]
    cases_body = spec["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]
    assert (_ref(intake_body["schema"]), _ref(cases_body["schema"])) == ("IntakeReportIn", "ReportIn")
    assert "close_now" in components["ReportIn"]["properties"]
    assert "close_now" not in components["IntakeReportIn"]["properties"]
    assert "category" not in components["IntakeReportIn"]["required"]  # the classifier may choose
    intake_case = components["ReportOut"]["properties"]["case"]
    assert _ref(intake_case) == "IntakeCaseOut" and "queue" in components["IntakeCaseOut"]["properties"]
    recategorised = spec["paths"]["/api/v1/intake/cases/{code}/recategorise"]["post"]["responses"]["200"]
    assert _ref(recategorised["content"]["application/json"]["schema"]) == "IntakeCaseOut"
    assert "actions" in components["CaseOut"]["properties"]  # the cases API's own


# -- declared errors ---------------------------------------------------------------------------
def expected_errors(path: str, method: str, operation: dict) -> set[int]:
    """The error statuses an operation must declare, from what it takes and how it is called."""
    schemes = {name for requirement in operation.get("security", []) for name in requirement}
    parameters = operation.get("parameters", [])
    lookups = [p for p in parameters if p["in"] == "path" and "enum" not in p["schema"]]
    # Any text passes a path parameter that is plain text (no pattern, no length): it cannot be invalid.
    checked = [p for p in parameters if p["in"] != "path" or set(p["schema"]) - {"type", "title", "description"}
               or p["schema"].get("type") != "string"]
    expected = set()
    if "BearerAuth" in schemes:
        expected.add(401)
    if "HotlineKey" in schemes or ("SessionAuth" in schemes and method in ("post", "put", "patch", "delete")):
        expected.add(403)  # a wrong integration key; the session's CSRF check
    if checked or "requestBody" in operation:
        expected.add(422)
    if "requestBody" in operation:
        expected.add(400)
    if lookups or any(p["name"] == "unit" for p in parameters):
        expected.add(404)
    if "/actions/" in path:
        expected.add(409)
    return expected


def test_every_operation_declares_the_errors_it_can_answer(spec):
    missing = {}
    for path, method, operation in operations(spec):
        declared = {int(status) for status in operation["responses"]}
        lacking = expected_errors(path, method, operation) - declared
        if lacking:
            missing[f"{method.upper()} {path}"] = sorted(lacking)
    assert missing == {}
    # Spot checks of the rule itself.
    assert expected_errors("/api/v1/cases/{code}/actions/accept", "post",
                           spec["paths"]["/api/v1/cases/{code}/actions/accept"]["post"]) == {400, 401, 403, 404,
                                                                                              409, 422}
    assert expected_errors("/api/v1/departments", "get", spec["paths"]["/api/v1/departments"]["get"]) == {401}


def test_every_error_answer_is_the_shared_error_schema(spec):
    others = {}
    for path, method, operation in operations(spec):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                name = _ref(answer["content"]["application/json"]["schema"])
                if name != "ErrorOut" and not (path == "/api/v1/hotline/orders" and name == "Refusal"):
                    others[f"{method.upper()} {path} {status}"] = name
    assert others == {}
    assert spec["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


# -- real answers against the document ---------------------------------------------------------
class Caller:
    """Calls the API as a user of the world (bearer token) and checks each answer against the
    document: its status is declared and its JSON body validates against the declared schema."""

    def __init__(self, world, spec):
        self.world, self.spec, self.client, self.tokens = world, spec, Client(), {}
        self.validators = {}

    def __call__(self, method, template, status, user="district_admin", body=None, headers=None, path=None,
                 query=None):
        url = template.format(**(path or {}))
        headers = dict(headers or {})
        if user is not None:
            if user not in self.tokens:
                self.tokens[user] = ApiToken.issue(self.world.users[user])
            headers["Authorization"] = f"Bearer {self.tokens[user]}"
        if method == "get":
            response = self.client.get(url, query or {}, headers=headers)
        else:
            data = body if isinstance(body, str) else json.dumps(body or {})
            response = getattr(self.client, method)(url, data, content_type="application/json", headers=headers)
        assert response.status_code == status, (method, url, response.content[:400])
        self.conforms(method, template, response)
        return response.json()

    def conforms(self, method, template, response):
        answers = self.spec["paths"][template][method]["responses"]
        assert str(response.status_code) in answers, (method, template, response.status_code)
        key = (method, template, response.status_code)
        if key not in self.validators:
            schema = answers[str(response.status_code)]["content"]["application/json"]["schema"]
            self.validators[key] = jsonschema_rs.validator_for({**schema, "components": self.spec["components"]})
        problems = [f"{error.instance_path}: {error.message}" for error in self.validators[key].iter_errors(response.json())]
        assert problems == [], (method, template, response.status_code, problems)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def call(world, spec, media):
    return Caller(world, spec)


V1 = "/api/v1"


def test_answers_of_structure_people_and_catalogue_match_the_document(call, world):
    unit = {"code": world.units["A1"].code}
    call("get", f"{V1}/units/{{code}}", 200, path=unit)
    call("get", f"{V1}/units/{{code}}/children", 200, path=unit)
    call("get", f"{V1}/units/{{code}}", 404, user="grid_worker", path={"code": world.units["B"].code})
    call("get", f"{V1}/units/{{code}}", 422, path={"code": "x"})
    call("get", f"{V1}/units/{{code}}", 401, user=None, path=unit)
    call("get", f"{V1}/departments", 200)
    call("get", f"{V1}/persons", 200, query={"unit": world.units["A"].code})
    person = {"person_id": world.persons[0].pk}
    call("get", f"{V1}/persons/{{person_id}}", 200, path=person)
    call("post", f"{V1}/persons/{{person_id}}/reveal", 200, body={"field": "phone", "reason": "回访"}, path=person)
    call("post", f"{V1}/persons/{{person_id}}/reveal", 403, user="grid_worker", body={"field": "phone", "reason": "回访"},
         path=person)
    call("post", f"{V1}/persons/{{person_id}}/reveal", 400, body="{not json", path=person)
    call("get", f"{V1}/categories", 200, query={"leaves": "true"})


def test_answers_of_intake_and_cases_match_the_document(call, world):
    reported = call("post", f"{V1}/intake/reports", 201, user="resident",
                    body={"title": "楼下有暴露垃圾", "category": "9901", "lat": IN_A1_1[0], "lng": IN_A1_1[1]})
    code = {"code": reported["case"]["code"]}
    call("post", f"{V1}/intake/suggest", 200, body={"title": "路灯不亮"})
    call("get", f"{V1}/intake/cases/{{code}}/similar", 200, path=code)
    call("get", f"{V1}/intake/hotspots", 200)
    call("get", f"{V1}/cases", 200, query={"status": "dispatched"})
    call("get", f"{V1}/cases/{{code}}", 200, path=code)
    call("get", f"{V1}/cases/{{code}}", 404, user="grid_worker2", path=code)
    call("post", f"{V1}/cases/{{code}}/actions/accept", 409, user="district_dispatcher", path=code)
    call("post", f"{V1}/cases/{{code}}/actions/acknowledge", 403, user="resident", path=code)
    call("post", f"{V1}/cases/{{code}}/actions/acknowledge", 200, user="grid_worker", path=code)
    call("post", f"{V1}/cases/{{code}}/actions/reject", 422, user="district_dispatcher", body={"reason": "no"},
         path=code)
    created = call("post", f"{V1}/cases", 201, user="grid_worker",
                   body={"title": "井盖缺失", "category": "9903", "channel": "patrol"})
    call("post", f"{V1}/intake/cases/{{code}}/recategorise", 200, user="district_dispatcher",
         body={"category": "9904"}, path={"code": created["code"]})


def test_answers_of_assessment_and_the_hotline_match_the_document(call, world):
    call("get", f"{V1}/assessment/figures", 200)
    call("get", f"{V1}/assessment/board", 200)
    call("get", f"{V1}/assessment/rankings", 200)
    call("get", f"{V1}/assessment/figures", 403, user="resident")
    call("get", f"{V1}/assessment/weights/{{subject}}", 200, path={"subject": "unit"})
    call("put", f"{V1}/assessment/weights/{{subject}}", 403, user="district_dispatcher",
         body={"weights": {"response_rate": 1}}, path={"subject": "unit"})
    key = {"X-Api-Key": hotline_key(world.units["district"])}
    call("post", f"{V1}/hotline/orders", 201, user=None, headers=key, body=order())
    call("post", f"{V1}/hotline/orders", 422, user=None, headers=key, body=order(order_no="P-002", category="nothing"))
    call("post", f"{V1}/hotline/orders", 422, user=None, headers=key, body={"order_no": "P-003"})  # no columns
    call("post", f"{V1}/hotline/orders", 403, user=None, headers={"X-Api-Key": "wrong"}, body=order())
    call("get", f"{V1}/hotline/orders/{{order_no}}", 200, user=None, headers=key, path={"order_no": "P-001"})
    call("get", f"{V1}/hotline/orders/{{order_no}}", 404, user=None, headers=key, path={"order_no": "nope"})


# -- photo URLs --------------------------------------------------------------------------------
def test_the_photo_url_of_a_case_opens_with_a_bearer_token_within_the_scope(call, world):
    case = filing.report(district=world.units["district"], channel="app", title="楼下有暴露垃圾",
                         category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=world.persons[0], reported_by=world.users["resident"],
                         photos=[photo("disguised.html")])
    other = filing.report(district=world.units["district"], channel="app", title="另一处垃圾",
                          category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                          reported_by=world.users["grid_worker"], photos=[photo()])
    shown = call("get", f"{V1}/cases/{{code}}", 200, user="resident", path={"code": case.code})
    url = shown["photos"][0]["url"]
    path = reverse("api:case_photo", kwargs={"code": case.code, "photo_id": case.photos.get().pk})
    assert url == f"http://testserver{path}"

    def fetch(user, target=path):
        headers = {"Authorization": f"Bearer {ApiToken.issue(world.users[user])}"} if user else {}
        return Client().get(target, headers=headers)

    image = fetch("resident")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"  # the type it is, not its name
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (8, 8)
    call.conforms("get", f"{V1}/cases/{{code}}/photos/{{photo_id}}", fetch("grid_worker2"))  # a 404, documented
    assert fetch("grid_worker2").status_code == 404  # the case is outside grid_worker2's grid
    assert fetch("resident", reverse("api:case_photo", kwargs={"code": case.code,
                                                               "photo_id": other.photos.get().pk})).status_code == 404
    assert fetch(None).status_code == 401
    image_answer = call.spec["paths"][f"{V1}/cases/{{code}}/photos/{{photo_id}}"]["get"]["responses"]["200"]
    assert list(image_answer["content"]) == ["image/*"]


# -- quiet 403s --------------------------------------------------------------------------------
def test_a_web_403_is_logged_as_one_line_without_a_traceback(client, world, caplog):
    client.force_login(world.users["resident"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("hotspots")).status_code == 403
    record, = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING and record.exc_info is None
    line = logging.Formatter().format(record)
    assert "\n" not in line and "Traceback" not in line
    assert line.startswith("Forbidden (Permission denied): /intake/hotspots/ (")  # with the reason


def test_other_request_errors_keep_their_traceback(caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        try:
            raise ValueError("a real fault")
        except ValueError:
            logging.getLogger("django.request").error("Internal Server Error: %s", "/x/", exc_info=True)
    record, = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None and "Traceback" in logging.Formatter().format(record)
