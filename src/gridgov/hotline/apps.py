from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    """The 12345 hotline: batch import of its work orders, the push API, and the answer-back export.

    It has no models of its own: an order becomes a :class:`gridgov.cases.models.Case` with channel
    ``hotline`` and the hotline's order number as ``external_id``."""

    name = "gridgov.hotline"
    verbose_name = _("12345 hotline")
