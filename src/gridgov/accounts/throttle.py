"""Throttling of wrong passwords, the same at every door that takes one (the web login form, the
back office's, ``POST /api/v1/auth/token``).

Each failure is a ``LoginFailure`` row (account name as typed, client address, time): rows rather
than Django's cache, whose default lives in one process, so that every server process shares one
count without a cache server, and a test's failures go with its transaction.

Sign-in is refused, before the password is even checked, while the account has
``GRIDGOV_LOGIN_FAILURES_PER_ACCOUNT`` failures within the last ``GRIDGOV_LOGIN_WINDOW_MINUTES``,
or the address ``GRIDGOV_LOGIN_FAILURES_PER_ADDRESS``; it opens again when enough of them have left
the window. Refused attempts are not recorded, so hammering a locked door does not extend the lock.

A successful sign-in forgets the failures of that account (from every address, since they were
attempts on it) and only those: the failures of other accounts still count against the address.
"""
import datetime as dt
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import ngettext

from .models import LoginFailure


class TooManyAttempts(PermissionDenied):
    """Sign-in refused for ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        self.message = ngettext("Too many failed sign-ins. Try again in %(minutes)d minute.",
                                "Too many failed sign-ins. Try again in %(minutes)d minutes.", minutes) % {"minutes": minutes}
        super().__init__(self.message)


def client_address(request) -> str:
    """The client's address: behind the TLS proxy (``GRIDGOV_BEHIND_PROXY``), the one the proxy
    appended last to X-Forwarded-For (what came before it the client may have written itself)."""
    if settings.GRIDGOV_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def _username(username) -> str:
    return (username or "")[:150]


def _window():
    return dt.timedelta(minutes=settings.GRIDGOV_LOGIN_WINDOW_MINUTES)


def check(request, username) -> None:
    """Raise ``TooManyAttempts`` if the account or the client's address is locked out."""
    now = timezone.now()
    recent = LoginFailure.objects.filter(at__gt=now - _window())
    waits = []
    for failures, limit in ((recent.filter(username=_username(username)), settings.GRIDGOV_LOGIN_FAILURES_PER_ACCOUNT),
                            (recent.filter(address=client_address(request)), settings.GRIDGOV_LOGIN_FAILURES_PER_ADDRESS)):
        # The lock lifts when the limit-th newest failure leaves the window.
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            waits.append((times[-1] + _window() - now).total_seconds())
    if waits:
        raise TooManyAttempts(math.ceil(max(waits)))


def failed(request, username) -> None:
    now = timezone.now()
    LoginFailure.objects.filter(at__lte=now - _window()).delete()
    LoginFailure.objects.create(username=_username(username), address=client_address(request), at=now)


def succeeded(username) -> None:
    LoginFailure.objects.filter(username=_username(username)).delete()
