from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read, name="inbox-read"),
    path("badge/", views.badge, name="inbox-badge"),
    path("<int:pk>/", views.open_notification, name="notification"),
]
