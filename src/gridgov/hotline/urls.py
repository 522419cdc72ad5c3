from django.urls import path

from . import views

urlpatterns = [
    path("", views.hotline_page, name="hotline"),
    path("export/", views.hotline_export, name="hotline-export"),
]
