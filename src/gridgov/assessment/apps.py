from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "gridgov.assessment"
    verbose_name = _("Assessment")

    def ready(self):
        from gridgov.cases.services.lifecycle import case_changed

        from .services.tally import on_case_changed

        case_changed.connect(on_case_changed, dispatch_uid="gridgov.assessment")

        from gridgov.accounts.scope import Rule, register

        from .models import ScoreWeight

        register(ScoreWeight, Rule(district_path="district_code"))
