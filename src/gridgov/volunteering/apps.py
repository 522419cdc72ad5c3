from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "gridgov.volunteering"
    verbose_name = _("Volunteering")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs
        from gridgov.structure.codes import prefix

        from . import menu
        from .figures import FIGURE_SET
        from .models import (
            TAKEABLE,
            Activity,
            ServiceItem,
            ServiceOrder,
            ServiceRecord,
            SignUp,
            Team,
            TeamMembership,
            Volunteer,
            VolunteeringSettings,
            VolunteerStatus,
        )
        from .services import orders

        def own_community(scope):
            """Anyone working or living inside a community sees its menu, teams and activities."""
            codes = {prefix(code, "community") for code in scope.structure_codes if len(code) > 12}
            return Q(community__code__in=codes) if codes else Q(pk__in=[])

        def volunteer_orders(scope):
            """A volunteer sees the orders dispatched to them or their team, those published in their
            community, and those they took."""
            if not scope.person_ids:
                return Q(pk__in=[])
            mine = Volunteer.objects.filter(person__in=scope.person_ids, status=VolunteerStatus.REGISTERED,
                                            active=True)
            teams = TeamMembership.objects.filter(volunteer__in=mine).values("team")
            return (Q(taker__person__in=scope.person_ids)
                    | Q(status__in=TAKEABLE, assignee__in=mine.values("pk"))
                    | Q(status__in=TAKEABLE, team__in=teams)
                    | Q(status="published", community__in=mine.values("community")))

        register(VolunteeringSettings, Rule(district_path="district_code"))
        register(Volunteer, Rule(unit_path="person__unit__code", personal=True, person_path="person"))
        register(Team, Rule(unit_path="community__code", extra=own_community))
        register(TeamMembership, Rule(unit_path="volunteer__person__unit__code", personal=True,
                                      person_path="volunteer__person"))
        register(ServiceItem, Rule(unit_path="community__code", extra=own_community))
        register(ServiceOrder, Rule(unit_path="resident__unit__code", personal=True, person_path="resident",
                                    extra=volunteer_orders))
        register(Activity, Rule(unit_path="community__code", extra=own_community))
        register(SignUp, Rule(unit_path="volunteer__person__unit__code", personal=True, person_path="volunteer__person"))
        register(ServiceRecord, Rule(unit_path="person__unit__code", personal=True, person_path="person"))

        jobs.register("volunteering-deadlines", lambda now: orders.tick(now=now))
        figures.register(FIGURE_SET)
        menu.register_entries()
