"""Fuzzing the whole API: schemathesis reads ``/api/v1/openapi.json`` and sends every operation
generated requests — valid ones and invalid ones (wrong types, out-of-range numbers, NUL bytes and
other odd characters, missing fields) — in-process through the WSGI application, on the test
database (SQLite, or PostgreSQL when ``DATABASE_URL`` says so). No answer may be a 5xx. Because the
operations come from the OpenAPI document, an endpoint is fuzzed the day it is added.

Every generated request is sent three times: as a district dispatcher (who may act on most things),
as a resident (who may act on almost nothing) and without a token; the hotline's key goes along
in ``X-Api-Key``. Every other request naming a case or a hotline order names a real one, so that
the bodies reach the services instead of stopping at a 404.

``GRIDGOV_FUZZ_EXAMPLES`` (default 10: every operation, three callers each, in about a minute on two
cores, run twice in CI; raise it for a deeper search) bounds the generated requests per operation;
``GRIDGOV_FUZZ_SEED`` changes the otherwise fixed seed (a failure prints the seed and the request to
reproduce it).
"""
import itertools
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from gridgov.accounts.models import ApiToken
from gridgov.cases.models import Channel
from gridgov.cases.services import filing
from gridgov.integrations.models import Integration
from gridgov.wsgi import application

from .cases_world import IN_A1_1

EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("GRIDGOV_FUZZ_SEED", "15"))
ORDER_NO = "12345-FUZZ-1"
# Path parameters that name a case or a hotline order (a unit operation's {code} gets the case code too: a 404).
REAL_PARAMETERS = {"code": "case", "order_no": "order"}

# No 5xx, and every answer is what the schema says for its status. Not status_code_conformance:
# the 400 that core.middleware_input answers for control characters (and 413 for size) is not
# declared on each operation.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": EXAMPLES, "mode": "all", "allow-x00": True},
    # Coverage would add hundreds of boundary cases per operation; stateful links are not declared.
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}


@pytest.fixture
def fuzz_world(world):
    """The small district, a big-loop case reported by the resident (for the dispatcher to act on)
    and a hotline order, plus the credentials each request is sent with."""
    district = world.units["district"]
    case = filing.report(district=district, channel=Channel.APP, title="路灯不亮", category=world.categories["big"],
                         lat=IN_A1_1[0], lng=IN_A1_1[1], reporter=world.persons[0],
                         reported_by=world.users["resident"])
    filing.report(district=district, channel=Channel.HOTLINE, title="噪音扰民", category=world.categories["big"],
                  external_id=ORDER_NO, lat=IN_A1_1[0], lng=IN_A1_1[1])
    integration = Integration(name="12345", kind="hotline", district=district)
    key = integration.issue_key()
    integration.save()
    world.real = {"case": case.code, "order": ORDER_NO}
    world.callers = {username: {"Authorization": f"Bearer {ApiToken.issue(world.users[username])}",
                                "X-Api-Key": key} for username in ("district_dispatcher", "resident")}
    world.callers["anonymous"] = {"X-Api-Key": key}
    world.turn = itertools.count()
    return world


@pytest.fixture
def keep_connection():
    """Schemathesis calls the WSGI application directly, which at the end of each request closes a
    connection that is inside a transaction — the test's. Django's own test client does the same
    as this: it keeps the connection for the duration."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(fuzz_world, keep_connection):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application,
                                          config=SchemathesisConfig.from_dict(CONFIG))


schema = schemathesis.pytest.from_fixture("api_schema")
#: The operations are fuzzed in two tests of about equal length — the case half with volunteering and the
#: shop, and the rest — so that the two test workers share them (one test runs on one worker); together
#: they are every operation.
CASE_HALF = (r"^/api/v1/(auth|units|persons|departments|intake|hotline|cases|categories|assessment|volunteering"
             r"|shop)\b")


def _fuzz(case, fuzz_world):
    if next(fuzz_world.turn) % 2 == 0:
        for name, real in REAL_PARAMETERS.items():
            if name in (case.path_parameters or {}):
                case.path_parameters[name] = fuzz_world.real[real]
    for headers in fuzz_world.callers.values():
        case.validate_response(case.call(headers=headers), checks=CHECKS, headers=headers)


@schema.include(path_regex=CASE_HALF).parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_case_half_operation_answers_a_server_error(case, fuzz_world):
    _fuzz(case, fuzz_world)


@schema.exclude(path_regex=CASE_HALF).parametrize()
@settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_no_other_operation_answers_a_server_error(case, fuzz_world):
    _fuzz(case, fuzz_world)
