"""Rankings: every street, community, grid, department or grid worker in reach, with its figures,
composite score and grade, best first, and the red and black lists (the rules: :mod:`.reports`)."""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.catalogue.models import Category
from gridgov.structure.codes import KIND_LENGTHS, subtree_q
from gridgov.structure.models import Unit, UnitKind

from . import figures as figure_defs
from . import scoring
from .access import Access, departments_in_reach, workers_in
from .cells import Change, change, show
from .periods import Period
from .targets import display_name
from .totals import Subject, board

UNIT_GROUPS = ("street", "community", "grid")
GROUPINGS = (*UNIT_GROUPS, "department", "worker")
GROUPING_LABELS = {
    "street": gettext_lazy("Streets / towns"),
    "community": gettext_lazy("Communities / villages"),
    "grid": gettext_lazy("Grids"),
    "department": gettext_lazy("Departments"),
    "worker": gettext_lazy("Grid workers"),
}


#: The figures each kind of subject is shown with in rankings and report tables (the workbook has all).
COLUMNS = {
    "unit": ["response_rate", "closure_rate", "on_time_rate", "satisfaction_rate", "return_rate", "rework_rate",
             "reopen_rate", "within_grid", "within_community", "close_mean_hours"],
    "department": ["response_rate", "closure_rate", "on_time_rate", "satisfaction_rate", "return_rate",
                   "rework_rate", "whistle_on_time_rate", "close_mean_hours"],
    "worker": ["valid_report_rate", "response_rate", "closure_rate", "on_time_rate", "satisfaction_rate",
               "rework_rate", "ack_mean_hours"],
}
RED_BLACK = 3  # the red list's length, and what the black list is filled up to


def scoring_subject(by: str) -> str:
    """Which weights score a grouping: "unit", "department" or "worker"."""
    return "unit" if by in UNIT_GROUPS else by


# -- rankings ----------------------------------------------------------------------------------
@dataclass
class Row:
    """One subject of a ranking or a board."""

    key: object  # what the tallies group by: unit code, department id, user id
    code: str  # unit code, department code, username
    name: str
    figures: dict
    previous: dict
    score: float | None
    previous_score: float | None
    counts: dict
    rank: int | None = None
    on_list: str = ""  # "red", "black" or ""

    @property
    def grade(self) -> str:
        return scoring.grade(self.score)

    @property
    def previous_grade(self) -> str:
        return scoring.grade(self.previous_score)

    @property
    def score_text(self) -> str:
        return show("score", self.score)

    @property
    def change(self) -> Change:
        return change("score", self.score, self.previous_score)

    def cells(self, keys) -> list[tuple[str, str]]:
        return [(key, show(key, self.figures.get(key))) for key in keys]


@dataclass
class Ranking:
    by: str
    period: Period
    weights: dict[str, int]
    rows: list[Row]
    red: list[Row] = field(default_factory=list)
    black: list[Row] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(GROUPING_LABELS[self.by])

    @property
    def scoring(self) -> str:
        return scoring_subject(self.by)

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(key, str(figure_defs.BY_KEY[key].label)) for key in COLUMNS[self.scoring]]

    def table(self) -> list[tuple[Row, list[tuple[str, str]]]]:
        """Each row with its shown figures (``columns``), for a template."""
        keys = COLUMNS[self.scoring]
        return [(row, row.cells(keys)) for row in self.rows]

    @property
    def scored(self) -> list[Row]:
        return [row for row in self.rows if row.score is not None]

    def chart(self) -> dict:
        scored = self.scored
        return {"label": _("Composite score"), "names": [row.name for row in scored],
                "scores": [row.score for row in scored],
                "grades": [row.grade for row in scored], "lists": [row.on_list for row in scored]}


def by_choices(access: Access, within: Unit | None = None) -> list[str]:
    """The groupings the user may rank: the unit levels below ``within`` (default their root),
    departments for the district, grid workers for anyone assessing units."""
    within = within or access.root
    if within is None:
        return []
    out = [kind for kind in UNIT_GROUPS if KIND_LENGTHS[kind] > len(within.code)]
    if access.all_departments and within.kind == UnitKind.DISTRICT:
        out.append("department")
    out.append("worker")
    return out


def check_by(access: Access, by: str | None, within: Unit | None = None) -> str:
    """The grouping asked for, or the first the user may rank; 400 for nonsense, 403 for one the
    user's role does not rank."""
    allowed = by_choices(access, within)
    if not allowed:
        raise PermissionDenied(_("Rankings are for district, street, community and grid staff."))
    if not by:
        return allowed[0]
    if by not in GROUPINGS:
        raise ValidationError(_("Rank by street, community, grid, department or worker."), code="by")
    if by not in allowed:
        raise PermissionDenied(_("You cannot rank %(what)s from here.") % {"what": GROUPING_LABELS[by]})
    return by


def _members(access: Access, by: str, within: Unit) -> list[tuple[object, str, str]]:
    """Every subject of the grouping in reach, as (tally key, code, name)."""
    if by in UNIT_GROUPS:
        units = Unit.objects.filter(kind=by).filter(subtree_q("code", within.code)).order_by("code")
        return [(u.code, u.code, u.short_name) for u in units.only("code", "short_name")]
    if by == "department":
        return [(d.pk, d.code, d.short_name) for d in departments_in_reach(access).order_by("code")]
    return [(u.pk, u.get_username(), display_name(u)) for u in workers_in(access, within)]


def ranking(access: Access, period: Period, by: str, within: Unit | None = None,
            category: Category | None = None) -> Ranking:
    """Every subject of the grouping in ``within`` (default the user's root), best score first."""
    within = within or access.root
    district = access.district_code
    subject = Subject(within=within.code, category=category.pk if category else None)
    now = board(district, period, by, subject)
    before = board(district, period.comparison(), by, subject)
    chosen = scoring.weights(district, scoring_subject(by))
    empty = figure_defs.compute({}, by == "department")
    rows = []
    for key, code, name in _members(access, by, within):
        current, previous = now.get(key), before.get(key)
        figs = current["figures"] if current else empty
        prev = previous["figures"] if previous else empty
        rows.append(Row(key, code, name, figs, prev, scoring.score(figs, chosen), scoring.score(prev, chosen),
                        current["counts"] if current else {}))
    rows.sort(key=order)
    for index, row in enumerate(rows):
        if row.score is None:
            break
        same = index and order(row)[:3] == order(rows[index - 1])[:3]
        row.rank = rows[index - 1].rank if same else index + 1
    result = Ranking(by, period, chosen, rows)
    result.red, result.black = red_black(rows)
    return result


def order(row: Row) -> tuple:
    """Best first: the higher score, then (on equal scores) more cases accepted in the period, then
    the code; subjects without a score last."""
    return (row.score is None, -(row.score or 0), -row.counts.get("accepted", 0), str(row.code))


def red_black(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """The red list (红榜): the three best graded A or B. The black list (黑榜): everyone graded D
    or E, filled up to three with the worst graded C, worst first. ``rows`` are in ranking order
    (:func:`order`); each listed row's ``on_list`` is set."""
    scored = [row for row in rows if row.score is not None]
    red = [row for row in scored if row.grade in ("A", "B")][:RED_BLACK]
    worst_first = list(reversed(scored))
    black = [row for row in worst_first if row.grade in ("D", "E")]
    black += [row for row in worst_first if row.grade == "C"][:max(0, RED_BLACK - len(black))]
    for row in red:
        row.on_list = "red"
    for row in black:
        row.on_list = "black"
    return red, black
