from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "gridgov.deliberation"
    verbose_name = _("Deliberation")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs
        from gridgov.structure.codes import prefix

        from . import menu
        from .figures import FIGURE_SET
        from .models import (
            AgendaItem,
            Attendance,
            CommunityThreshold,
            DeliberationSettings,
            Matter,
            Meeting,
            MeetingSeries,
            Notice,
            Proposal,
            Resolution,
            RosterMember,
            Support,
            Vote,
        )
        from .services import series

        def own_community(path):
            """Anyone living or working inside a community sees its proposals, meetings and matters."""

            def condition(scope):
                codes = {prefix(code, "community") for code in scope.structure_codes if len(code) > 12}
                return Q(**{f"{path}__in": codes}) if codes else Q(pk__in=[])

            return condition

        register(DeliberationSettings, Rule(district_path="district_code"))
        register(CommunityThreshold, Rule(unit_path="community__code", extra=own_community("community__code")))
        register(Proposal, Rule(unit_path="unit__code", extra=own_community("community__code")))
        register(Support, Rule(unit_path="person__unit__code", personal=True, person_path="person"))
        register(RosterMember, Rule(unit_path="person__unit__code", personal=True, person_path="person"))
        register(MeetingSeries, Rule(unit_path="community__code", extra=own_community("community__code")))
        register(Meeting, Rule(unit_path="community__code", extra=own_community("community__code")))
        register(AgendaItem, Rule(unit_path="meeting__community__code",
                                  extra=own_community("meeting__community__code")))
        register(Attendance, Rule(unit_path="person__unit__code", personal=True, person_path="person"))
        register(Vote, Rule(unit_path="person__unit__code", personal=True, person_path="person"))
        register(Resolution, Rule(unit_path="meeting__community__code",
                                  extra=own_community("meeting__community__code")))
        register(Matter, Rule(unit_path="community__code", extra=own_community("community__code")))
        register(Notice, Rule(unit_path="community__code", extra=own_community("community__code")))

        jobs.register("deliberation-meetings", lambda now: series.materialise(now=now))
        figures.register(FIGURE_SET)
        menu.register_entries()
