from django.urls import path, re_path

from . import views

# Unit codes are 6 to 18 digits (see structure/codes.py).
UNIT = r"(?P<code>\d{6,18})"

urlpatterns = [
    path("", views.screen, name="screen"),
    re_path(rf"^{UNIT}/$", views.screen, name="screen-unit"),
    re_path(rf"^{UNIT}/data\.json$", views.screen_data, name="screen-data"),
]
