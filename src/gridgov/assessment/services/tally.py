"""Keeping the tallies up to date as cases move, and rebuilding them from the cases.

Every change to a case ends in a timeline entry, and the journal calls :func:`on_case_recorded`
inside the change's transaction (``journal.on_record``: the tallies commit or roll back with the
case); it recomputes the case's contribution, adds the difference from what it last contributed to
the tallies and remembers the new one — so the tallies always equal the sum of every case's
current contribution, which is what ``plain`` computes from the cases.
"""
import threading
from collections import defaultdict
from contextlib import contextmanager

from django.db import transaction

from gridgov.cases.models import Assignment, Case, Dispatch, WhistleCall
from gridgov.core import counters

from ..measures import Key, contributions
from ..models import CaseTally, MonthTally, Tally

KEY_FIELDS = ("day", "unit_code", "category_id", "department_id", "worker_id")
MONTH_FIELDS = ("month", "unit_code", "department_id")


_deferred = threading.local()


def on_case_recorded(subject, new, **kwargs) -> None:
    if getattr(_deferred, "district", None) != subject.district_code:
        refresh(subject, reported=new)


@contextmanager
def deferred(district_code: str):
    """Bulk mode for one district in this thread: cases change without touching the tallies, which
    are rebuilt once at the end (the demo generator replays thousands of cases this way)."""
    previous = getattr(_deferred, "district", None)
    _deferred.district = district_code
    try:
        yield
    finally:
        _deferred.district = previous
    rebuild(district_code)


def _encode(rows: dict[Key, dict[str, int]]) -> list:
    return [[*key, counts] for key, counts in sorted(rows.items())]


def _decode(rows: list) -> dict[Key, dict[str, int]]:
    return {tuple(row[:5]): row[5] for row in rows}


def diff(old: dict[Key, dict[str, int]], new: dict[Key, dict[str, int]]) -> dict[Key, dict[str, int]]:
    """What to add to the tallies to go from ``old`` to ``new`` (zero changes left out)."""
    out: dict[Key, dict[str, int]] = {}
    for key in old.keys() | new.keys():
        before, after = old.get(key, {}), new.get(key, {})
        change = {m: after.get(m, 0) - before.get(m, 0) for m in before.keys() | after.keys()}
        change = {m: n for m, n in change.items() if n}
        if change:
            out[key] = change
    return out


def refresh(case, reported: bool = False) -> None:
    """Bring the tallies in line with the case's current state (call inside its transaction).
    ``reported``: the case was just reported, so it has contributed nothing yet (nothing to read)."""
    fact = None if reported else CaseTally.objects.filter(district_code=case.district_code, case_id=case.pk).first()
    new = contributions(case)
    old = _decode(fact.rows) if fact else {}
    apply(case.district_code, diff(old, new))
    if fact is None:
        CaseTally.objects.create(case_id=case.pk, district_code=case.district_code, rows=_encode(new))
    elif old != new:
        fact.rows = _encode(new)
        fact.save(update_fields=["rows"])


def month_key(key: Key) -> tuple:
    """The rollup's key for a tally key: (first day of the month, unit code, department)."""
    return (key[0][:8] + "01", key[1], key[3])


def roll_up(rows: dict[Key, dict[str, int]]) -> dict[tuple, dict[str, int]]:
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, counts in rows.items():
        for m, n in counts.items():
            out[month_key(key)][m] += n
    return {key: {m: n for m, n in counts.items() if n} for key, counts in out.items()}


def apply(district_code: str, changes: dict[Key, dict[str, int]]) -> None:
    """Add ``changes`` to the tallies and to their monthly rollup."""
    for key, counts in sorted(changes.items()):
        _add(Tally, KEY_FIELDS, district_code, key, counts)
    for key, counts in sorted(roll_up(changes).items()):
        if counts:
            _add(MonthTally, MONTH_FIELDS, district_code, key, counts)


def _add(model, fields, district_code: str, key: tuple, counts: dict[str, int]) -> None:
    """Add ``counts`` to one row, inserted when its key is new (one upsert). Keys are taken in
    sorted order so that two transactions touching the same rows lock them in the same order."""
    counters.add(model, {"district_code": district_code, **dict(zip(fields, key))}, counts)


@transaction.atomic
def rebuild(district_code: str, progress=None, chunk: int = 2000) -> int:
    """Recompute a district's tallies from its cases (after an import or a change of definitions).
    Returns the number of tally rows written; ``progress(done, total)`` is called per chunk."""
    Tally.objects.filter(district_code=district_code).delete()
    MonthTally.objects.filter(district_code=district_code).delete()
    CaseTally.objects.filter(district_code=district_code).delete()
    cases = Case.objects.filter(district_code=district_code).select_related("unit").order_by("pk")
    total, done = cases.count(), 0
    sums: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    last = 0
    while True:
        batch = list(cases.filter(pk__gt=last)[:chunk])
        if not batch:
            break
        last = batch[-1].pk
        ids = [c.pk for c in batch]
        assignments, calls, dispatches = defaultdict(list), defaultdict(list), defaultdict(list)
        for a in Assignment.objects.filter(district_code=district_code, case__in=ids):
            assignments[a.case_id].append(a)
        for d in Dispatch.objects.filter(district_code=district_code, case__in=ids):
            dispatches[d.case_id].append(d)
        for row in WhistleCall.objects.filter(whistle__case__in=ids).values_list(
                "whistle__case", "whistle__at", "department", "reported_at", "late", "missed"):
            calls[row[0]].append(row[1:])
        facts = []
        for case in batch:
            rows = contributions(case, assignments[case.pk], calls[case.pk], dispatches[case.pk])
            for key, counts in rows.items():
                for m, n in counts.items():
                    sums[key][m] += n
            facts.append(CaseTally(case_id=case.pk, district_code=district_code, rows=_encode(rows)))
        CaseTally.objects.bulk_create(facts)
        done += len(batch)
        if progress:
            progress(done, total)
    Tally.objects.bulk_create([Tally(district_code=district_code, **dict(zip(KEY_FIELDS, key)), **counts)
                               for key, counts in sums.items()], batch_size=2000)
    MonthTally.objects.bulk_create([MonthTally(district_code=district_code, **dict(zip(MONTH_FIELDS, key)), **counts)
                                    for key, counts in roll_up(sums).items()], batch_size=2000)
    return len(sums)
