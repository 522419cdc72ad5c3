from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "gridgov.visits"
    verbose_name = _("Visits")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs

        from . import menu
        from .figures import FIGURE_SET
        from .models import ContactPoint, Promise, Reception, ReceptionHours, Visit, VisitPhoto, VisitRule
        from .services import planning, promises, visits

        def assigned(scope):
            """The assignee of a planned visit sees it (a cadre's visits to their contact households)."""
            return Q(assignee=scope.user_id) if scope.user_id else Q(pk__in=[])

        register(VisitRule, Rule(unit_path="unit__code", district_path="unit__district_code"))
        register(Visit, Rule(unit_path="unit__code", personal=True, user_path="visitor", extra=assigned))
        register(VisitPhoto, Rule(unit_path="visit__unit__code", personal=True, user_path="visit__visitor"))
        register(ReceptionHours, Rule(unit_path="unit__code", district_path="unit__district_code"))
        register(Reception, Rule(unit_path="unit__code", personal=True, user_path="received_by"))
        register(Promise, Rule(unit_path="unit__code", personal=True, user_path="made_by"))
        register(ContactPoint, Rule(unit_path="unit__code", district_path="unit__district_code"))

        def watch(now):
            return {"planned": planning.plan(now), "visits": visits.watch(now), "promises": promises.watch(now)}

        jobs.register("visits-watch", watch)
        figures.register(FIGURE_SET)
        menu.register_entries()
