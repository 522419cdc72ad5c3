from django.urls import path

from .views import coverage, pages, standards

urlpatterns = [
    path("", pages.index, name="facilities"),
    path("map.json", pages.index_map, name="facilities-map"),
    path("new/", pages.new, name="facilities-new"),
    path("<int:pk>/", pages.facility, name="facilities-facility"),
    path("<int:pk>/photos/", pages.photos, name="facilities-photos"),
    path("coverage/<str:code>/", coverage.page, name="facilities-coverage"),
    path("coverage/<str:code>/map.json", coverage.map_json, name="facilities-coverage-map"),
    path("coverage/<str:code>/progress/", coverage.progress, name="facilities-coverage-progress"),
    path("coverage/<str:code>/recompute/", coverage.recompute_now, name="facilities-coverage-recompute"),
    path("standards/", standards.page, name="facilities-standards"),
    path("unit/<str:code>/section/", coverage.section, name="facilities-unit-section"),
]
