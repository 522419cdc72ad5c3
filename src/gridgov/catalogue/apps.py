from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "gridgov.catalogue"
    verbose_name = _("Matter catalogue")

    def ready(self):
        from gridgov.core import stamps

        from .services import CATALOGUE_STAMP

        stamps.bump_on_change(CATALOGUE_STAMP, self.get_model("Category"))
