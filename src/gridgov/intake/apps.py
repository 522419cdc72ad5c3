from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "gridgov.intake"
    verbose_name = _("Intake: classification, addresses, duplicates, hot spots")

    def ready(self):
        from gridgov.accounts.scope import Rule, register
        from gridgov.core import stamps

        from .classify import CLASSIFIER_STAMP
        from .models import SETTINGS_STAMP, ClassifierModel, IntakeSettings, Suggestion, TrainingExample

        register(IntakeSettings, Rule(district_path="district__code"))
        register(Suggestion, Rule(unit_path="case__unit__code", personal=True))
        register(TrainingExample, Rule(unit_path="case__unit__code", personal=True))

        from gridgov.cases.views.base import register_page_panel

        from . import menu, services
        from .duplicates import merge_offer
        from .recategorise_views import recategorise_offer

        register_page_panel(merge_offer)
        register_page_panel(recategorise_offer)
        menu.register_entries()
        services.install()

        # Every process's copy of the active model follows an activation anywhere.
        stamps.bump_on_change(CLASSIFIER_STAMP, ClassifierModel)
        stamps.bump_on_change(SETTINGS_STAMP, IntakeSettings)
