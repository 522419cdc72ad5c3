"""GeoReport v2 at ``/open311/v2/``; the format is the extension (``.xml``, the default, or ``.json``)."""
from django.urls import re_path

from . import views

FMT = r"(?:\.(?P<fmt>\w+))?$"
ID = r"(?P<{}>[^/]+?)"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/" + ID.format("code") + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.service_requests, name="requests"),
    re_path(r"^requests/" + ID.format("request_id") + FMT, views.service_request, name="request"),
    re_path(r"^tokens/" + ID.format("token") + FMT, views.token, name="token"),
    re_path(r"^(?P<path>.*?)" + FMT, views.not_found),
]
