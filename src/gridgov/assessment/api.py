"""The assessment API: figures, boards, rankings and score weights.

Scoped exactly like the pages (``services.reports`` decides): a unit, department or grid worker
outside the caller's reach answers 404, a role that assesses nothing of the kind 403; a period that
is not one, an unknown category or a wrong weight 422 with the reason. Rates are percentages with
one decimal, times working hours, ``null`` for no data (docs/assessment.md defines each figure).
"""
import datetime as dt
from typing import Literal

from ninja import Field, Path, Query, Router, Schema

from gridgov.core.api import errors

from .services import figures as figure_defs
from .services import reports, scoring
from .services.access import access_for, require_admin, unit_in_reach

router = Router(tags=["assessment"])

UNIT_CODE = r"^\d{6,18}$"
CATEGORY_CODE = r"^(\d{2}){1,3}$"
DEPARTMENT_CODE = r"^[-a-zA-Z0-9_]{1,40}$"
PERIOD = Field(None, max_length=10, description="2026-11-23 (day), 2026-11 (month), 2026-Q4 (quarter) or 2026 "
                                                "(year); the current month when left out.")
FIGURE_KEYS = ", ".join(f.key for f in figure_defs.FIGURES)


class PeriodOut(Schema):
    period: str = Field(..., description="The period asked for, e.g. 2026-11.")
    kind: str
    start: dt.date
    end: dt.date = Field(..., description="The last day of the period.")
    previous: str
    compared_with: str = Field(..., description="What the figures' previous values are of: the previous period, "
                               "or while this one runs, as many of its first days (2026-11-01..2026-11-07).")


def _period(period) -> dict:
    return {"period": str(period), "kind": period.kind, "start": period.start,
            "end": period.end - dt.timedelta(days=1), "previous": str(period.previous()),
            "compared_with": str(period.comparison())}


class SubjectOut(Schema):
    kind: str = Field(..., description="unit, department or worker.")
    code: str = Field(..., description="Unit code, department code or username.")
    name: str


class FiguresOut(Schema):
    subject: SubjectOut
    period: PeriodOut
    category: str | None = Field(None, description="The category code the figures are restricted to.")
    current: dict[str, float | None] = Field(..., description=f"Every figure: {FIGURE_KEYS}.")
    previous: dict[str, float | None] = Field(..., description="The same figures for the previous period.")
    score: float | None = Field(..., description="The composite score (0–100) from the district's weights.")
    previous_score: float | None
    grade: str = Field(..., description="A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below; empty without a score.")
    previous_grade: str
    weights: dict[str, int]
    counts: dict[str, int] = Field(..., description="The summed counts the figures come from.")


class FiguresQuery(Schema):
    unit: str | None = Field(None, pattern=UNIT_CODE, description="A unit code: the figures of its subtree.")
    department: str | None = Field(None, pattern=DEPARTMENT_CODE, description="A department code.")
    worker: str | None = Field(None, max_length=150, description="A grid worker's username.")
    period: str | None = PERIOD
    category: str | None = Field(None, pattern=CATEGORY_CODE, description="A category code.")


@router.get("/figures", response={200: FiguresOut, **errors(401, 403, 404, 422)})
def figures(request, query: Query[FiguresQuery]):
    """One subject's figures — a unit (its subtree), a department or a grid worker; by default the
    caller's own unit, department or self — with the previous period, the score and the grade."""
    access = access_for(request.user)
    period = reports.parse_period(query.period)
    category = reports.category_for(query.category)
    target = reports.target_for(request.user, access, unit=query.unit, department=query.department,
                                worker=query.worker)
    view = reports.figures_view(access, target, period, category)
    return {"subject": {"kind": target.kind, "code": target.code, "name": target.name}, "period": _period(period),
            "category": category.code if category else None, "current": view["current"],
            "previous": view["previous"], "score": view["score"], "previous_score": view["previous_score"],
            "grade": view["grade"], "previous_grade": view["previous_grade"], "weights": view["weights"],
            "counts": {key: int(value or 0) for key, value in view["counts"].items()}}


class RowOut(Schema):
    rank: int | None = Field(..., description="1 for the best score (on equal scores, more cases accepted ranks "
                                              "higher; full ties share a rank); null without a score.")
    code: str = Field(..., description="Unit code, department code or username.")
    name: str
    score: float | None
    grade: str
    previous_score: float | None
    previous_grade: str
    list: Literal["red", "black", ""] = Field(..., description="On the red list (红榜), the black list (黑榜), or neither.")
    figures: dict[str, float | None]
    previous: dict[str, float | None]

    @staticmethod
    def resolve_list(obj):
        return obj.on_list


