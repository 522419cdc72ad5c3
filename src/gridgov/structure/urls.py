from django.urls import path, register_converter

from . import views


class UnitCodeConverter:
    """Unit codes are 6 to 18 digits; anything else never reaches a view."""

    regex = r"\d{6,18}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(UnitCodeConverter, "unitcode")

urlpatterns = [
    path("<unitcode:code>/", views.unit_page, name="unit"),
    path("<unitcode:code>/map.json", views.unit_map, name="unit-map"),
]
