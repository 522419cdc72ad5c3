from django.urls import path

from . import views

urlpatterns = [
    path("hotspots/", views.hotspot_page, name="hotspots"),
]
