"""What each case contributes to the assessment tallies.

A case's contribution is a function of its current row, its dispatch records, its lead department
assignments and its whistle calls: a dict from a *key* — (day, unit code, category, department,
worker) — to counts. Each group of counts is attributed to the day of the event it measures and to
whoever is responsible for it (see docs/assessment.md for every definition):

* report quality (day of report, worker = who reported it): reported, decided (accepted, rejected or
  merged), rejected;
* the acceptance cohort (day of acceptance): accepted, closed;
* each dispatch (day it was sent, charged to its own target — the person, or the grid's worker who
  acknowledged it, and the lead department): dispatches, returns, handlings, reworks, response_due,
  response_on_time, acks, ack_seconds, ack_h*;
* closure (day of closure): closures, closed_on_time, reopened, at_* levels, close_seconds, close_h*;
* rating (day of rating): rated, satisfied;
* whistle calls (day of the whistle, department called): calls_due, calls_on_time;
* lead department assignments (day of that dispatch, that department): lead_assignments, lead_returns.

The case-level groups after the report carry the case's current lead department and its handler
(a dispatch carries its own target) — unless the handler (the target) reported the case themselves
(a patrol find, often closed on the spot): then no worker, so nobody is graded on work they chose,
handled and closed alone; the case still counts for its unit and department, and for the
reporter's report quality. A merged duplicate counts only as a
report: its handling is its master's.

The tallies are kept by adding the difference between a case's new and previous contribution
(``services.tally``); ``services.recount`` computes the same counts straight from the case table.
"""
import datetime as dt
from collections import defaultdict

from django.utils import timezone

from gridgov.cases.models import AssignmentStatus, DispatchEnd, Rating, Status

#: Upper bounds (working hours) of the duration histogram buckets; the last bucket is open.
BUCKET_HOURS = [1, 2, 4, 8, 24, 48, 72, 120, 240, 480, 720]
BUCKETS = len(BUCKET_HOURS) + 1
ACK_BUCKETS = [f"ack_h{i}" for i in range(BUCKETS)]
CLOSE_BUCKETS = [f"close_h{i}" for i in range(BUCKETS)]
LEVEL_MEASURES = {"grid": "at_grid", "community": "at_community", "street": "at_street", "district": "at_district"}

MEASURES = [
    "reported", "decided", "rejected",
    "accepted", "closed", "dispatches", "returns", "handlings", "reworks",
    "response_due", "response_on_time", "acks", "ack_seconds", *ACK_BUCKETS,
    "closures", "closed_on_time", "reopened", *LEVEL_MEASURES.values(), "close_seconds", *CLOSE_BUCKETS,
    "rated", "satisfied",
    "calls_due", "calls_on_time",
    "lead_assignments", "lead_returns",
]
SATISFIED = (Rating.SATISFIED, Rating.BASICALLY)

#: (day, unit code, category id, department id or 0, worker id or 0)
Key = tuple[str, str, int, int, int]


def bucket(seconds: int) -> int:
    """The histogram bucket of a working duration."""
    hours = seconds / 3600
    for index, bound in enumerate(BUCKET_HOURS):
        if hours <= bound:
            return index
    return len(BUCKET_HOURS)


def day_of(moment: dt.datetime) -> str:
    return timezone.localdate(moment).isoformat()


def lead_department_id(assignments) -> int:
    """The department leading the case now: its active lead assignment (0 when none)."""
    for a in assignments:
        if a.lead and a.status in AssignmentStatus.ACTIVE:
            return a.department_id
    return 0


def contributions(case, assignments=None, calls=None, dispatches=None) -> dict[Key, dict[str, int]]:
    """The case's counts by key. ``assignments``, ``calls`` and ``dispatches`` are read when not given."""
    if assignments is None:  # only a dispatched case can have department assignments
        assignments = list(case.own("assignments")) if case.dispatch_count else []
    if dispatches is None:
        dispatches = list(case.own("dispatches")) if case.dispatch_count else []
    if calls is None:
        calls = list(case.whistles.values_list("at", "calls__department", "calls__reported_at", "calls__late",
                                               "calls__missed")) if case.whistled else []
    out: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unit_code = case.unit.code
    category = case.category_id

    def add(moment, department, worker, **counts):
        row = out[(day_of(moment), unit_code, category, department or 0, worker or 0)]
        for name, n in counts.items():
            if n:
                row[name] += int(n)

    add(case.reported_at, 0, case.reported_by_id, reported=1,
        decided=case.accepted_at is not None or case.status in Status.TURNED_AWAY,
        rejected=case.status == Status.REJECTED)
    if case.status == Status.MERGED:
        return _clean(out)
    department, worker = lead_department_id(assignments), credited_handler(case)
    closed = case.status == Status.CLOSED
    if case.accepted_at:
        add(case.accepted_at, department, worker, accepted=1, closed=closed)
    for d in dispatches:
        add(d.sent_at, d.department_id, credited(case, d.user_id), **dispatch_counts(d))
    if closed and case.closed_at:
        counts = {"closures": 1, "closed_on_time": bool(case.closed_on_time), "reopened": case.reopen_count > 0,
                  LEVEL_MEASURES[case.level]: 1}
        if case.close_seconds is not None:
            counts.update(close_seconds=case.close_seconds, **{CLOSE_BUCKETS[bucket(case.close_seconds)]: 1})
        add(case.closed_at, department, worker, **counts)
    if case.rating and case.rated_at:
        add(case.rated_at, department, worker, rated=1, satisfied=case.rating in SATISFIED)
    for at, called, reported_at, late, missed in calls:
        if called is not None:
            add(at, called, 0, calls_due=reported_at is not None or missed,
                calls_on_time=reported_at is not None and not late)
    for a in assignments:
        if a.lead:
            add(a.dispatched_at, a.department_id, 0, lead_assignments=1,
                lead_returns=a.status == AssignmentStatus.RETURNED)
    return _clean(out)


def dispatch_counts(d) -> dict[str, int]:
    """What one dispatch counts for its target: itself, its return, its handlings (each rework and
    the handling that stood), and its response — due once acknowledged or once its limit passed
    unacknowledged, on time when acknowledged by the limit — with the time it took."""
    acked = d.acknowledged_at is not None
    counts = {"dispatches": 1, "returns": d.end == DispatchEnd.RETURNED, "reworks": d.reworks,
              "handlings": d.reworks + (d.handled_at is not None),
              "response_due": acked or d.response_missed,
              "response_on_time": acked and d.response_due is not None and d.acknowledged_at <= d.response_due}
    if acked and d.ack_seconds is not None:
        counts.update(acks=1, ack_seconds=d.ack_seconds, **{ACK_BUCKETS[bucket(d.ack_seconds)]: 1})
    return counts


def credited(case, user_id: int | None) -> int | None:
    """Whom work on the case counts for: ``user_id``, unless they reported the case themselves."""
    return None if user_id == case.reported_by_id else user_id


def credited_handler(case) -> int | None:
    """Who a case's acceptance, closure and rating count for: its handler, unless they reported it."""
    return credited(case, case.handler_user_id)


def _clean(out) -> dict[Key, dict[str, int]]:
    return {key: dict(counts) for key, counts in out.items() if counts}
