"""The care figures (``core.figures`` key ``care``); each is defined in docs/care.md and tested
against a number worked out by hand. Three queries whatever the number of units: people in special
groups (with whether a plan is in force), check-ins due in the period, escalations opened or
resolved in it — each over the union of the subtrees, each row credited to every code holding it."""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.core import clock
from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import holders, subtrees_q

from .models import REACHED, CarePlan, CheckIn, CheckInStatus, Escalation, PlanStatus

#: The group the seeds' health watch is about (seed 004): its coverage is a figure of its own.
ELDERLY_ALONE = "elderly-alone"


def _bounds(start: dt.date, end: dt.date):
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time()), zone),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), zone))


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    from gridgov.people.models import Person

    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        return {}
    holding = holders(codes)
    since, until = _bounds(start, end)
    closed_by = min(until, clock.now())
    t = {code: {"people": set(), "covered": set(), "elderly": set(), "elderly_covered": set(), "due": 0,
                "done": 0, "on_time": 0, "escalations": 0, "resolve_minutes": []} for code in codes}

    in_force = CarePlan.objects.filter(person=OuterRef("pk"), created_at__lt=until).filter(
        ~Q(status=PlanStatus.ENDED) | Q(ended_at__gte=until))
    people = (Person.objects.filter(subtrees_q("unit__code", codes), special_groups__isnull=False).order_by()
              .annotate(covered=Exists(in_force)).values_list("pk", "unit__code", "special_groups__code", "covered"))
    for pk, home, group, covered in people:
        for code in holding(home):
            tally = t[code]
            tally["people"].add(pk)
            if covered:
                tally["covered"].add(pk)
            if group == ELDERLY_ALONE:
                tally["elderly"].add(pk)
                if covered:
                    tally["elderly_covered"].add(pk)

    check_ins = (CheckIn.objects.filter(subtrees_q("plan__person__unit__code", codes), latest__gte=since,
                                        latest__lt=closed_by).exclude(status=CheckInStatus.CANCELLED).order_by()
                 .values_list("plan__person__unit__code", "status", "result", "done_at", "latest"))
    for home, status, result, done_at, latest in check_ins:
        for code in holding(home):
            tally = t[code]
            tally["due"] += 1
            if status == CheckInStatus.DONE:
                tally["done"] += 1
                tally["on_time"] += result in REACHED and done_at <= latest

    escalations = (Escalation.objects.filter(subtrees_q("plan__person__unit__code", codes))
                   .filter(Q(opened_at__gte=since, opened_at__lt=until) | Q(resolved_at__gte=since, resolved_at__lt=until))
                   .order_by().values_list("plan__person__unit__code", "opened_at", "resolved_at"))
    for home, opened, resolved in escalations:
        for code in holding(home):
            if since <= opened < until:
                t[code]["escalations"] += 1
            if resolved is not None and since <= resolved < until:
                t[code]["resolve_minutes"].append((resolved - opened).total_seconds() / 60)
    return {code: _figures(tally) for code, tally in t.items()}


def _figures(tally: dict) -> dict:
    minutes = tally["resolve_minutes"]
    return {
        "coverage": _share(len(tally["covered"]), len(tally["people"])),
        "elderly_alone_coverage": _share(len(tally["elderly_covered"]), len(tally["elderly"])),
        "people_in_care": len(tally["covered"]),
        "checkins_due": tally["due"],
        "on_time_rate": _share(tally["on_time"], tally["due"]),
        "missed": tally["due"] - tally["done"],
        "escalations": tally["escalations"],
        "median_minutes_to_resolve": round(statistics.median(minutes), 1) if minutes else None,
    }


FIGURE_SET = FigureSet(
    key="care",
    label=pgettext_lazy("care app", "Care"),
    order=70,
    compute=compute,
    headline=("coverage", "on_time_rate", "missed", "escalations"),
    figures=(
        Figure("coverage", _("Care plan coverage"), "share",
               _("People in a special group with a care plan in force at the period's end ÷ people in a special "
                 "group.")),
        Figure("elderly_alone_coverage", _("Coverage of the elderly living alone"), "share",
               _("The same, for the elderly living alone.")),
        Figure("people_in_care", _("People in care"), "count",
               _("People in a special group with a care plan in force at the period's end.")),
        Figure("checkins_due", _("Check-ins due"), "count",
               _("Check-ins (not cancelled) whose window closed in the period.")),
        Figure("on_time_rate", _("On-time check-ins"), "share",
               _("Check-ins done within their window with the person reached ÷ check-ins due.")),
        Figure("missed", _("Missed check-ins"), "count",
               _("Check-ins due − check-ins done (an attempt that could not reach the person is done, not on time).")),
        Figure("escalations", _("Escalations"), "count", _("Escalations opened in the period.")),
        Figure("median_minutes_to_resolve", _("Median time to resolve an escalation"), "minutes",
               _("Median minutes from opening to resolution, over escalations resolved in the period.")),
    ),
)
