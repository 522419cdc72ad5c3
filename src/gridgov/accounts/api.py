"""API authentication: ``POST /api/v1/auth/token`` exchanges a username and password for a
bearer token (throttled like every sign-in); every other endpoint accepts that token (or the web
session, for the UI's htmx). ``/auth/tokens`` lists the caller's working tokens and revokes one."""
import datetime as dt

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from gridgov.core.api import errors

from . import throttle
from .models import ApiToken


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the token's user becomes ``request.user`` for scoping."""

    def authenticate(self, request, token):
        api_token = ApiToken.find(token)
        if api_token is None:
            return None
        request.user, request.api_token = api_token.user, api_token
        return api_token.user


class SessionAuth(NinjaSessionAuth):
    """The web session, for the UI's htmx. Like Ninja's ``django_auth`` it checks CSRF on unsafe
    methods, but only when a session cookie is sent: a request without one carries no ambient
    credential that could be forged, and must get the 401 that says "sign in", not a 403 about CSRF."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"


class TokenInfo(Schema):
    id: int
    created: dt.datetime
    last_used: dt.datetime | None
    expires_at: dt.datetime
    current: bool


router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, **errors(400, 401, 422, 429)})
def issue_token(request, credentials: Credentials):
    try:
        throttle.check(request, credentials.username)
    except throttle.TooManyAttempts as refused:
        return JsonResponse({"detail": refused.message}, status=429, headers={"Retry-After": str(refused.retry_after)})
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        throttle.failed(request, credentials.username)
        return 401, {"detail": _("Wrong username or password.")}
    throttle.succeeded(credentials.username)
    return 200, {"token": ApiToken.issue(user)}


@router.get("/tokens", response={200: list[TokenInfo], **errors(401)})
def my_tokens(request):
    """The caller's working tokens, newest first; ``current`` marks the one this request came with."""
    current = getattr(request, "api_token", None)
    return [{"id": token.pk, "created": token.created, "last_used": token.last_used, "expires_at": token.expires_at,
             "current": current is not None and token.pk == current.pk} for token in ApiToken.live_for(request.user)]


@router.delete("/tokens/{token_id}", response={204: None, **errors(401, 403, 404, 422)})
def revoke_token(request, token_id: int):
    """Revoke one of the caller's tokens; another user's answers 404, as if it did not exist."""
    get_object_or_404(ApiToken, pk=token_id, user=request.user).delete()
    return 204, None
