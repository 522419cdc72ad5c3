from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    verbose_name = _("Cases")

    def ready(self):
        from gridgov.core import jobs

        from . import menu
        from .services import recalendar, watch

        menu.register_entries()
        jobs.register("deadlines-calendar", lambda now: recalendar.recompute(now=now))
        jobs.register("deadlines", lambda now: watch.tick(now=now))

        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register

        from .models import Assignment, Case, WhistleCall

        def dispatched_or_reported(scope):
            """A department sees the cases dispatched or whistled to it; a resident the cases they
            reported. A case *merged into* another does not open the master: its reporter follows the
            master in its public form only (``services.following``), since the master's description,
            address, reporter and notes belong to somebody else."""
            q = Q(pk__in=[])
            if scope.department_ids:
                q |= Q(pk__in=Assignment.objects.filter(department__in=scope.department_ids).values("case"))
                q |= Q(pk__in=WhistleCall.objects.filter(department__in=scope.department_ids).values("whistle__case"))
            if scope.person_ids:
                q |= Q(reporter__in=scope.person_ids)
            return q

        # The person a case is dispatched to sees it wherever it lies: a grid's case dispatched to
        # the worker of one of its micro-grids is theirs to acknowledge and handle, not a 404. Only
        # while it is theirs: once returned, escalated or dispatched again, it leaves their scope.
        register(Case, Rule(unit_path="unit__code", personal=True, user_path="handler_user",
                            extra=dispatched_or_reported))
