"""The volunteering figures (``core.figures`` key ``volunteering``); each is defined in
docs/volunteering.md and tested against a number worked out by hand."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure import codes
from gridgov.structure.codes import KIND_LENGTHS, subtrees_q

from .models import (
    DEFAULT_TARGET,
    DONE_ORDER,
    OPEN_ORDER,
    OrderStatus,
    ServiceOrder,
    ServiceRecord,
    Volunteer,
    VolunteeringSettings,
    VolunteerStatus,
)

ACTIVE_DAYS = 90
COMMUNITY_LENGTH = KIND_LENGTHS["community"]


class _Subtrees:
    """The requested units' subtrees, read together so that a compute costs the same few queries
    whether the board asks for one unit or ninety: each figure family is one query over the union of
    the subtrees, and each row it returns is credited in Python to every requested code that holds
    it — codes may nest (a district asked with its streets), so one row may count for several.

    Which code holds a row: a code of a community or above by the row's
    community, a grid or micro-grid by the person's home."""

    def __init__(self, codes: Sequence[str]):
        self.codes = list(dict.fromkeys(codes))
        self.wanted = set(self.codes)
        self.lengths = sorted({len(code) for code in self.codes})

    def q(self, community_path: str, home_path: str | None = None) -> Q:
        """The union of the subtrees (every code by ``community_path`` when ``home_path`` is None).
        A code inside another one read by the same column adds nothing, so it is left out of the SQL."""
        if home_path is None:
            by_community, by_home = self.codes, []
        else:
            by_community = [code for code in self.codes if len(code) <= COMMUNITY_LENGTH]
            by_home = [code for code in self.codes if len(code) > COMMUNITY_LENGTH]
        return subtrees_q(community_path, by_community) | subtrees_q(home_path or community_path, by_home)

    def holding(self, community_code: str, home_code: str | None = None) -> list[str]:
        """The requested codes whose subtree holds a row of this community and home (a row with a
        single place passes only ``community_code``): at most one code per requested length."""
        found = []
        for length in self.lengths:
            place = community_code if home_code is None or length <= COMMUNITY_LENGTH else home_code
            if len(place) >= length and place[:length] in self.wanted:
                found.append(place[:length])
        return found


