from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "gridgov.intake"
    verbose_name = _("Intake: classification, addresses, duplicates, hot spots")

    def ready(self):
        from gridgov.accounts.scope import Rule, register
        from gridgov.structure.models import Building, Compound, Unit

        from .address import invalidate
        from .models import IntakeSettings, Suggestion, TrainingExample

        register(IntakeSettings, Rule(district_path="district__code"))
        register(Suggestion, Rule(unit_path="case__unit__code", personal=True))
        register(TrainingExample, Rule(unit_path="case__unit__code", personal=True))

        from gridgov.cases.views.base import register_page_panel

        from . import menu
        from .duplicates import merge_offer
        from .recategorise_views import recategorise_offer

        register_page_panel(merge_offer)
        register_page_panel(recategorise_offer)
        menu.register_entries()

        # The address index is built from the registry's names; any change to them rebuilds it.
        for model in (Unit, Compound, Building):
            post_save.connect(invalidate, sender=model, dispatch_uid=f"intake_address_saved_{model.__name__}")
            post_delete.connect(invalidate, sender=model, dispatch_uid=f"intake_address_deleted_{model.__name__}")
