"""Verified service records: making them (with their ledger postings) and the public reads other
apps use (``reportin``'s reports to employers).

:func:`summaries`, :func:`records_of` and their dataclasses are public: keep their signatures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Sum

from gridgov.ledger import services as ledger

from ..models import ServiceRecord
from .common import MINUTES, POINTS, issuance_account, person_account


@dataclass(frozen=True)
class ServiceSummary:
    person_id: int
    services: int  # verified service records in the period
    minutes: int  # their verified minutes
    rated: int  # how many were rated by the resident
    rating_mean: float | None  # mean rating (1–5) of the rated ones


def summaries(person_ids, start: date, end: date) -> dict[int, ServiceSummary]:
    """Each person's verified services from ``start`` to ``end`` inclusive; every id is present
    (with zeros when they served nothing)."""
    ids = [int(pk) for pk in person_ids]
    rows = (ServiceRecord.objects.filter(person__in=ids, day__gte=start, day__lte=end).order_by()
            .values("person").annotate(services=Count("pk"), minutes=Sum("minutes"), rated=Count("rating"),
                                       mean=Avg("rating")))
    found = {row["person"]: row for row in rows}
    result = {}
    for pk in ids:
        row = found.get(pk)
        result[pk] = ServiceSummary(
            person_id=pk, services=row["services"] if row else 0, minutes=int(row["minutes"] or 0) if row else 0,
            rated=row["rated"] if row else 0,
            rating_mean=round(float(row["mean"]), 2) if row and row["mean"] is not None else None)
    return result


@dataclass(frozen=True)
class ServiceLine:
    day: date
    title: str
    community: str
    minutes: int
    rating: int | None


def records_of(person_id: int, start: date, end: date) -> list[ServiceLine]:
    """One person's verified services, oldest first: what was done, where, how long and the rating.
    No resident's name or contact: the title is the menu item's or the activity's."""
    rows = (ServiceRecord.objects.filter(person=person_id, day__gte=start, day__lte=end)
            .select_related("community").order_by("day", "pk"))
    return [ServiceLine(day=r.day, title=r.title, community=r.community.short_name or r.community.name,
                        minutes=r.minutes, rating=r.rating) for r in rows]


def make_record(*, actor, volunteer, community, title: str, day: date, minutes: int, points: int, care: bool,
                order=None, activity=None, minutes_from=None) -> ServiceRecord:
    """Create one verified record and post its points (and, for care, its minutes) — inside the
    caller's transaction. ``minutes_from`` is the resident paying with their time-bank minutes
    (``None``: the district's issuance account)."""
    person = volunteer.person
    record = ServiceRecord.objects.create(
        volunteer=volunteer, person=person, community=community, title=title[:120], day=day, minutes=minutes,
        points=points, deposited_minutes=minutes if care else 0, order=order, activity=activity)
    district = community.district_code
    if points:
        ledger.post([(issuance_account(district, POINTS), -points), (person_account(person, POINTS), points)],
                    key=f"{record.key}:points", memo=f"{title[:150]} · {day}", actor=actor,
                    kind="volunteering.points")
    if care:
        source = person_account(minutes_from, MINUTES) if minutes_from is not None \
            else issuance_account(district, MINUTES)
        ledger.post([(source, -minutes), (person_account(person, MINUTES), minutes)],
                    key=f"{record.key}:minutes", memo=f"{title[:150]} · {day}", actor=actor,
                    kind="volunteering.minutes")
    return record


def person_totals(person, start: date | None = None, end: date | None = None) -> dict:
    rows = ServiceRecord.objects.filter(person=person)
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    agg = rows.aggregate(services=Count("pk"), minutes=Sum("minutes"), points=Sum("points"))
    return {"services": agg["services"], "minutes": int(agg["minutes"] or 0), "points": int(agg["points"] or 0)}
