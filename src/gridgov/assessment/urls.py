from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="assessment"),
    path("rankings/", views.rankings, name="assessment-rankings"),
    path("reports/", views.report_list, name="assessment-reports"),
    path("reports/<str:period>.xlsx", views.report_xlsx, name="assessment-report-xlsx"),
    path("reports/<str:period>/", views.report_page, name="assessment-report"),
    path("weights/", views.weights, name="assessment-weights"),
    path("participation/", views.participation, name="assessment-participation"),
]
