"""Refuse unreadable requests before any view runs, the same way for the API and the web.

Two checks, each answering in the caller's language — JSON ``{"detail": …}`` under ``/api/``, a
short page elsewhere — instead of letting the request reach a view that would fail with a 500:

- **size**: a body declared larger than ``GRIDGOV_MAX_REQUEST_BYTES`` answers 413 from its
  ``Content-Length`` alone, before a byte of it is read or spooled to disk; a form or JSON body
  over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (or with too many fields) answers 413/400 too,
  rather than Django's HTML 400.
- **control characters** (``core.text.CONTROL``, NUL above all: PostgreSQL cannot store it) in the
  path, a query parameter, a JSON string (or key) or a form field answer 400. This is the one
  place that covers every text input, including unauthenticated ones and those that only filter
  (Open311 alone strips them instead: see ``TOLERANT_PATHS``).

It sits after ``LocaleMiddleware`` (the language) and reads the body before ``CsrfViewMiddleware``
does; the view later reads the same parsed ``request.POST`` or cached ``request.body``.
"""
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .text import has_control

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Open311 (GeoReport v2) answers its clients in its own XML/JSON error format and strips what XML
# cannot carry, NUL included, from every parameter (``open311.formats.clean_text``): the control
# check leaves it alone; the size cap does not.
TOLERANT_PATHS = ("/open311/",)


class UnreadableBody(Exception):
    """The body cannot be parsed; the message says why, for a 400."""


def _json_strings(document):
    """Every string in a JSON document, keys included; iterative, so depth costs no stack."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _texts(request):
    """The request's text inputs: path, query parameters, and the JSON or form body."""
    yield request.path
    for key, values in request.GET.lists():
        yield key
        yield from values
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            document = json.loads(request.body)
        except ValueError:
            return  # not JSON at all: the view answers that, in its own words
        except RecursionError:
            raise UnreadableBody(_("The request body is not valid JSON.")) from None
        yield from _json_strings(document)
    elif request.method == "POST" and content_type in FORM_TYPES:
        try:
            for key, values in request.POST.lists():
                yield key
                yield from values
        except MultiPartParserError:
            raise UnreadableBody(_("The form data could not be read.")) from None


def refuse(request, status: int, message: str) -> HttpResponse:
    """A refusal in the shape the caller reads: JSON for the API, a page for a person."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(render_to_string("core/refused.html", {"status": status, "message": message}),
                        status=status)


def too_big(request, limit: int) -> HttpResponse:
    return refuse(request, 413, _("The request is too large: send at most %(mb)s MB at once.")
                  % {"mb": f"{limit / 2**20:g}"})


class InputGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    @staticmethod
    def refusal(request) -> HttpResponse | None:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads no body for a length it cannot parse
        if declared > settings.GRIDGOV_MAX_REQUEST_BYTES:
            return too_big(request, settings.GRIDGOV_MAX_REQUEST_BYTES)
        if request.path.startswith(TOLERANT_PATHS):
            return None
        try:
            if any(has_control(text) for text in _texts(request)):
                return refuse(request, 400, _("The request contains control characters (such as NUL), "
                                              "which no text may contain."))
        except RequestDataTooBig:  # the fields alone (without files) are over DATA_UPLOAD_MAX_MEMORY_SIZE
            return too_big(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except UnreadableBody as error:
            return refuse(request, 400, str(error))
        except SuspiciousOperation:  # too many fields or files
            return refuse(request, 400, _("The request has too many fields or files."))
        return None
