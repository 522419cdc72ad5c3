"""API authentication: ``POST /api/v1/auth/token`` exchanges a username and password for a
bearer token; every other endpoint accepts that token (or the web session, for the UI's htmx)."""
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer, SessionAuth as NinjaSessionAuth

from .models import ApiToken


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <key>``; the token's user becomes ``request.user`` for scoping."""

    def authenticate(self, request, token):
        user = ApiToken.user_for(token)
        if user is not None:
            request.user = user
        return user


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


class Message(Schema):
    detail: str


router = Router(tags=["auth"])


@router.post("/token", auth=None, response={200: TokenOut, 401: Message})
def issue_token(request, credentials: Credentials):
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        return 401, {"detail": _("Wrong username or password.")}
    return 200, {"token": ApiToken.issue(user)}
