"""The deadline watch run by ``gridgov worker``: refresh traffic lights, remind, and apply the
escalation policy to overdue cases.

Policy: a case turning yellow (``near_due`` on its timeline) tells its handlers; turning red
(``overdue``) tells handlers and the queue's dispatchers and puts the case under the platform's
supervision (督办); a small-loop case still at the grid when it turns red is escalated to its
community. A dispatched case not acknowledged within its response limit (``response_overdue``)
reminds handlers and dispatchers once. Missed whistle report-ins are flagged.

The watch only records these events on the timeline; whoever is told reacts to the entries
(``gridgov.notifications``), as to any other step of a case.

Each case is locked, re-checked and recorded in its own transaction, and a case another transaction
holds (a handler's step, a second worker) is skipped until the next round rather than waited for:
every event is recorded once — the state it changes (light, ``response_reminded``) is read under the
lock — and none is lost when a worker dies half-way (``core.jobs``: the next worker continues).
"""
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.core import clock, jobs
from gridgov.structure.models import Unit, UnitKind

from ..actions import CaseAction
from ..models import Case, Level, Light, Status
from . import deadlines, lifecycle, whistle


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


def _turned(case, new_light, now, report: TickReport) -> None:
    if new_light == Light.YELLOW:
        report.yellow += 1
        lifecycle.record(case, None, CaseAction.NEAR_DUE, now=now)
        return
    report.red += 1
    lifecycle.record(case, None, CaseAction.OVERDUE, now=now)
    if case.level == Level.GRID and case.status in Status.WITH_HANDLER \
            and settings.GRIDGOV_ESCALATE_OVERDUE_GRID_CASES:
        lifecycle.escalate(None, case, note=_("Overdue at the grid: escalated by the platform."))
        report.escalated += 1
    if not case.supervised:
        lifecycle.supervise(None, case, note=_("Overdue: supervised by the platform."))


def _running() -> list[tuple[int, str]]:
    """(id, district) of every running case, read district by district: every statement of a round
    names its district, so that each goes to that district's node alone (docs/deployment.md)."""
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code").values_list("code", flat=True)
    return [(pk, code) for code in districts
            for pk in Case.objects.filter(district_code=code, status__in=Status.RUNNING).values_list("pk", flat=True)]


def tick(now=None) -> TickReport:
    now = now or clock.now()
    report = TickReport()
    with translation.override(settings.LANGUAGE_CODE):
        for pk, district_code in _running():
            jobs.step()
            with transaction.atomic():
                case = (Case.objects.select_for_update(skip_locked=True, of=("self",)).select_related("category")
                        .filter(pk=pk, district_code=district_code, status__in=Status.RUNNING).first())
                if case is None:  # closed meanwhile, or being changed: the next round looks again
                    continue
                report.checked += 1
                # The missed response first: it is recorded at the round's moment, and what turning
                # red may do next (escalate, supervise) is recorded after it, at its own.
                if case.status == Status.DISPATCHED and case.response_due and case.response_due < now \
                        and not case.response_reminded:
                    case.response_reminded = True
                    case.save(update_fields=["response_reminded"])
                    lifecycle.record(case, None, CaseAction.RESPONSE_OVERDUE, now=now)
                    report.reminded += 1
                new_light = deadlines.light(case, now)
                if new_light != case.light:
                    Case.objects.filter(pk=pk, district_code=district_code).update(light=new_light)
                    case.light = new_light
                    if new_light != Light.GREEN:
                        _turned(case, new_light, now, report)
        report.missed_report_ins = len(whistle.flag_missed(now))
    return report