@dataclass
class _Tally:
    """What one unit's figures are worked out from, gathered row by row."""

    residents: int = 0
    registered: int = 0
    minutes: int = 0
    party_minutes: int = 0
    active: set = field(default_factory=set)          # people with a service in the last 90 days
    placed: list = field(default_factory=list)        # statuses of the orders placed in the period
    dispatched: list = field(default_factory=list)    # (ordered_at, dispatched_at), dispatched in it
    taken: list = field(default_factory=list)         # (dispatched_at, taken_at), taken in it
    takers: dict = field(default_factory=dict)        # taker's person → party member, taken in it
    ratings: list = field(default_factory=list)       # ratings given in it


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
    """Five queries whatever the number of codes: residents, volunteers, service records, orders and
    the districts' targets, each over the union of the subtrees (see ``_Subtrees``)."""
    from gridgov.people.models import Person

    if not unit_codes:
        return {}
    subtrees = _Subtrees(unit_codes)
    tallies = {code: _Tally() for code in subtrees.codes}
    since, until = _bounds(start, end)

    residents = (Person.objects.filter(subtrees.q("unit__code")).order_by()
                 .values_list("unit__code").annotate(n=Count("pk")))
    for home, n in residents:
        for code in subtrees.holding(home):
            tallies[code].residents += n

    volunteers = (Volunteer.objects.filter(subtrees.q("community__code", "person__unit__code"),
                                           status=VolunteerStatus.REGISTERED, active=True, registered_on__lte=end)
                  .order_by().values_list("community__code", "person__unit__code").annotate(n=Count("pk")))
    for community, home, n in volunteers:
        for code in subtrees.holding(community, home):
            tallies[code].registered += n

    # One pass over the records serves the period's minutes and the 90 days' active volunteers.
    in_period, recent = Q(day__gte=start), Q(day__gt=end - dt.timedelta(days=ACTIVE_DAYS))
    records = (ServiceRecord.objects.filter(subtrees.q("community__code", "person__unit__code"),
                                            in_period | recent, day__lte=end)
               .order_by().values_list("community__code", "person__unit__code", "person", "person__is_party_member")
               .annotate(minutes=Sum("minutes", filter=in_period), recent=Count("pk", filter=recent)))
    for community, home, person, party, minutes, served_lately in records:
        for code in subtrees.holding(community, home):
            tally = tallies[code]
            tally.minutes += minutes or 0
            tally.party_minutes += (minutes or 0) if party else 0
            if served_lately:
                tally.active.add(person)

    # One pass over the orders that moved in the period: placed, first dispatched, taken or rated.
    def during(field_name):
        return Q(**{f"{field_name}__gte": since, f"{field_name}__lt": until})

    orders = (ServiceOrder.objects.filter(subtrees.q("community__code", "resident__unit__code"))
              .filter(during("ordered_at") | during("dispatched_at") | during("taken_at") | during("rated_at"))
              .order_by().values_list("community__code", "resident__unit__code", "status", "ordered_at",
                                      "dispatched_at", "taken_at", "taker__person", "taker__person__is_party_member",
                                      "rating", "rated_at"))
    for community, home, status, ordered, dispatched, taken, taker, party, rating, rated in orders:
        for code in subtrees.holding(community, home):
            tally = tallies[code]
            if ordered and since <= ordered < until:
                tally.placed.append(status)
            if dispatched and since <= dispatched < until:
                tally.dispatched.append((ordered, dispatched))
            if taken and since <= taken < until:
                tally.taken.append((dispatched, taken))
                tally.takers[taker] = party
            if rated and since <= rated < until:
                tally.ratings.append(rating)

    districts = {codes.prefix(code, "district") for code in subtrees.codes} - {None}
    targets = dict(VolunteeringSettings.objects.filter(district_code__in=districts)
                   .values_list("district_code", "registration_target"))
    return {code: _figures(tallies[code], targets.get(codes.prefix(code, "district"), DEFAULT_TARGET))
            for code in subtrees.codes}


def _figures(tally: _Tally, target) -> dict:
    """One unit's figures from its tally (definitions in docs/volunteering.md)."""
    minutes, registered, residents, placed = tally.minutes, tally.registered, tally.residents, tally.placed
    refused = placed.count(OrderStatus.REFUSED)
    cancelled = placed.count(OrderStatus.CANCELLED)
    done = sum(1 for s in placed if s in DONE_ORDER)
    return {
        "registration_rate": _share(registered, residents),
        "registration_target": float(target),
        "registered_volunteers": registered,
        "active_volunteers": len(tally.active),
        "verified_hours": round(minutes / 60, 2),
        "hours_per_volunteer": round(minutes / 60 / registered, 2) if registered else None,
        "hours_per_100_residents": round(minutes / 60 / residents * 100, 2) if residents else None,
        "orders_placed": len(placed),
        "orders_open": sum(1 for s in placed if s in OPEN_ORDER),
        "orders_done": done,
        "orders_refused": refused,
        "orders_cancelled": cancelled,
        "mean_minutes_to_dispatch": _mean_minutes(tally.dispatched),
        "mean_minutes_to_take": _mean_minutes(tally.taken),
        "completion_rate": _share(done, len(placed) - refused - cancelled),
        "satisfaction": _share(sum(1 for r in tally.ratings if r >= 4), len(tally.ratings)),
        "party_share_takers": _share(sum(1 for party in tally.takers.values() if party), len(tally.takers)),
        "party_share_hours": _share(tally.party_minutes, minutes),
    }


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
