"""The same counts as the tallies, computed straight from the case tables with GROUP BY.

Used to check the tallies (tests and ``bench/assessment.py``), never on a page: it scans every case
of the period. Each group of counts filters on its own event time, as ``measures`` attributes it.
"""
from collections import defaultdict

from django.db.models import Case as DbCase
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Substr

from gridgov.cases.models import Assignment, AssignmentStatus, Case, Dispatch, DispatchEnd, Status, WhistleCall
from gridgov.structure.codes import KIND_LENGTHS, subtree_q

from ..measures import ACK_BUCKETS, BUCKET_HOURS, CLOSE_BUCKETS, LEVEL_MEASURES, MEASURES, SATISFIED
from .periods import Period
from .totals import Subject


def _count(q=None):
    return Count("pk", filter=q)


def _sum(field, q=None):
    return Coalesce(Sum(field, filter=q), 0)


def _buckets(field: str, names: list[str]) -> dict:
    bounds = [0, *(h * 3600 for h in BUCKET_HOURS)]
    out = {}
    for index, name in enumerate(names):
        q = Q(**{f"{field}__isnull": False})
        if index:
            q &= Q(**{f"{field}__gt": bounds[index]})
        if index < len(BUCKET_HOURS):
            q &= Q(**{f"{field}__lte": bounds[index + 1]})
        out[name] = _count(q)
    return out


def _lead_department():
    active_lead = Assignment.objects.filter(case=OuterRef("pk"), lead=True, status__in=AssignmentStatus.ACTIVE)
    return Coalesce(Subquery(active_lead.values("department_id")[:1]), 0, output_field=IntegerField())


def _case_groups() -> list[tuple[str, Q, dict]]:
    """(time field, extra filter, aggregates) for each group of case-level counts."""
    closed = Q(status=Status.CLOSED)
    return [
        ("accepted_at", Q(), {"accepted": _count(), "closed": _count(closed)}),
        ("closed_at", closed, {
            "closures": _count(), "closed_on_time": _count(Q(closed_on_time=True)),
            "reopened": _count(Q(reopen_count__gt=0)),
            **{name: _count(Q(level=level)) for level, name in LEVEL_MEASURES.items()},
            "close_seconds": _sum("close_seconds"), **_buckets("close_seconds", CLOSE_BUCKETS)}),
        ("rated_at", ~Q(rating=""), {"rated": _count(), "satisfied": _count(Q(rating__in=SATISFIED))}),
    ]


def _dispatch_aggregates() -> dict:
    """Each dispatch's counts (``measures.dispatch_counts``) summed over dispatch records."""
    acked = Q(acknowledged_at__isnull=False)
    return {
        "dispatches": _count(), "returns": _count(Q(end=DispatchEnd.RETURNED)), "reworks": _sum("reworks"),
        "handlings": _sum("reworks") + _count(Q(handled_at__isnull=False)),
        "response_due": _count(acked | Q(response_missed=True)),
        "response_on_time": _count(acked & Q(response_due__isnull=False) & Q(acknowledged_at__lte=F("response_due"))),
        "acks": _count(acked & Q(ack_seconds__isnull=False)),
        "ack_seconds": _sum("ack_seconds", acked), **_buckets("ack_seconds", ACK_BUCKETS)}


def _credited(user_field: str, reporter_field: str):
    """``user_field``, or nobody when that user reported the case (``measures.credited``)."""
    return DbCase(When(**{user_field: F(reporter_field)}, then=Value(None, output_field=IntegerField())),
                  default=F(user_field), output_field=IntegerField())


