from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartybuildingConfig(AppConfig):
    name = "gridgov.partybuilding"
    verbose_name = _("Party building")

    def ready(self):
        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs

        from . import menu
        from .figures import FIGURE_SET
        from .models import (
            Attendance,
            Contact,
            Course,
            CourseResult,
            CourseSession,
            Credit,
            LifeAttendance,
            LifeSession,
            MobileMember,
            Pledge,
            VanguardPost,
        )
        from .services import kite, pledges, training

        # Organisations are anchored to units: what hangs on one is seen as the organisation is; a
        # member's own records (personal) by the staff over the organisation and by the member.
        register(MobileMember, Rule(unit_path="home_org__unit__code", personal=True, person_path="person",
                                    user_path="liaison"))
        register(Contact, Rule(unit_path="mobile__home_org__unit__code", personal=True, person_path="mobile__person"))
        register(LifeSession, Rule(unit_path="org__unit__code"))
        register(LifeAttendance, Rule(unit_path="session__org__unit__code", personal=True, person_path="person"))
        register(Course, Rule(unit_path="org__unit__code"))
        register(CourseSession, Rule(unit_path="course__org__unit__code"))
        register(Attendance, Rule(unit_path="session__course__org__unit__code", personal=True, person_path="person"))
        register(CourseResult, Rule(unit_path="course__org__unit__code", personal=True, person_path="person"))
        register(Credit, Rule(unit_path="course__org__unit__code", personal=True, person_path="person"))
        register(VanguardPost, Rule(unit_path="unit__code"))
        register(Pledge, Rule(unit_path="org__unit__code", personal=True, person_path="person"))

        def watch(now):
            return {"not_contacted": kite.watch_contacts(now), **training.watch_credits(now),
                    "pledges_due_soon": pledges.watch_pledges(now)}

        jobs.register("partybuilding-watch", watch)
        figures.register(FIGURE_SET)
        menu.register_entries()
