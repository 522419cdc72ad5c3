"""The JSON API under /api/v1/: one NinjaAPI that mounts each app's router.

Errors are JSON ``{"detail": message}`` in the request's language: validation problems answer 422,
anything outside the caller's scope 404, a forbidden action 403.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from gridgov.accounts.api import BearerAuth, router as auth_router
from gridgov.people.api import router as people_router
from gridgov.structure.api import router as structure_router

api = NinjaAPI(title="gridgov API", version="1", urls_namespace="api", auth=BearerAuth(),
               docs_url="/docs", openapi_url="/openapi.json")
api.add_router("/auth", auth_router)
api.add_router("/units", structure_router)
api.add_router("/persons", people_router)


def _messages(exc: ValidationError) -> str:
    return "; ".join(exc.messages)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    return api.create_response(request, {"detail": _messages(exc)}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    from django.utils.translation import gettext as _

    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    from django.utils.translation import gettext as _

    return api.create_response(request, {"detail": _("Sign in first: send a bearer token.")}, status=401)
