"""The report screen's addresses, mounted under ``/cases/report/`` beside the case screens."""
from django.urls import path

from . import report_views as report

urlpatterns = [
    path("", report.report, name="case-report"),
    path("map.json", report.report_map, name="case-report-map"),
    path("places.json", report.report_places, name="case-report-places"),
    path("address/", report.report_address, name="case-report-address"),
    path("suggest/", report.report_suggest, name="case-report-suggest"),
    path("similar/", report.report_similar, name="case-report-similar"),
    path("join/<casecode:code>/", report.report_join, name="case-report-join"),
]
