"""The JSON API under /api/v1/: one NinjaAPI that mounts each app's router.

Every endpoint accepts a bearer token (``POST /api/v1/auth/token``) or the web session (so the
UI's htmx can call it). Every error is JSON ``{"detail": message}`` in the request's language
(Accept-Language, zh-hans by default), never a 500: invalid input answers 400 or 422, a missing or
bad token 401, a forbidden action 403, anything outside the caller's scope 404 exactly like
something that does not exist.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from gridgov.accounts.api import BearerAuth, SessionAuth
from gridgov.accounts.api import router as auth_router
from gridgov.assessment.api import router as assessment_router
from gridgov.care.api import router as care_router
from gridgov.cases.api import router as cases_router
from gridgov.cases.services.filing import AlreadyFiled
from gridgov.catalogue.api import router as catalogue_router
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.core.middleware_input import too_big
from gridgov.core.text import PLAIN_TEXT_ERROR, PLAIN_TEXT_PROBLEM
from gridgov.deliberation.api import router as deliberation_router
from gridgov.facilities.api import router as facilities_router
from gridgov.hotline.api import router as hotline_router
from gridgov.intake.api import router as intake_router
from gridgov.microprojects.api import router as microprojects_router
from gridgov.partybuilding.api import router as partybuilding_router
from gridgov.people.api import router as people_router
from gridgov.reportin.api import router as reportin_router
from gridgov.shop.api import router as shop_router
from gridgov.structure.api import departments_router, units_router
from gridgov.timebank.api import router as timebank_router
from gridgov.visits.api import router as visits_router
from gridgov.volunteering.api import router as volunteering_router

api = NinjaAPI(title="gridgov API", version="1", urls_namespace="api", auth=[BearerAuth(), SessionAuth()],
               docs_url="/docs", openapi_url="/openapi.json")
api.add_router("/auth", auth_router)
api.add_router("/units", units_router)
api.add_router("/persons", people_router)
api.add_router("/departments", departments_router)
api.add_router("/intake", intake_router)
api.add_router("/hotline", hotline_router)
api.add_router("/cases", cases_router)
api.add_router("/categories", catalogue_router)
api.add_router("/assessment", assessment_router)
api.add_router("/volunteering", volunteering_router)
api.add_router("/shop", shop_router)
api.add_router("/reportin", reportin_router)
api.add_router("/timebank", timebank_router)
api.add_router("/deliberation", deliberation_router)
api.add_router("/microprojects", microprojects_router)
api.add_router("/care", care_router)
api.add_router("/visits", visits_router)
api.add_router("/partybuilding", partybuilding_router)
api.add_router("/facilities", facilities_router)

# What each pydantic error type means, said to a person; the error's ``ctx`` fills the blanks.
PROBLEMS = {
    "missing": gettext_lazy("is required"),
    "int_parsing": gettext_lazy("must be a whole number"),
    "int_type": gettext_lazy("must be a whole number"),
    "int_from_float": gettext_lazy("must be a whole number"),
    "string_type": gettext_lazy("must be text"),
    "bool_parsing": gettext_lazy("must be true or false"),
    "bool_type": gettext_lazy("must be true or false"),
    "string_pattern_mismatch": gettext_lazy("has the wrong format"),
    "string_too_short": gettext_lazy("must have at least %(min_length)s characters"),
    "string_too_long": gettext_lazy("must have at most %(max_length)s characters"),
    "greater_than_equal": gettext_lazy("must be at least %(ge)s"),
    "less_than_equal": gettext_lazy("must be at most %(le)s"),
    "literal_error": gettext_lazy("must be one of %(expected)s"),
    "model_attributes_type": gettext_lazy("must be a JSON object"),
    "dict_type": gettext_lazy("must be a JSON object"),
    PLAIN_TEXT_ERROR: PLAIN_TEXT_PROBLEM,
}

# Ninja raises these HttpErrors with fixed English messages (a DEBUG build appends " (details)").
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_lazy("The request body is not valid JSON."),
    "CSRF check Failed": gettext_lazy("CSRF check failed: send the X-CSRFToken header with the session cookie."),
}


def _field(loc) -> str:
    """The name the client knows a field by: without the source (``body``, ``query``, ``path``)
    and, for the body, without the view's parameter name that Ninja wraps the JSON object in."""
    parts = [str(part) for part in loc[2 if loc[0] == "body" else 1:]]
    return ".".join(parts) if parts else _("request body")


def _problem(error: dict) -> str:
    template = PROBLEMS.get(error["type"])
    if template is None:
        return _("is not valid")
    return str(template) % error.get("ctx", {})


@api.exception_handler(InputError)
def invalid_input(request, exc):
    """Ninja's 422, with one readable sentence in ``detail`` and its field errors kept in ``errors``."""
    problems = "; ".join(f"{_field(error['loc'])}: {_problem(error)}" for error in exc.errors)
    return api.create_response(request, {"detail": _("Invalid input: %(problems)s.") % {"problems": problems},
                                         "errors": exc.errors}, status=422)


@api.exception_handler(ValidationError)
def rule_broken(request, exc):
    """A rule of a service (Django's ValidationError) refused the input."""
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=422)


@api.exception_handler(InvalidTransition)
def wrong_state(request, exc):
    """The case's state does not allow the action (a ValidationError subclass: found first in its MRO)."""
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=409)


@api.exception_handler(AlreadyFiled)
def already_filed(request, exc):
    """The external number was reported before: a conflict with an existing case, not bad input."""
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=409)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request, exc):
    """A body Django refuses to read (``core.middleware_input`` answers the usual cases before any
    view; this covers bodies of other content types that only the view reads)."""
    return too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


@api.exception_handler(SuspiciousOperation)
def unreadable(request, exc):
    return api.create_response(request, {"detail": _("The request could not be read.")}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    message = NINJA_MESSAGES.get(exc.message.partition(" (")[0], exc.message)
    return api.create_response(request, {"detail": str(message)}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("You are not allowed to do this.")}, status=403)


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def not_found(request, exc):
    """Nothing there, or nothing the caller may see (a service's ``NotFound``, or the API's own 404)."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    response = api.create_response(request, {"detail": _("Sign in first: send a bearer token.")}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="gridgov"'
    return response