def plain_sums(district_code: str, period: Period, subject: Subject = Subject(), by: str | None = None) -> dict:
    """Counts as ``totals.sums`` returns them, from the cases, assignments and whistle calls."""
    start, end = period.bounds()
    out: dict = defaultdict(lambda: defaultdict(int))
    cases = Case.objects.filter(district_code=district_code)
    if subject.within and len(subject.within) > 6:
        cases = cases.filter(subtree_q("unit__code", subject.within))
    if subject.category:
        cases = cases.filter(category_id=subject.category)
    unit_key = Substr("unit__code", 1, KIND_LENGTHS[by]) if by in KIND_LENGTHS else None

    def collect(rows, key_expr, aggregates):
        _group(rows, key_expr, aggregates, out, skip_zero_key=by in ("department", "worker"))

    def key_for(worker_field: str, department_expr):
        return {None: None, "department": department_expr, "worker": Coalesce(worker_field, 0)}.get(by, unit_key)

    # Reports: attributed to whoever reported, never to a department.
    if not subject.department:
        rows = cases.filter(reported_at__gte=start, reported_at__lt=end)
        if subject.worker:
            rows = rows.filter(reported_by_id=subject.worker)
        collect(rows, key_for("reported_by_id", Value(0)),
                {"reported": _count(),
                 "decided": _count(Q(accepted_at__isnull=False) | Q(status__in=Status.TURNED_AWAY)),
                 "rejected": _count(Q(status=Status.REJECTED))})

    # The handler is credited only with cases someone else reported (``measures.credited_handler``).
    handled = cases.exclude(status=Status.MERGED).annotate(lead_department=_lead_department(),
                                                           credited=_credited("handler_user_id", "reported_by_id"))
    if subject.department:
        handled = handled.filter(lead_department=subject.department)
    if subject.worker:
        handled = handled.filter(credited=subject.worker)
    for field, extra, aggregates in _case_groups():
        rows = handled.filter(extra, **{f"{field}__gte": start, f"{field}__lt": end})
        collect(rows, key_for("credited", F("lead_department")), aggregates)

    # Each dispatch: charged to its own target (its person or acknowledging worker, its department).
    sent = Dispatch.objects.filter(case__in=cases.exclude(status=Status.MERGED).values("pk"),
                                   sent_at__gte=start, sent_at__lt=end) \
        .annotate(credited=_credited("user_id", "case__reported_by_id"), unit_code=F("case__unit__code"))
    if subject.department:
        sent = sent.filter(department_id=subject.department)
    if subject.worker:
        sent = sent.filter(credited=subject.worker)
    dispatch_unit_key = Substr("unit_code", 1, KIND_LENGTHS[by]) if by in KIND_LENGTHS else None
    collect(sent, {None: None, "department": Coalesce("department_id", 0),
                   "worker": Coalesce("credited", 0)}.get(by, dispatch_unit_key), _dispatch_aggregates())

    if not subject.worker:
        _assignment_and_call_sums(cases, subject, start, end, by, unit_key, out)
    if not by:
        return {m: out[""].get(m, 0) for m in MEASURES}
    # Like the tallies, a group is only there when something was counted for it.
    return {k: {m: v.get(m, 0) for m in MEASURES} for k, v in sorted(out.items()) if any(v.values())}


def _assignment_and_call_sums(cases, subject, start, end, by, unit_key, out) -> None:
    """Lead assignments and whistle calls: counted for their department, never for a worker."""
    live = cases.exclude(status=Status.MERGED).values("pk")
    sources = [
        (Assignment.objects.filter(lead=True, case__in=live, dispatched_at__gte=start, dispatched_at__lt=end),
         "case__unit__code", {"lead_assignments": Count("pk"),
                              "lead_returns": Count("pk", filter=Q(status=AssignmentStatus.RETURNED))}),
        (WhistleCall.objects.filter(whistle__case__in=live, whistle__at__gte=start, whistle__at__lt=end),
         "whistle__case__unit__code",
         {"calls_due": Count("pk", filter=Q(reported_at__isnull=False) | Q(missed=True)),
          "calls_on_time": Count("pk", filter=Q(reported_at__isnull=False, late=False))}),
    ]
    for rows, unit_path, aggregates in sources:
        if subject.department:
            rows = rows.filter(department_id=subject.department)
        if by == "department":
            key = F("department_id")
        elif by in KIND_LENGTHS:
            key = Substr(unit_path, 1, KIND_LENGTHS[by])
        elif by == "worker":
            continue
        else:
            key = None
        _group(rows, key, aggregates, out)


def _group(rows, key_expr, aggregates, out, skip_zero_key=False) -> None:
    """Add the aggregates of ``rows``, grouped by ``key_expr`` (or all together under "")."""
    aliased = {f"n_{m}": expr for m, expr in aggregates.items()}  # "response_due" is also a case field
    if key_expr is None:
        grouped = [{"key": "", **rows.aggregate(**aliased)}]
    else:
        grouped = rows.annotate(key=key_expr).values("key").annotate(**aliased).order_by("key")
    for row in grouped:
        key = row.pop("key")
        if skip_zero_key and not key:
            continue
        for m, n in row.items():
            out[key][m[2:]] += n or 0

