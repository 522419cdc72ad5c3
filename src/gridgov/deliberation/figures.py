"""The deliberation figures (``core.figures`` key ``deliberation``); each is defined in
docs/deliberation.md and tested against a number worked out by hand. ``compute`` reads four queries
whatever the number of units: proposals, meetings (with their attendance counts), matters and the
districts' settings; each row is credited to every requested code whose subtree holds it."""
from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import holders, subtrees_q
from gridgov.workdays.services import add_working_days

from .models import DeliberationSettings, Matter, Meeting, MeetingStatus, Proposal, Step

DEFAULT_PUBLICATION_DAYS = DeliberationSettings._meta.get_field("publication_days").default


def _in(moment, start: dt.date, end: dt.date) -> bool:
    return moment is not None and start <= timezone.localdate(moment) <= end


def _on_time(matter: dict, days: int) -> bool:
    """Both publications on time: the resolution within ``days`` working days of the representatives'
    resolution, the result within ``days`` working days of the day the implementation was completed."""
    completed = timezone.make_aware(dt.datetime.combine(matter["completed_on"], dt.time()))
    return (matter["resolution_published_at"] <= add_working_days(matter["resolved_at"], days)
            and matter["result_published_at"] <= add_working_days(completed, days))


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    codes = list(dict.fromkeys(unit_codes))
    holding = holders(codes)
    days = defaultdict(list)
    counts = {code: defaultdict(int) for code in codes}

    def add(code: str, key: str, value: int = 1):
        for holder in holding(code):
            counts[holder][key] += value

    since, until = (timezone.make_aware(dt.datetime.combine(day, dt.time())) for day in
                    (start, end + dt.timedelta(days=1)))
    period = (Q(created_at__gte=since, created_at__lt=until) | Q(answered_at__gte=since, answered_at__lt=until)
              | Q(implemented_at__gte=since, implemented_at__lt=until))
    for row in Proposal.objects.filter(subtrees_q("unit__code", codes)).filter(period).values(
            "unit__code", "created_at", "answered_at", "implemented_at"):
        code = row["unit__code"]
        if _in(row["created_at"], start, end):
            add(code, "proposals_received")
        if _in(row["answered_at"], start, end):
            add(code, "proposals_answered")
            for holder in holding(code):
                days[holder].append((row["answered_at"] - row["created_at"]).total_seconds() / 86400)
        if _in(row["implemented_at"], start, end):
            add(code, "proposals_implemented")

    meetings = (Meeting.objects.filter(subtrees_q("community__code", codes), held_on__range=(start, end))
                .exclude(series__isnull=True, status=MeetingStatus.CANCELLED)
                .values("pk", "community__code", "series", "status", "entitled")
                .annotate(present=Count("attendances")))
    for row in meetings:
        code = row["community__code"]
        if row["series"] is not None:
            add(code, "meetings_scheduled")
            if row["status"] == MeetingStatus.HELD:
                add(code, "series_meetings_held")
        if row["status"] == MeetingStatus.HELD:
            add(code, "meetings_held")
            if row["entitled"]:
                add(code, "present", row["present"])
                add(code, "entitled", row["entitled"])

    rules = dict(DeliberationSettings.objects.filter(district_code__in={code[:6] for code in codes})
                 .values_list("district_code", "publication_days"))
    since_end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    for row in Matter.objects.filter(subtrees_q("community__code", codes), opened_at__lt=since_end).values(
            "community__code", "step", "resolved_at", "resolution_published_at", "completed_on",
            "result_published_at"):
        code = row["community__code"]
        add(code, f"matters_{row['step']}")
        if _in(row["result_published_at"], start, end):
            add(code, "results_published")
            if _on_time(row, rules.get(code[:6], DEFAULT_PUBLICATION_DAYS)):
                add(code, "published_on_time")

    answer = {}
    for code in codes:
        c = counts[code]
        answer[code] = {
            "proposals_received": c["proposals_received"],
            "proposals_answered": c["proposals_answered"],
            "proposals_implemented": c["proposals_implemented"],
            "median_days_to_answer": round(statistics.median(days[code]), 2) if days[code] else None,
            "meetings_scheduled": c["meetings_scheduled"],
            "meetings_held": c["meetings_held"],
            "series_held_share": (c["series_meetings_held"] / c["meetings_scheduled"]
                                  if c["meetings_scheduled"] else None),
            "attendance_rate": c["present"] / c["entitled"] if c["entitled"] else None,
            **{f"matters_{step.value}": c[f"matters_{step.value}"] for step in Step},
            "publications_on_time": (c["published_on_time"] / c["results_published"]
                                     if c["results_published"] else None),
        }
    return answer


FIGURE_SET = FigureSet(
    key="deliberation",
    label=_("Deliberation"),
    order=50,
    compute=compute,
    headline=("proposals_received", "proposals_answered", "attendance_rate", "publications_on_time"),
    figures=(
        Figure("proposals_received", _("Proposals received"), "count",
               _("Micro-proposals made in the period (withdrawn ones included).")),
        Figure("proposals_answered", _("Proposals answered"), "count",
               _("Micro-proposals answered in the period, published or not.")),
        Figure("proposals_implemented", _("Proposals implemented"), "count",
               _("Accepted proposals, answer published, marked done by the staff in the period.")),
        Figure("median_days_to_answer", _("Median days to answer"), "mean",
               _("The median of the days from proposal to answer, over proposals answered in the period.")),
        Figure("meetings_scheduled", _("Series meetings scheduled"), "count",
               _("Meetings of a series due in the period (cancelled ones included).")),
        Figure("meetings_held", _("Meetings held"), "count",
               _("Meetings held (closed after their session) on a day in the period, in a series or not.")),
        Figure("series_held_share", _("Series meetings held"), "share",
               _("Series meetings held ÷ series meetings scheduled in the period.")),
        Figure("attendance_rate", _("Attendance rate"), "share",
               _("People present ÷ people entitled, summed over held meetings with an entitlement list.")),
        *(Figure(f"matters_{step.value}", format_lazy("{}: {}", _("Matters"), step.label), "count",
                 _("Matters opened by the period's end that are at this step now.")) for step in Step),
        Figure("publications_on_time", _("Both publications on time"), "share",
               _("Of the matters whose result was published in the period, the share whose resolution was "
                 "published within the district's working days of the resolution and whose result within "
                 "them of the implementation's completion.")),
    ),
)
