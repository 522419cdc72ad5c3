"""The micro-project figures (``core.figures`` key ``microprojects``); each is defined in
docs/microprojects.md and tested against a number worked out by hand.

A project, a need and their money belong to a community: a requested unit counts the rows of the
communities in its subtree (a grid or micro-grid asked for has none of its own). Five queries
whatever the number of units asked for, each over the union of their subtrees; each row is credited
to every requested code that holds its community (codes may nest)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import holders, subtrees_q

from .models import DELIVERY, Evaluation, FundingLine, FundingSource, Need, NeedStatus, Project, Spend

SOURCES = tuple(FundingSource.values)


@dataclass
class _Tally:
    needs: int = 0
    converted: int = 0
    allocated: dict = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    spent: dict = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    accepted: int = 0
    on_time: int = 0
    scores: list = field(default_factory=list)


def _bounds(start: dt.date, end: dt.date):
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time()), zone),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), zone))


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    if not unit_codes:
        return {}
    codes = list(dict.fromkeys(unit_codes))
    holding = holders(codes)
    tallies = {code: _Tally() for code in codes}
    since, until = _bounds(start, end)
    where = subtrees_q("community__code", codes)

    needs = (Need.objects.filter(where, created_at__gte=since, created_at__lt=until).order_by()
             .values_list("community__code")
             .annotate(n=Count("pk"), converted=Count("pk", filter=Q(status=NeedStatus.IN_PROJECT))))
    for community, n, converted in needs:
        for code in holding(community):
            tallies[code].needs += n
            tallies[code].converted += converted

    def decided(path):
        """The project at ``path`` was approved in the period."""
        return Q(**{f"{path}__status__in": DELIVERY, f"{path}__decided_at__gte": since, f"{path}__decided_at__lt": until})

    lines = (FundingLine.objects.filter(subtrees_q("project__community__code", codes), decided("project")).order_by()
             .values_list("project__community__code", "source").annotate(total=Sum("allocated")))
    for community, source, total in lines:
        for code in holding(community):
            tallies[code].allocated[source] += total
    spends = (Spend.objects.filter(subtrees_q("line__project__community__code", codes), decided("line__project"),
                                   at__lt=until)
              .order_by().values_list("line__project__community__code", "line__source").annotate(total=Sum("amount")))
    for community, source, total in spends:
        for code in holding(community):
            tallies[code].spent[source] += total

    accepted = (Project.objects.filter(where, accepted_at__gte=since, accepted_at__lt=until)
                .values_list("community__code", "accepted_at", "planned_end"))
    for community, accepted_at, planned_end in accepted:
        on_time = timezone.localtime(accepted_at).date() <= planned_end
        for code in holding(community):
            tallies[code].accepted += 1
            tallies[code].on_time += on_time

    scores = (Evaluation.objects.filter(subtrees_q("project__community__code", codes), at__gte=since, at__lt=until)
              .values_list("project__community__code", "score"))
    for community, score in scores:
        for code in holding(community):
            tallies[code].scores.append(score)
    return {code: _figures(tallies[code]) for code in codes}


def _figures(tally: _Tally) -> dict:
    scores = tally.scores
    allocated, spent = float(sum(tally.allocated.values())), float(sum(tally.spent.values()))
    figures = {
        "needs_listed": tally.needs,
        "needs_in_projects": tally.converted,
        "needs_conversion": _share(tally.converted, tally.needs),
        "funds_allocated": allocated,
        "funds_spent": spent,
        "funds_spent_share": _share(spent, allocated),
        "projects_accepted": tally.accepted,
        "projects_on_time": _share(tally.on_time, tally.accepted),
        "evaluations": len(scores),
        "satisfaction_mean": round(sum(scores) / len(scores), 2) if scores else None,
        "satisfaction_share": _share(sum(1 for s in scores if s >= 4), len(scores)),
    }
    for source in SOURCES:
        figures[f"allocated_{source}"] = float(tally.allocated[source])
        figures[f"spent_{source}"] = float(tally.spent[source])
    return figures


def _source_figures():
    for source in FundingSource:
        yield Figure(f"allocated_{source.value}", format_lazy(_("Allocated: {source}"), source=source.label), "count",
                     _("Yuan allocated from this source to projects approved in the period."))
        yield Figure(f"spent_{source.value}", format_lazy(_("Spent: {source}"), source=source.label), "count",
                     _("Yuan of those allocations spent by the period's end."))


FIGURE_SET = FigureSet(
    key="microprojects",
    label=_("Micro-projects"),
    order=60,
    compute=compute,
    headline=("needs_conversion", "projects_on_time", "satisfaction_share"),
    figures=(
        Figure("needs_listed", _("Needs listed"), "count", _("Needs added to the needs lists in the period.")),
        Figure("needs_in_projects", _("Needs taken into projects"), "count",
               _("Of the needs listed in the period, those now in a project.")),
        Figure("needs_conversion", _("Needs → projects conversion"), "share",
               _("Needs taken into projects ÷ needs listed, of the needs listed in the period.")),
        Figure("funds_allocated", _("Funds allocated (yuan)"), "count",
               _("Yuan allocated to projects approved in the period, all sources.")),
        Figure("funds_spent", _("Funds spent (yuan)"), "count",
               _("Yuan of those allocations spent by the period's end.")),
        Figure("funds_spent_share", _("Share of funds spent"), "share", _("Funds spent ÷ funds allocated.")),
        *_source_figures(),
        Figure("projects_accepted", _("Projects accepted"), "count", _("Projects accepted (验收) in the period.")),
        Figure("projects_on_time", _("Projects delivered on time"), "share",
               _("Projects accepted in the period by their planned end date ÷ projects accepted in the period.")),
        Figure("evaluations", _("Residents' evaluations"), "count", _("Households' evaluations given in the period.")),
        Figure("satisfaction_mean", _("Mean evaluation score"), "mean",
               _("Mean score (1–5) of the evaluations given in the period.")),
        Figure("satisfaction_share", _("Residents satisfied"), "share",
               _("Evaluations scoring 4 or 5 ÷ all evaluations given in the period.")),
    ),
)
