from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.mine, name="visits-mine"),
    path("<int:pk>/", pages.visit, name="visits-visit"),
    path("<int:pk>/<str:step>/", pages.visit_step, name="visits-visit-step"),
    path("households/<int:pk>/", pages.household, name="visits-record"),
    path("staff/", pages.staff, name="visits-staff"),
    path("staff/rules/", pages.rule_save, name="visits-staff-rule"),
    path("receptions/", pages.receptions_page, name="visits-receptions"),
    path("receptions/<str:step>/", pages.reception_step, name="visits-receptions-step"),
    path("promises/", pages.promises_page, name="visits-promises"),
    path("promises/<str:step>/", pages.promise_step, name="visits-promises-step"),
    path("cadres/", pages.cadres, name="visits-cadres"),
    path("cadres/save/", pages.cadre_save, name="visits-cadres-save"),
    path("cadres/<int:pk>/", pages.cadre, name="visits-cadre"),
]
