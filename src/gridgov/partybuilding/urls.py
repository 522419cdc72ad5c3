from django.urls import path

from .views import pages

urlpatterns = [
    path("", pages.home, name="partybuilding-home"),
    path("orgs/<int:pk>/", pages.org, name="partybuilding-org"),
    path("kite/", pages.kite_list, name="partybuilding-kite"),
    path("kite/<int:pk>/contact/", pages.kite_contact, name="partybuilding-kite-contact"),
    path("life/", pages.life, name="partybuilding-life"),
    path("life/<str:step>/", pages.life_step, name="partybuilding-life-step"),
    path("courses/", pages.courses, name="partybuilding-courses"),
    path("courses/new/", pages.course_create, name="partybuilding-course-create"),
    path("courses/<int:pk>/", pages.course, name="partybuilding-course"),
    path("courses/<int:pk>/<str:step>/", pages.course_step, name="partybuilding-course-step"),
    path("posts/", pages.posts_page, name="partybuilding-posts"),
    path("posts/<str:step>/", pages.post_step, name="partybuilding-post-step"),
    path("me/", pages.me, name="partybuilding-me"),
    path("me/pledge/", pages.me_pledge, name="partybuilding-me-pledge"),
    path("community/<str:code>/", pages.community, name="partybuilding-community"),
]
