"""The visits figures (``core.figures`` key ``visits``); each is defined in docs/visits.md and tested
against a number worked out by hand. Six queries whatever the number of units (``per_subtree``)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import per_subtree

from .models import Outcome, Promise, Reception, Visit, VisitorKind, VisitStatus
from .services.figures_time import bounds
from .services.overdue import overdue_q


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        return {}
    since, until = bounds(start, end)
    end_moment = until - dt.timedelta(microseconds=1)
    in_window = Q(status=VisitStatus.DONE, visited_at__date__gte=F("earliest"), visited_at__date__lte=F("latest"))
    due = per_subtree(Visit.objects.filter(rule__isnull=False, latest__gte=start, latest__lte=end)
                      .exclude(status=VisitStatus.CANCELLED), "unit__code", codes,
                      due=Count("pk"), done=Count("pk", filter=in_window))
    overdue = per_subtree(Visit.objects.filter(overdue_q(Visit, end_moment), created_at__lt=until), "unit__code",
                          codes, n=Count("pk"))
    done = per_subtree(Visit.objects.filter(status=VisitStatus.DONE, visited_at__gte=since, visited_at__lt=until),
                       "unit__code", codes, households=Count("household", distinct=True),
                       cadre=Count("pk", filter=Q(visitor_kind=VisitorKind.LEADING_CADRE)),
                       cadre_cases=Count("case", filter=Q(visitor_kind=VisitorKind.LEADING_CADRE)))
    decided = per_subtree(Promise.objects.filter(decided_at__gte=since, decided_at__lt=until), "unit__code", codes,
                          decided=Count("pk"), kept=Count("pk", filter=Q(outcome=Outcome.KEPT)))
    promises_overdue = per_subtree(Promise.objects.filter(overdue_q(Promise, end_moment), made_at__lt=until),
                                   "unit__code", codes, n=Count("pk"))
    receptions = per_subtree(Reception.objects.filter(at__gte=since, at__lt=until,
                                                      visitor_kind=VisitorKind.LEADING_CADRE),
                             "unit__code", codes, n=Count("pk"), cases=Count("case"))
    return {code: {
        "visits_due": due[code]["due"],
        "visits_done_in_window": due[code]["done"],
        "coverage": _share(due[code]["done"], due[code]["due"]),
        "visits_missed": due[code]["due"] - due[code]["done"],
        "visits_overdue": overdue[code]["n"],
        "households_visited": done[code]["households"],
        "promises_decided": decided[code]["decided"],
        "promises_kept": decided[code]["kept"],
        "promises_kept_rate": _share(decided[code]["kept"], decided[code]["decided"]),
        "promises_overdue": promises_overdue[code]["n"],
        "cadre_visits": done[code]["cadre"],
        "cadre_receptions": receptions[code]["n"],
        "cadre_cases": done[code]["cadre_cases"] + receptions[code]["cases"],
    } for code in codes}


FIGURE_SET = FigureSet(
    key="visits",
    label=_("Visits and promises"),
    order=80,
    compute=compute,
    headline=("coverage", "visits_overdue", "promises_kept_rate", "cadre_visits"),
    figures=(
        Figure("visits_due", _("Planned visits due"), "count",
               _("Planned visits whose window closes in the period, not cancelled.")),
        Figure("visits_done_in_window", _("Planned visits done in their window"), "count",
               _("Of the planned visits due, those done between their earliest and latest dates.")),
        Figure("coverage", _("Visit coverage"), "share",
               _("Planned visits done in their window ÷ planned visits due.")),
        Figure("visits_missed", _("Planned visits missed"), "count",
               _("Planned visits due − those done in their window.")),
        Figure("visits_overdue", _("Overdue visits"), "count",
               _("Visits whose latest date had passed at the period's end, neither done nor cancelled by then.")),
        Figure("households_visited", _("Households visited"), "count",
               _("Distinct households with a visit done in the period.")),
        Figure("promises_decided", _("Promises decided"), "count",
               _("Promises decided kept or not kept in the period.")),
        Figure("promises_kept", _("Promises kept"), "count", _("Promises decided kept in the period.")),
        Figure("promises_kept_rate", _("Promises kept rate"), "share",
               _("Promises kept ÷ promises decided in the period.")),
        Figure("promises_overdue", _("Overdue promises"), "count",
               _("Promises whose due date had passed at the period's end, not decided by then.")),
        Figure("cadre_visits", _("Leading cadres' visits"), "count",
               _("Visits done in the period by leading cadres.")),
        Figure("cadre_receptions", _("Leading cadres' receptions"), "count",
               _("Walk-ins received in the period by leading cadres.")),
        Figure("cadre_cases", _("Cases raised by leading cadres"), "count",
               _("Cases filed from leading cadres' visits and receptions of the period.")),
    ),
)
