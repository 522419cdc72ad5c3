from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.home, name="microprojects-home"),
    path("mine/", pages.mine, name="microprojects-mine"),
    path("needs/new/", pages.need_new, name="microprojects-need-new"),
    path("needs/<int:pk>/", pages.need, name="microprojects-need"),
    path("needs/<int:pk>/close/", pages.need_close, name="microprojects-need-close"),
    path("resources/add/", pages.resource_add, name="microprojects-resource-add"),
    path("pledges/<int:pk>/list/", pages.pledge_list, name="microprojects-pledge-list"),
    path("projects/new/", pages.project_new, name="microprojects-project-new"),
    path("projects/<int:pk>/", pages.project, name="microprojects-project"),
    path("projects/<int:pk>/<str:step>/", pages.project_action, name="microprojects-project-action"),
    path("overview/", pages.overview, name="microprojects-overview"),
    path("settings/", pages.settings_page, name="microprojects-settings"),
]
