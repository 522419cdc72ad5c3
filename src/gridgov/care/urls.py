from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.plan_list, name="care-plans"),
    path("today/", pages.today, name="care-today"),
    path("board/", pages.board, name="care-board"),
    path("coverage/", pages.coverage, name="care-coverage"),
    path("plans/new/", pages.plan_new, name="care-plan-new"),
    path("plans/<int:pk>/edit/", pages.plan_edit, name="care-plan-edit"),
    path("plans/<int:pk>/<str:step>/", pages.plan_step, name="care-plan-step"),
    path("people/<int:person_pk>/", pages.person_page, name="care-person"),
    path("check-ins/<int:pk>/record/", pages.record, name="care-record"),
    path("escalations/<int:pk>/resolve/", pages.resolve, name="care-resolve"),
]
