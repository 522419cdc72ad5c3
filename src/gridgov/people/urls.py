from django.urls import path

from . import views

urlpatterns = [
    path("", views.people_list, name="people"),
    path("search/", views.people_search, name="people-search"),
    path("<int:pk>/", views.person_page, name="person"),
    path("<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
]
