"""The Content-Security-Policy header (Django 5.2 has none of its own).

The policy is ``settings.GRIDGOV_CSP`` (see settings.py for what it allows and why); an empty
policy sends nothing. A response that already carries a policy keeps it.
"""
from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.GRIDGOV_CSP:
            response.headers.setdefault("Content-Security-Policy", settings.GRIDGOV_CSP)
        return response
