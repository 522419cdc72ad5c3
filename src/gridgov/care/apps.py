from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "gridgov.care"
    verbose_name = _("Care")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs

        from . import menu
        from .figures import FIGURE_SET
        from .models import CarePlan, CareRevealLog, CareSettings, CheckIn, Device, Escalation, Guardian, Reading
        from .services import watch

        def buddy(path):
            """The buddy (a person with a login) sees the plan they look after, its check-ins and alerts."""
            def extra(scope):
                return Q(**{f"{path}__in": scope.person_ids}) if scope.person_ids else Q(pk__in=[])
            return extra

        def personal(path, **more):
            return Rule(unit_path=f"{path}person__unit__code", personal=True, **more)

        register(CareSettings, Rule(district_path="district_code"))
        register(CarePlan, personal("", person_path="person", user_path="grid_worker", extra=buddy("buddy")))
        register(Guardian, personal("plan__"))
        register(CheckIn, personal("plan__", person_path="plan__person", user_path="plan__grid_worker",
                                   extra=buddy("plan__buddy")))
        register(Escalation, personal("plan__", person_path="plan__person", user_path="plan__grid_worker",
                                      extra=buddy("plan__buddy")))
        register(Device, personal("plan__"))
        register(Reading, personal("plan__"))
        register(CareRevealLog, personal("plan__"))

        jobs.register("care-watch", lambda now: watch.tick(now=now))
        figures.register(FIGURE_SET)
        menu.register_entries()
