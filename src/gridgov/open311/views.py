"""The GeoReport v2 endpoints. Each parses the request, calls :mod:`.services` and renders the
answer in the format the URL's extension names (``.xml`` by default, ``.json``).

Every failure is answered in the spec's error format with 400, 403 or 404 — never a 500: anything
unexpected is logged and answered as the spec's "400 General service error".
"""
import logging
from functools import wraps

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import services
from .formats import FORMATS, errors, render
from .services import Open311Error

log = logging.getLogger("gridgov.open311")


def endpoint(*methods):
    """Answer in the URL's format, only to ``methods``, with errors in the spec's format. No CSRF
    check: these are API endpoints, and a POST is authenticated by its api_key, not a session."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def run(request, *args, fmt=None, **kwargs):
            fmt = (fmt or "xml").lower()
            try:
                if fmt not in FORMATS:
                    fmt = "xml"
                    raise Open311Error(400, _("Unsupported format: use .xml or .json."))
                if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                    raise Open311Error(400, _("%(method)s is not supported here; use %(methods)s.") % {
                        "method": request.method, "methods": " or ".join(methods)})
                return view(request, fmt, *args, **kwargs)
            except Open311Error as error:
                return errors(fmt, error.status, error.descriptions)
            except Exception:  # the spec's "General service error": the client is to tell us
                log.exception("Open311 %s %s failed", request.method, request.path)
                return errors(fmt, 400, [_("General service error: the request could not be processed. "
                                           "Please tell the district's smart governance centre.")])

        return run

    return decorate


@endpoint("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(request.path).rsplit("/", 1)[0]
    return render(fmt, "discovery", services.discovery(base))


@endpoint("GET")
def service_list(request, fmt):
    services.jurisdiction(request.GET)
    return render(fmt, "services", services.service_list())


@endpoint("GET")
def service_definition(request, fmt, code):
    services.jurisdiction(request.GET)
    return render(fmt, "service_definition", services.service_definition(code))


@endpoint("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        created = services.create(request.POST, request.FILES.getlist("media"))
        return render(fmt, "service_requests", services.created(created))
    district = services.jurisdiction(request.GET)
    cases = services.search(district, request.GET)
    return render(fmt, "service_requests", services.represent(cases, _extensions(request)))


@endpoint("GET")
def service_request(request, fmt, request_id):
    case = services.one(services.jurisdiction(request.GET), request_id)
    return render(fmt, "service_requests", services.represent([case], _extensions(request)))


@endpoint("GET")
def token(request, fmt, token):
    return render(fmt, "service_requests", services.token(services.jurisdiction(request.GET), token))


@csrf_exempt
def not_found(request, path="", fmt=None):
    fmt = fmt.lower() if fmt and fmt.lower() in FORMATS else "xml"
    return errors(fmt, 404, [_("No such resource. The endpoints are listed in discovery.xml.")])


def _extensions(request) -> bool:
    return request.GET.get("extensions", "").lower() == "true"
