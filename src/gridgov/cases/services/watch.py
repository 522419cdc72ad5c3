"""The deadline watch run by ``gridgov worker``: refresh traffic lights, remind, and apply the
escalation policy to overdue cases.

Policy: a case turning yellow tells its handlers; turning red tells handlers and the queue's
dispatchers and puts the case under the platform's supervision (督办); a small-loop case still at
the grid when it turns red is escalated to its community. A dispatched case not acknowledged within
its response limit reminds handlers and dispatchers once. Missed whistle report-ins are flagged.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.notifications.models import Kind
from gridgov.notifications.services import dispatchers, handlers, notify

from ..models import Case, Level, Light, Status
from . import deadlines, lifecycle, whistle

WATCHED = [Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED, Status.REPORTED]


@dataclass
class TickReport:
    checked: int = 0
    yellow: int = 0
    red: int = 0
    escalated: int = 0
    reminded: int = 0
    missed_report_ins: int = 0

    def __str__(self):
        return (f"checked {self.checked} open cases: {self.yellow} turned yellow, {self.red} turned red, "
                f"{self.escalated} escalated, {self.reminded} response reminders, "
                f"{self.missed_report_ins} missed report-ins")


def _turned(case, new_light, report: TickReport) -> None:
    label = f"{case.code} {case.title}"
    if new_light == Light.YELLOW:
        report.yellow += 1
        notify(handlers(case), case, Kind.NEAR_DUE, _("Near due: %(case)s") % {"case": label})
        return
    report.red += 1
    notify(handlers(case) + dispatchers(case), case, Kind.OVERDUE, _("Overdue: %(case)s") % {"case": label})
    if case.level == Level.GRID and case.status in (Status.DISPATCHED, Status.ACKNOWLEDGED) \
            and settings.GRIDGOV_ESCALATE_OVERDUE_GRID_CASES:
        lifecycle.escalate(None, case, note=_("Overdue at the grid: escalated by the platform."))
        report.escalated += 1
    if not case.supervised:
        lifecycle.supervise(None, case, note=_("Overdue: supervised by the platform."))


def tick(now=None) -> TickReport:
    now = now or clock.now()
    report = TickReport()
    with translation.override(settings.LANGUAGE_CODE):
        for pk in list(Case.objects.filter(status__in=WATCHED).values_list("pk", flat=True)):
            with transaction.atomic():
                case = Case.objects.select_for_update().select_related("category").get(pk=pk)
                report.checked += 1
                new_light = deadlines.light(case, now)
                if new_light != case.light:
                    Case.objects.filter(pk=pk).update(light=new_light)
                    case.light = new_light
                    if new_light != Light.GREEN:
                        _turned(case, new_light, report)
                if case.status == Status.DISPATCHED and case.response_due and case.response_due < now \
                        and not case.response_reminded:
                    case.response_reminded = True
                    case.save(update_fields=["response_reminded"])
                    lifecycle.record(case, None, "response_overdue", now=now)
                    notify(handlers(case) + dispatchers(case), case, Kind.OVERDUE,
                           _("Not acknowledged in time: %(case)s") % {"case": f"{case.code} {case.title}"})
                    report.reminded += 1
        report.missed_report_ins = len(whistle.flag_missed(now))
    return report
