"""The domain errors every service may raise, whatever answers the caller: the API, a web page, the
worker or a management command. Services never raise HTTP exceptions; the edges translate these:

- :class:`NotFound` — the API answers 404 JSON (``gridgov.api``), a web page the ordinary 404 page
  (``core.middleware_errors``);
- :class:`InvalidTransition` — the API answers 409; it is a ``ValidationError``, so every form or
  handler that shows a broken rule shows it too.

Django's ``ValidationError`` and ``PermissionDenied`` are the other two domain errors in use.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class NotFound(Exception):
    """What was asked for does not exist, or lies outside the caller's scope: the two answer the
    same, so that a refusal never tells that something exists where the caller may not look."""

    def __init__(self, message=None):
        super().__init__(message or _("Not found."))

    @property
    def message(self) -> str:
        return str(self.args[0])


class InvalidTransition(ValidationError):
    """The subject's state does not allow the action (the API answers 409)."""
