from django.urls import path

from . import recategorise_views, views

urlpatterns = [
    path("hotspots/", views.hotspot_page, name="hotspots"),
    path("cases/<str:code>/recategorise/", recategorise_views.recategorise_case, name="case-recategorise"),
]
