from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "gridgov.assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from . import menu

        menu.register_entries()

        from gridgov.cases.models import Case
        from gridgov.core import journal

        from .services.tally import on_case_recorded

        # Inside the case's transaction: the tallies must equal the cases at every commit.
        journal.on_record(Case, on_case_recorded)

        from gridgov.accounts.scope import Rule, register

        from .models import ScoreWeight

        register(ScoreWeight, Rule(district_path="district_code"))
