from django.contrib import admin
from django.urls import include, path

from gridgov.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("gridgov.home.urls")),
    path("units/", include("gridgov.structure.urls")),
    path("people/", include("gridgov.people.urls")),
    path("hotline/", include("gridgov.hotline.urls")),
    path("intake/", include("gridgov.intake.urls")),
    path("cases/", include("gridgov.cases.urls")),  # registers the case-code converter first
    path("cases/report/", include("gridgov.intake.report_urls")),
    path("inbox/", include("gridgov.notifications.urls")),
    path("assessment/", include("gridgov.assessment.urls")),
    path("screen/", include("gridgov.screen.urls")),
    path("volunteering/", include("gridgov.volunteering.urls")),
    path("shop/", include("gridgov.shop.urls")),
    path("reportin/", include("gridgov.reportin.urls")),
    path("timebank/", include("gridgov.timebank.urls")),
    path("deliberation/", include("gridgov.deliberation.urls")),
    path("notices/", include("gridgov.deliberation.notice_urls")),
    path("microprojects/", include("gridgov.microprojects.urls")),
    path("care/", include("gridgov.care.urls")),
    path("visits/", include("gridgov.visits.urls")),
    path("partybuilding/", include("gridgov.partybuilding.urls")),
    path("facilities/", include("gridgov.facilities.urls")),
]
