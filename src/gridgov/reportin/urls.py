from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.home, name="reportin-home"),
    path("units/new/", pages.unit_new, name="reportin-unit-new"),
    path("units/<int:pk>/", pages.unit_page, name="reportin-unit"),
    path("units/<int:pk>/<slug:step>/", pages.unit_action, name="reportin-unit-action"),
    path("members/", pages.members_page, name="reportin-members"),
    path("members/register/", pages.member_register, name="reportin-member-register"),
    path("members/<int:pk>/", pages.member_page, name="reportin-member"),
    path("members/<int:pk>/<slug:step>/", pages.member_action, name="reportin-member-action"),
    path("employers/new/", pages.employer_new, name="reportin-employer-new"),
    path("reports/", pages.reports_page, name="reportin-reports"),
    path("reports/<int:pk>/", pages.report_page, name="reportin-report"),
    path("reports/<int:pk>/report.xlsx", pages.report_xlsx, name="reportin-report-xlsx"),
    path("reports/<int:pk>/<slug:step>/", pages.report_action, name="reportin-report-action"),
]