class RankingOut(Schema):
    by: str
    within: SubjectOut = Field(..., description="The unit whose streets, communities, grids, departments or "
                                                "grid workers are listed.")
    period: PeriodOut
    category: str | None
    weights: dict[str, int]
    rows: list[RowOut]
    red: list[str] = Field(..., description="The codes on the red list (红榜): the three best among those "
                                            "graded A or B.")
    black: list[str] = Field(..., description="The codes on the black list (黑榜), worst first: everyone graded D "
                                              "or E, filled up to three with the worst graded C.")


Grouping = Literal["street", "community", "grid", "department", "worker"]


def _ranking(ranking, within, category) -> dict:
    return {"by": ranking.by, "within": {"kind": "unit", "code": within.code, "name": within.short_name},
            "period": _period(ranking.period), "category": category.code if category else None,
            "weights": ranking.weights, "rows": ranking.rows, "red": [row.code for row in ranking.red],
            "black": [row.code for row in ranking.black]}


class BoardQuery(Schema):
    by: Grouping | None = Field(None, description="What to list; the level below the unit when left out.")
    unit: str | None = Field(None, pattern=UNIT_CODE, description="Whose streets, communities, grids or grid "
                                                                  "workers; the caller's own unit by default.")
    period: str | None = PERIOD
    category: str | None = Field(None, pattern=CATEGORY_CODE)


@router.get("/board", response={200: RankingOut, **errors(401, 403, 404, 422)})
def board(request, query: Query[BoardQuery]):
    """Every figure for every street, community, grid, department or grid worker of a unit, in
    code order (``/rankings`` sorts them by score)."""
    access = access_for(request.user)
    within = unit_in_reach(request.user, access, query.unit) if query.unit else None
    by = reports.check_by(access, query.by, within)
    period = reports.parse_period(query.period)
    category = reports.category_for(query.category)
    within = within or access.root
    ranking = reports.ranking(access, period, by, within, category)
    ranking.rows.sort(key=lambda row: str(row.code))
    return _ranking(ranking, within, category)


class RankingsQuery(Schema):
    by: Grouping | None = Field(None, description="What to rank; the level below the caller's unit when left out.")
    period: str | None = PERIOD
    category: str | None = Field(None, pattern=CATEGORY_CODE)


@router.get("/rankings", response={200: RankingOut, **errors(401, 403, 422)})
def rankings(request, query: Query[RankingsQuery]):
    """Everyone of a kind in the caller's reach, best score first, with the red and black lists."""
    access = access_for(request.user)
    by = reports.check_by(access, query.by)
    period = reports.parse_period(query.period)
    category = reports.category_for(query.category)
    return _ranking(reports.ranking(access, period, by, category=category), access.root, category)


class WeightsOut(Schema):
    district: str
    subject: str
    weights: dict[str, int] = Field(..., description="Figure → weight (0–100); only rate figures are weighted.")
    default: bool = Field(..., description="Whether these are the platform's defaults (the district set none).")


class WeightsIn(Schema):
    weights: dict[str, int] = Field(..., description="Figure → whole number 0–100, replacing every weight of "
                                                     "the subject; at least one above 0.")


Subject = Path[Literal["unit", "department", "worker"], {"description": "unit, department or worker."}]


def _weights(district: str, subject: str) -> dict:
    current = scoring.weights(district, subject)
    return {"district": district, "subject": subject, "weights": current,
            "default": current == scoring.DEFAULT_WEIGHTS[subject]}


@router.get("/weights/{subject}", response={200: WeightsOut, **errors(401, 403, 422)})
def get_weights(request, subject: Subject):
    """The caller's district's score weights for units, departments or grid workers."""
    access = access_for(request.user)
    return _weights(access.district_code, subject)


@router.put("/weights/{subject}", response={200: WeightsOut, **errors(400, 401, 403, 422)})
def put_weights(request, subject: Subject, body: WeightsIn):
    """Replace the district's weights (the district administrator only); refused whole when any
    entry is wrong."""
    access = access_for(request.user)
    require_admin(access)
    scoring.set_weights(access.district_code, subject, body.weights)
    return _weights(access.district_code, subject)
