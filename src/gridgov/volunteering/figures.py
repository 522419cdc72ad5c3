"""The volunteering figures (``core.figures`` key ``volunteering``); each is defined in
docs/volunteering.md and tested against a number worked out by hand."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import subtree_q

from .models import (
    DEFAULT_TARGET,
    DONE_ORDER,
    OPEN_ORDER,
    OrderStatus,
    ServiceOrder,
    ServiceRecord,
    Volunteer,
    VolunteerStatus,
)

ACTIVE_DAYS = 90


def _where(code: str, community_path: str, home_path: str) -> Q:
    """Rows of the subtree of ``code``: by the community they belong to for a community or above,
    by the person's home for a grid or micro-grid (a community's things lie in no single grid)."""
    return subtree_q(community_path if len(code) <= 12 else home_path, code)


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def _mean_minutes(pairs):
    values = [(b - a).total_seconds() / 60 for a, b in pairs if a and b]
    return round(sum(values) / len(values), 1) if values else None


def _bounds(start: dt.date, end: dt.date):
    zone = timezone.get_default_timezone()
    return (timezone.make_aware(dt.datetime.combine(start, dt.time()), zone),
            timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), zone))


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    from gridgov.people.models import Person

    from .services.common import settings_for

    since, until = _bounds(start, end)
    result = {}
    for code in unit_codes:
        residents = Person.objects.filter(subtree_q("unit__code", code)).count()
        volunteers = Volunteer.objects.filter(_where(code, "community__code", "person__unit__code"),
                                              status=VolunteerStatus.REGISTERED, active=True, registered_on__lte=end)
        registered = volunteers.count()
        records = ServiceRecord.objects.filter(_where(code, "community__code", "person__unit__code"))
        period = list(records.filter(day__gte=start, day__lte=end).values_list("minutes", "person__is_party_member"))
        minutes = sum(m for m, _party in period)
        party_minutes = sum(m for m, party in period if party)
        hours = round(minutes / 60, 2)
        active = (records.filter(day__gt=end - dt.timedelta(days=ACTIVE_DAYS), day__lte=end)
                  .values("person").distinct().count())
        orders = ServiceOrder.objects.filter(_where(code, "community__code", "resident__unit__code"))
        placed = list(orders.filter(ordered_at__gte=since, ordered_at__lt=until).values_list("status", flat=True))
        refused = placed.count(OrderStatus.REFUSED)
        cancelled = placed.count(OrderStatus.CANCELLED)
        done = sum(1 for s in placed if s in DONE_ORDER)
        dispatched = orders.filter(dispatched_at__gte=since, dispatched_at__lt=until).values_list("ordered_at",
                                                                                                   "dispatched_at")
        taken = list(orders.filter(taken_at__gte=since, taken_at__lt=until)
                     .values_list("dispatched_at", "taken_at", "taker__person", "taker__person__is_party_member"))
        takers = {person: party for _a, _b, person, party in taken}
        ratings = list(orders.filter(rated_at__gte=since, rated_at__lt=until).values_list("rating", flat=True))
        target = settings_for(code[:6]).registration_target if len(code) >= 6 else DEFAULT_TARGET
        result[code] = {
            "registration_rate": _share(registered, residents),
            "registration_target": float(target),
            "registered_volunteers": registered,
            "active_volunteers": active,
            "verified_hours": hours,
            "hours_per_volunteer": round(minutes / 60 / registered, 2) if registered else None,
            "hours_per_100_residents": round(minutes / 60 / residents * 100, 2) if residents else None,
            "orders_placed": len(placed),
            "orders_open": sum(1 for s in placed if s in OPEN_ORDER),
            "orders_done": done,
            "orders_refused": refused,
            "orders_cancelled": cancelled,
            "mean_minutes_to_dispatch": _mean_minutes(dispatched),
            "mean_minutes_to_take": _mean_minutes((a, b) for a, b, _p, _q in taken),
            "completion_rate": _share(done, len(placed) - refused - cancelled),
            "satisfaction": _share(sum(1 for r in ratings if r >= 4), len(ratings)),
            "party_share_takers": _share(sum(1 for party in takers.values() if party), len(takers)),
            "party_share_hours": _share(party_minutes, minutes),
        }
    return result


FIGURE_SET = FigureSet(
    key="volunteering",
    label=_("Volunteering"),
    order=10,
    compute=compute,
    headline=("registration_rate", "active_volunteers", "completion_rate", "satisfaction"),
    figures=(
        Figure("registration_rate", _("Volunteer registration rate"), "share",
               _("Registered active volunteers ÷ people in the resident registry, as of the period's end."),
               target=float(DEFAULT_TARGET)),
        Figure("registration_target", _("Registration target"), "share",
               # xgettext:no-python-format
               _("The district's target for the registration rate (18% unless the district sets another).")),
        Figure("registered_volunteers", _("Registered volunteers"), "count",
               _("Volunteers registered and active as of the period's end.")),
        Figure("active_volunteers", _("Active volunteers"), "count",
               _("People with a verified service in the 90 days up to the period's end.")),
        Figure("verified_hours", _("Verified hours"), "hours",
               _("Minutes of verified service in the period ÷ 60.")),
        Figure("hours_per_volunteer", _("Verified hours per volunteer"), "hours",
               _("Verified hours ÷ registered volunteers.")),
        Figure("hours_per_100_residents", _("Verified hours per 100 residents"), "hours",
               _("Verified hours ÷ residents × 100.")),
        Figure("orders_placed", _("Orders placed"), "count", _("Service orders placed in the period.")),
        Figure("orders_open", _("Orders still open"), "count",
               _("Orders placed in the period not yet verified, refused or cancelled.")),
        Figure("orders_done", _("Orders served"), "count", _("Orders placed in the period and verified (or rated).")),
        Figure("orders_refused", _("Orders refused"), "count", _("Orders placed in the period and refused.")),
        Figure("orders_cancelled", _("Orders cancelled"), "count",
               _("Orders placed in the period and cancelled by the resident.")),
        Figure("mean_minutes_to_dispatch", _("Mean time to dispatch"), "minutes",
               _("Mean minutes from ordering to the first dispatch or publication, over orders first dispatched in the period.")),
        Figure("mean_minutes_to_take", _("Mean time to take"), "minutes",
               _("Mean minutes from the first dispatch to taking, over orders taken in the period.")),
        Figure("completion_rate", _("Completion rate"), "share",
               _("Orders served ÷ (orders placed − refused − cancelled), of orders placed in the period.")),
        Figure("satisfaction", _("Satisfaction"), "share",
               _("Ratings of 4 or 5 ÷ all ratings given in the period.")),
        Figure("party_share_takers", _("Party members among takers"), "share",
               _("Party members ÷ distinct volunteers who took an order in the period.")),
        Figure("party_share_hours", _("Party members' share of hours"), "share",
               _("Verified minutes served by party members ÷ all verified minutes in the period.")),
    ),
)
