"""``no_store``: keep responses that carry personal data out of every cache on the way.

A browser's disk cache, a shared proxy or the back button must not hand a page with names, masked
numbers or a revealed number to the next person at the computer. Django's ``never_cache`` headers
(``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private``, ``Expires``) plus
``Pragma: no-cache`` for HTTP/1.0 caches. For Django Ninja operations use
``@decorate_view(no_store)``, which wraps every answer of the operation, refusals included.
"""
from functools import wraps

from django.utils.cache import add_never_cache_headers


def no_store(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Pragma"] = "no-cache"
        return response

    return wrapped
