"""Web pages answer the services' domain errors as Django answers its own: a :class:`NotFound` from
any service becomes the ordinary 404 page (``core/templates/404.html``), in the caller's language.

The API translates the same errors itself, as JSON (``gridgov.api``'s exception handlers): Ninja
catches them inside its view, so they never reach this middleware.
"""
from django.core.handlers.exception import response_for_exception
from django.http import Http404

from .errors import NotFound


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.message))
        return None
