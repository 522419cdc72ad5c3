"""Totals read from the tallies, the sums behind every board and figure: for one subject (a unit
subtree, a department, a grid worker) or for a whole board grouped by street, community, grid,
department or worker — optionally for one category — with the previous period beside it."""
from dataclasses import dataclass

from django.db.models import F, Sum
from django.db.models.functions import Substr

from gridgov.structure.codes import KIND_LENGTHS, subtree_q

from ..measures import MEASURES
from ..models import MonthTally, Tally
from . import figures
from .periods import Period

GROUPS = {"street": "unit", "community": "unit", "grid": "unit", "department": "department_id",
          "worker": "worker_id"}


@dataclass(frozen=True)
class Subject:
    """Whose figures: a unit subtree (by code), a department or a user; and optionally a category."""

    within: str | None = None
    department: int | None = None
    worker: int | None = None
    category: int | None = None


def _rows(district_code: str, period: Period, subject: Subject, by: str | None):
    """The tally rows to sum: the monthly rollup when the question needs neither a day, a category
    nor a worker (the boards of a month, quarter or year), the daily tallies otherwise."""
    if period.kind != "day" and period.cut is None and not subject.category and not subject.worker and by != "worker":
        rows = MonthTally.objects.filter(district_code=district_code, month__gte=period.start, month__lt=period.end)
    else:
        rows = Tally.objects.filter(district_code=district_code, day__gte=period.start, day__lt=period.end)
    if subject.within and len(subject.within) > 6:
        rows = rows.filter(subtree_q("unit_code", subject.within))
    if subject.department:
        rows = rows.filter(department_id=subject.department)
    if subject.worker:
        rows = rows.filter(worker_id=subject.worker)
    if subject.category:
        rows = rows.filter(category_id=subject.category)
    return rows


def _sums_expr():
    return {m: Sum(m) for m in MEASURES}


def sums(district_code: str, period: Period, subject: Subject = Subject(), by: str | None = None) -> dict:
    """Summed counts: one dict, or a dict per group key when ``by`` is given. Unit groups are keyed
    by the unit code cut to that level (a case located above it keeps its shorter code)."""
    rows = _rows(district_code, period, subject, by)
    if by is None:
        return {m: n or 0 for m, n in rows.aggregate(**_sums_expr()).items()}
    if GROUPS[by] == "unit":
        rows = rows.annotate(key=Substr("unit_code", 1, KIND_LENGTHS[by]))
    else:
        rows = rows.annotate(key=F(GROUPS[by])).exclude(key=0)
    out = {}
    for row in rows.values("key").annotate(**_sums_expr()).order_by("key"):
        key = row.pop("key")
        if any(row.values()):  # a key whose cases all moved elsewhere keeps a row of zeros
            out[key] = row
    return out


def figures_for(district_code: str, period: Period, subject: Subject = Subject()) -> dict:
    """{"current": figures, "previous": figures, "counts": summed counts} for one subject."""
    department = bool(subject.department)
    now = sums(district_code, period, subject)
    before = sums(district_code, period.comparison(), subject)
    return {"current": figures.compute(now, department), "previous": figures.compute(before, department),
            "counts": now}


def board(district_code: str, period: Period, by: str, subject: Subject = Subject()) -> dict:
    """Every figure for every group (street, community, grid, department or worker) in the period."""
    department = by == "department"
    return {key: {"figures": figures.compute(counts, department), "counts": counts}
            for key, counts in sums(district_code, period, subject, by).items()}
