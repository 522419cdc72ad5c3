from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportinConfig(AppConfig):
    name = "gridgov.reportin"
    verbose_name = _("Report-in (双报到)")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.roles import LIAISON_ROLES
        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures

        from . import menu
        from .models import (
            EmployerOrg,
            EmployerReport,
            Liaison,
            MemberRegistration,
            Pledge,
            ReportinSettings,
            ResidentUnit,
            UnitYear,
        )
        from .services.figures import FIGURE_SET

        def of_liaison(path: str):
            """A liaison sees what belongs to the unit they are the named liaison of (``path`` leads
            from the row to that unit); nothing of any other unit of the community."""
            def extra(scope):
                if scope.user_id is None or not scope.roles & LIAISON_ROLES:
                    return Q(pk__in=[])
                return Q(**{f"{path}__in": Liaison.objects.filter(user_id=scope.user_id).values("unit")})
            return extra

        # Units and everything of theirs: the community's staff (and those above), and the unit's own
        # liaison. ``personal`` keeps them from the other roles held at the community (shop keepers,
        # other units' liaisons), which see the community's structure but not its registers.
        register(ResidentUnit, Rule(unit_path="community__code", personal=True, extra=of_liaison("pk")))
        register(UnitYear, Rule(unit_path="unit__community__code", personal=True, extra=of_liaison("unit")))
        register(Liaison, Rule(unit_path="unit__community__code", personal=True, extra=of_liaison("unit")))
        register(Pledge, Rule(unit_path="unit__community__code", personal=True, extra=of_liaison("unit")))
        # Employers' organisations, members and reports: the staff; the member their own
        # registration; the liaison of an employer that is a resident unit, its members and reports.
        register(EmployerOrg, Rule(unit_path="community__code", personal=True, extra=of_liaison("resident_unit")))
        register(MemberRegistration, Rule(unit_path="community__code", personal=True, person_path="person",
                                          extra=of_liaison("employer_org__resident_unit")))
        register(EmployerReport, Rule(unit_path="community__code", personal=True,
                                      extra=of_liaison("employer_org__resident_unit")))
        register(ReportinSettings, Rule(district_path="district__code"))

        figures.register(FIGURE_SET)
        menu.register_entries()
