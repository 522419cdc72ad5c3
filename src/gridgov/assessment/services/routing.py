"""How many resident reports reached someone who handles them without a dispatcher touching them:
the share that proves (or not) that the classifier and the small loop take the routine work off the
street's desk (issue 17).

A **resident report** is a case a resident filed themselves — in the resident app or through an
Open311 app — in the period (by the time it was reported), located in the unit's subtree. It was
**routed without a human** when its first dispatch was the platform's (a timeline entry ``dispatch``
with no actor): the small loop handing it to the grid worker on duty, straight from the words the
resident wrote. A hotline order is not counted: an operator has already read it.
"""
from django.db.models import Count, Exists, OuterRef, Q

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case, Channel, TimelineEntry
from gridgov.structure.codes import subtree_q

from .figures import rate
from .periods import Period

#: The channels residents file through themselves.
RESIDENT_CHANNELS = (Channel.APP, Channel.OPEN311)


def routed_without_a_human(district_code: str, period: Period, within: str) -> dict:
    """``{"reports": n, "routed": k, "share": k / n as a percentage or None}`` in one query."""
    start, end = period.bounds()
    by_platform = TimelineEntry.objects.filter(case=OuterRef("pk"), district_code=district_code,
                                               action=CaseAction.DISPATCH, actor__isnull=True)
    cases = Case.objects.filter(district_code=district_code, channel__in=RESIDENT_CHANNELS,
                                reported_at__gte=start, reported_at__lt=end)
    if len(within) > len(district_code):
        cases = cases.filter(subtree_q("unit__code", within))
    counts = cases.aggregate(reports=Count("pk"), routed=Count("pk", filter=Q(Exists(by_platform))))
    return {**counts, "share": rate(counts["routed"], counts["reports"])}
