"""Leading cadres' contact points (领导干部联系点) and each cadre's figures: visits made, walk-ins
received and cases raised from them in a period."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from gridgov.accounts.roles import PARTY_STAFF_ROLES
from gridgov.accounts.scope import may
from gridgov.core import clock, journal

from ..actions import VisitsAction as A
from ..models import ContactPoint, Reception, SetupEntry, Visit, VisitorKind, VisitStatus
from .common import local_day, plain
from .figures_time import bounds


def save_contact_point(actor, *, cadre, title: str, unit, household=None, active: bool = True,
                       point: ContactPoint | None = None) -> ContactPoint:
    """Link a leading cadre to a community, grid or household (the party staff over it)."""
    if household is not None:
        unit = household.building.microgrid
    if unit.kind not in ("community", "grid", "microgrid"):
        raise ValidationError(_("A contact point is a community, a grid or a household."))
    if actor is not None and not may(actor, PARTY_STAFF_ROLES, unit):
        raise PermissionDenied(_("Only the party staff over this place may set its contact points."))
    title = plain(title, _("Post"), 100, required=True)
    with transaction.atomic():
        created = point is None
        point = point or ContactPoint(since=local_day(clock.now()))
        point.cadre, point.title, point.unit, point.household, point.active = cadre, title, unit, household, active
        point.save()
        journal.append(point, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry,
                       data={"cadre": cadre.pk, "unit": unit.code, "household": household.pk if household else None,
                             "active": active})
    return point


def cadre_figures(cadre_ids, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """``{cadre id: {"visits", "receptions", "cases"}}`` over the days ``start``–``end``: visits done
    and walk-ins received as a leading cadre, and the cases filed from either. Three queries."""
    since, until = bounds(start, end)
    out = {pk: {"visits": 0, "receptions": 0, "cases": 0} for pk in cadre_ids}
    visits = (Visit.objects.filter(visitor__in=out, visitor_kind=VisitorKind.LEADING_CADRE, status=VisitStatus.DONE,
                                   visited_at__gte=since, visited_at__lt=until)
              .order_by().values("visitor").annotate(n=Count("pk"), cases=Count("case")))
    for row in visits:
        out[row["visitor"]]["visits"] += row["n"]
        out[row["visitor"]]["cases"] += row["cases"]
    receptions = (Reception.objects.filter(received_by__in=out, visitor_kind=VisitorKind.LEADING_CADRE,
                                           at__gte=since, at__lt=until)
                  .order_by().values("received_by").annotate(n=Count("pk"), cases=Count("case")))
    for row in receptions:
        out[row["received_by"]]["receptions"] += row["n"]
        out[row["received_by"]]["cases"] += row["cases"]
    return out
