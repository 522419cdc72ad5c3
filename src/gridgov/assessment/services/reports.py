"""What the assessment pages, reports, rankings, workbooks and API show, and who may see it.

Everything the views and the API need is computed here from the tallies (``board``), the figures
(``figures``) and the composite score (``scoring``):

* **Access** (:func:`access_for`): whose figures a user may read. District administrators and
  dispatchers assess the district (every unit, department and grid worker in it); a street
  dispatcher their street, community staff their community, a grid leader their grid (the units
  below, and the grid workers holding roles there); department staff their own department; a grid
  worker themselves. Anyone else (residents, party members) is refused (403). A unit, department or
  worker outside that reach answers 404 through the scope mechanism, like one that does not exist.
* **Rankings** (:func:`ranking`): every street, community, grid, department or grid worker in
  reach, with its figures, composite score and grade, best first, and the red and black lists:

  - 红榜 (red list): the three best, among those graded A or B (a score of 75 or more);
  - 黑榜 (black list): everyone graded D or E (below 60); when fewer than three are, filled up to
    three with the worst graded C.

  Best means the higher score; on equal scores, more cases accepted in the period; then the code.
  Only subjects with a score are listed (no weighted figure with data means no score). The grades
  keep the lists apart: nobody graded A or B is on the black list, nobody graded C or below on the
  red list. The red list praises a few; the black list names everyone failing.
* **Reports** (:func:`report_for`): the monthly review (月调度), quarterly bulletin (季通报) and
  annual assessment (年考核) of a district, street or community, and their Excel workbook
  (:func:`workbook`).
"""
import datetime as dt
from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _, gettext_lazy, pgettext

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.scope import get_visible_or_404, scope_for
from gridgov.catalogue.models import Category
from gridgov.core import tables
from gridgov.structure.codes import KIND_LENGTHS, child_kind, subtree_q
from gridgov.structure.models import Department, Unit, UnitKind

from ..measures import LEVEL_MEASURES
from ..models import Tally
from . import figures as figure_defs, scoring
from .board import Subject, board, figures_for
from .periods import Period

User = get_user_model()

#: Roles that assess the units of their subtree (and the grid workers holding roles in it).
UNIT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER,
                        Role.COMMUNITY_STAFF, Role.GRID_LEADER})
#: Roles that assess the whole district, its departments included, and set its weights (the admin).
DISTRICT_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER})
#: The people ranked as grid workers.
WORKER_ROLES = (Role.GRID_WORKER, Role.GRID_LEADER)

UNIT_GROUPS = ("street", "community", "grid")
GROUPINGS = (*UNIT_GROUPS, "department", "worker")
GROUPING_LABELS = {
    "street": gettext_lazy("Streets / towns"),
    "community": gettext_lazy("Communities / villages"),
    "grid": gettext_lazy("Grids"),
    "department": gettext_lazy("Departments"),
    "worker": gettext_lazy("Grid workers"),
}
REPORT_KINDS = ("district", "street", "community")
REPORT_NAMES = {
    "month": gettext_lazy("Monthly review"),
    "quarter": gettext_lazy("Quarterly bulletin"),
    "year": gettext_lazy("Annual assessment"),
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


# -- periods -----------------------------------------------------------------------------------
def parse_period(value: str | None, kinds=("day", "month", "quarter", "year")) -> Period:
    """``Period.parse``, refused unless of one of ``kinds``."""
    period = Period.parse(value)
    if period.kind not in kinds:
        raise ValidationError(_("Reports are for a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
                              code="period")
    return period


def period_label(period: Period) -> str:
    """A period as people say it: 2026年11月, 2026年第4季度 …"""
    if period.kind == "day":
        return date_format(period.start, "DATE_FORMAT")
    if period.kind == "month":
        return date_format(period.start, "YEAR_MONTH_FORMAT")
    if period.kind == "quarter":
        return _("Q%(quarter)s %(year)s") % {"quarter": (period.start.month - 1) // 3 + 1, "year": period.start.year}
    return pgettext("year", "%(year)s") % {"year": period.start.year}


def period_nav(period: Period) -> dict:
    """The period selector: the same moment as a day, month, quarter or year, and the neighbours."""
    labels = {"day": _("Day"), "month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}
    kinds = [{"kind": kind, "label": labels[kind], "value": str(Period.containing(kind, period.start)),
              "active": kind == period.kind} for kind in labels]
    return {"value": str(period), "label": period_label(period), "kinds": kinds,
            "previous": str(period.previous()), "next": str(period.next()),
            "previous_label": period_label(period.previous())}


# -- who may see what --------------------------------------------------------------------------
@dataclass(frozen=True)
class Access:
    """Whose figures a user may read, in one district."""

    district: Unit
    roots: tuple[str, ...] = ()  # unit codes whose subtrees the user assesses
    root: Unit | None = None  # the broadest of them: where their pages start
    all_departments: bool = False  # every department of the district
    departments: frozenset = frozenset()  # or only these (department staff)
    self_worker: bool = False  # a grid worker: their own figures
    is_admin: bool = False  # may set the district's weights

    @property
    def district_code(self) -> str:
        return self.district.code

    def units_q(self, path: str = "code") -> Q:
        q = Q(pk__in=[]) if path == "code" else Q(**{f"{path}__in": []})
        for code in self.roots:
            q |= subtree_q(path, code)
        return q


def _collapse(codes) -> tuple[str, ...]:
    kept: list[str] = []
    for code in sorted(set(codes), key=lambda c: (len(c), c)):
        if not any(code.startswith(k) for k in kept):
            kept.append(code)
    return tuple(kept)


def access_for(user) -> Access:
    """What ``user`` assesses; PermissionDenied for a user who assesses nothing."""
    scope = scope_for(user)
    if scope.everything:  # a superuser: the first district, as its administrator
        district = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code").first()
        if district is None:
            raise PermissionDenied(_("There is no district yet."))
        return Access(district=district, roots=(district.code,), root=district, all_departments=True, is_admin=True)
    assignments = list(RoleAssignment.objects.filter(user=user).values_list("role", "unit__code", "department_id"))
    unit_codes = _collapse(code for role, code, _d in assignments if role in UNIT_ROLES)
    departments = frozenset(d for role, _c, d in assignments if role == Role.DEPARTMENT_STAFF and d)
    worker_codes = [code for role, code, _d in assignments if role == Role.GRID_WORKER]
    if unit_codes:
        district_code = unit_codes[0][:6]
    elif departments or worker_codes:
        district_code = next(code[:6] for role, code, _d in assignments
                             if role in (Role.DEPARTMENT_STAFF, Role.GRID_WORKER))
    else:
        raise PermissionDenied(_("Only district, street, community and grid staff, departments and grid workers "
                                 "see assessment figures."))
    roots = tuple(code for code in unit_codes if code.startswith(district_code))
    units = {u.code: u for u in Unit.objects.filter(code__in={district_code, *roots})}
    roles = {role for role, code, _d in assignments if code.startswith(district_code)}
    return Access(
        district=units[district_code],
        roots=roots,
        root=units[roots[0]] if roots else None,
        all_departments=bool(roles & DISTRICT_ROLES),
        departments=departments,
        self_worker=Role.GRID_WORKER in roles,
        is_admin=Role.DISTRICT_ADMIN in roles,
    )


def require_admin(access: Access) -> None:
    if not access.is_admin:
        raise PermissionDenied(_("Only the district administrator sets the score weights."))


def unit_in_reach(user, access: Access, code: str) -> Unit:
    """A unit the user assesses (404 outside their subtrees, 403 for a role that assesses no units)."""
    if not access.roots:
        raise PermissionDenied(_("Only district, street, community and grid staff see the figures of units."))
    return get_visible_or_404(user, Unit.objects.filter(access.units_q()), code=code)


def departments_in_reach(access: Access):
    if access.all_departments:
        return Department.objects.filter(district=access.district)
    if access.departments:
        return Department.objects.filter(district=access.district, pk__in=access.departments)
    raise PermissionDenied(_("Only the district and department staff see the figures of departments."))


def department_in_reach(user, access: Access, code: str) -> Department:
    return get_visible_or_404(user, departments_in_reach(access), code=code)


def workers_in(access: Access, within: Unit | None = None):
    """The grid workers (and grid leaders) holding a role in ``within`` (default: everywhere the
    user assesses), by name."""
    q = subtree_q("role_assignments__unit__code", within.code) if within else access.units_q(
        "role_assignments__unit__code")
    return User.objects.filter(q, role_assignments__role__in=WORKER_ROLES).distinct().order_by("username")


def worker_in_reach(user, access: Access, username: str):
    if access.self_worker and username == user.get_username():
        return user
    if not access.roots:
        if access.self_worker:
            raise_404()
        raise PermissionDenied(_("Only district, street, community and grid staff see the figures of grid workers."))
    found = workers_in(access).filter(username=username).first()
    if found is None:
        raise_404()
    return found


def raise_404():
    raise Http404


def category_for(code: str | None) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationError(_("No category has the code “%(code)s”.") % {"code": code}, code="category")
    return category


def category_choices() -> list[tuple[str, list[Category]]]:
    """The categories cases use, grouped under their top-level class, for a filter."""
    groups: dict[str, list] = {}
    tops = {c.code: c.name for c in Category.objects.filter(parent__isnull=True)}
    for category in Category.objects.leaves().filter(active=True).order_by("code"):
        groups.setdefault(tops.get(category.code[:2], ""), []).append(category)
    return list(groups.items())


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


# -- targets: whose figures --------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One subject whose figures are shown: a unit subtree, a department or a grid worker."""

    kind: str  # "unit", "department", "worker"
    code: str  # unit code, department code, username
    name: str
    subject: Subject
    unit: Unit | None = None
    department: Department | None = None
    worker: object = None

    @property
    def scoring(self) -> str:
        return self.kind

    @property
    def param(self) -> str:
        return {"unit": "unit", "department": "department", "worker": "worker"}[self.kind]

    @property
    def kind_label(self) -> str:
        if self.unit is not None:
            return str(UnitKind(self.unit.kind).label)
        return str(_("Department") if self.kind == "department" else _("Grid worker"))


def unit_target(unit: Unit) -> Target:
    return Target("unit", unit.code, unit.short_name, Subject(within=unit.code), unit=unit)


def target_for(user, access: Access, unit: str | None = None, department: str | None = None,
               worker: str | None = None) -> Target:
    """The subject the user asks for (at most one of ``unit``, ``department``, ``worker``), or
    where their pages start: their unit, their department, themselves."""
    if sum(bool(x) for x in (unit, department, worker)) > 1:
        raise ValidationError(_("Ask for a unit, a department or a grid worker, not several."), code="subject")
    if unit:
        return unit_target(unit_in_reach(user, access, unit))
    if department:
        found = department_in_reach(user, access, department)
        return Target("department", found.code, found.short_name, Subject(department=found.pk), department=found)
    if worker:
        found = worker_in_reach(user, access, worker)
        within = access.root.code if access.roots and found != user else None
        return Target("worker", found.get_username(), display_name(found), Subject(within=within, worker=found.pk),
                      worker=found)
    if access.root is not None:
        return unit_target(access.root)
    if access.departments:
        found = departments_in_reach(access).order_by("code").first()
        if found is not None:
            return Target("department", found.code, found.short_name, Subject(department=found.pk), department=found)
    if access.self_worker:
        return Target("worker", user.get_username(), display_name(user), Subject(worker=user.pk), worker=user)
    raise PermissionDenied(_("You have nothing to assess."))


# -- cells: a figure's value as shown ----------------------------------------------------------
def show(key: str, value) -> str:
    """A figure's value as text: 85.0%, 3.2 h, or — for no data."""
    if value is None:
        return "—"
    if key == "score":
        return f"{value:.1f}"
    if figure_defs.BY_KEY[key].unit == "%":
        return f"{value:.1f}%"
    return _("%(hours)s h") % {"hours": f"{value:.1f}"}


@dataclass(frozen=True)
class Change:
    value: float | None
    text: str
    tone: str  # "better", "worse", "same" or "" (no comparison)


def change(key: str, now, before) -> Change:
    """The change from the previous period, and whether it is for the better."""
    if now is None or before is None:
        return Change(None, "", "")
    delta = round(now - before, 1)
    if not delta:
        return Change(0.0, "±0", "same")
    higher_is_better = key == "score" or figure_defs.BY_KEY[key].higher_is_better
    text = f"{delta:+.1f}"
    if key != "score" and figure_defs.BY_KEY[key].unit == "h":
        text = _("%(hours)s h") % {"hours": text}
    return Change(delta, text, "better" if (delta > 0) == higher_is_better else "worse")


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    unit: str
    current: float | None
    previous: float | None
    weight: int
    higher_is_better: bool

    @property
    def current_text(self):
        return show(self.key, self.current)

    @property
    def previous_text(self):
        return show(self.key, self.previous)

    @property
    def change(self) -> Change:
        return change(self.key, self.current, self.previous)


def figure_rows(current: dict, previous: dict, chosen: dict[str, int]) -> list[FigureRow]:
    return [FigureRow(f.key, str(f.label), f.unit, current.get(f.key), previous.get(f.key), chosen.get(f.key, 0),
                      f.higher_is_better) for f in figure_defs.FIGURES]


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
    before = board(district, period.previous(), by, subject)
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


# -- one subject's figures ---------------------------------------------------------------------
def figures_view(access: Access, target: Target, period: Period, category: Category | None = None) -> dict:
    """Everything the figures page and ``GET /figures`` show for one subject."""
    subject = replace(target.subject, category=category.pk if category else None)
    data = figures_for(access.district_code, period, subject)
    chosen = scoring.weights(access.district_code, target.scoring)
    now, before = scoring.score(data["current"], chosen), scoring.score(data["previous"], chosen)
    children = None
    if target.unit is not None and child_kind(target.unit.kind) in UNIT_GROUPS:
        children = ranking(access, period, child_kind(target.unit.kind), target.unit, category)
    return {
        "target": target, "period": period, "previous_period": period.previous(), "category": category,
        "current": data["current"], "previous": data["previous"], "counts": data["counts"],
        "score": now, "previous_score": before, "grade": scoring.grade(now), "previous_grade": scoring.grade(before),
        "score_change": change("score", now, before), "weights": chosen,
        "rows": figure_rows(data["current"], data["previous"], chosen), "children": children,
    }


def figures_chart(view: dict) -> dict:
    """The chart data of the figures page: the rates now and before; the children by figure."""
    rates = [row for row in view["rows"] if row.unit == "%"]
    out = {"labels": [row.label for row in rates], "current": [row.current for row in rates],
           "previous": [row.previous for row in rates], "currentName": period_label(view["period"]),
           "previousName": period_label(view["previous_period"])}
    children = view["children"]
    if children is not None:
        rows = sorted(children.rows, key=lambda r: r.code)
        out["children"] = {
            "names": [row.name for row in rows],
            "figures": [{"key": "score", "label": _("Composite score"),
                         "current": [row.score for row in rows], "previous": [row.previous_score for row in rows]}]
            + [{"key": f.key, "label": str(f.label), "unit": f.unit,
                "current": [row.figures.get(f.key) for row in rows],
                "previous": [row.previous.get(f.key) for row in rows]} for f in figure_defs.FIGURES],
        }
    return out


def ancestors_in_reach(access: Access, unit: Unit) -> list[Unit]:
    """The units from the user's root down to (not including) ``unit``, for a breadcrumb."""
    root = next((code for code in access.roots if unit.code.startswith(code)), unit.code)
    return list(Unit.objects.filter(code__in=[unit.code[:n] for n in KIND_LENGTHS.values()
                                              if len(root) <= n < len(unit.code)]).order_by("code"))


# -- reports -----------------------------------------------------------------------------------
@dataclass
class Report:
    root: Unit
    period: Period
    district: Unit
    totals: dict
    sections: list[Ranking]
    categories: list[dict]
    levels: list[dict]

    @property
    def name(self) -> str:
        return str(REPORT_NAMES[self.period.kind])

    @property
    def title(self) -> str:
        place = self.root.short_name
        if self.root != self.district:
            place = f"{self.district.short_name}{place}"
        return _("%(place)s %(period)s %(report)s") % {"place": place, "period": period_label(self.period),
                                                       "report": self.name}

    @property
    def first(self) -> Ranking:
        return self.sections[0]

    @property
    def departments(self) -> Ranking | None:
        return next((s for s in self.sections if s.by == "department"), None)

    @property
    def filename(self) -> str:
        return f"{self.root.short_name}-{self.period}-{self.name}.xlsx"


def report_root(user, access: Access, unit: str | None = None) -> Unit:
    """The unit a report covers: the user's own district, street or community (or one below in reach)."""
    if not access.roots:
        raise PermissionDenied(_("Reports are for district, street and community staff."))
    root = unit_in_reach(user, access, unit) if unit else access.root
    if root.kind not in REPORT_KINDS:
        raise PermissionDenied(_("Reports cover a district, a street or a community."))
    return root


def report_for(access: Access, root: Unit, period: Period) -> Report:
    if period.kind not in REPORT_NAMES:
        raise ValidationError(_("Reports are for a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
                              code="period")
    kinds = [kind for kind in UNIT_GROUPS if KIND_LENGTHS[kind] > len(root.code)][:2]
    sections = [ranking(access, period, kind, root) for kind in kinds]
    if root.kind == UnitKind.DISTRICT and access.all_departments:
        sections.append(ranking(access, period, "department", root))
    sections.append(ranking(access, period, "worker", root))
    totals = figures_view(access, unit_target(root), period)
    return Report(root=root, period=period, district=access.district, totals=totals, sections=sections,
                  categories=top_categories(access.district_code, period, root),
                  levels=resolution_levels(totals))


def top_categories(district_code: str, period: Period, within: Unit, limit: int = 10) -> list[dict]:
    """The categories reported most in the period, with the previous period's count beside."""
    def counts(p: Period) -> dict[int, dict]:
        rows = Tally.objects.filter(district_code=district_code, day__gte=p.start, day__lt=p.end)
        if len(within.code) > 6:
            rows = rows.filter(subtree_q("unit_code", within.code))
        return {row["category_id"]: row for row in rows.values("category_id").annotate(
            reported=Sum("reported"), closures=Sum("closures"), satisfied=Sum("satisfied"), rated=Sum("rated"))
            if row["reported"]}

    now, before = counts(period), counts(period.previous())
    total = sum(row["reported"] for row in now.values())
    top = sorted(now.values(), key=lambda row: (-row["reported"], row["category_id"]))[:limit]
    names = {c.pk: c for c in Category.objects.filter(pk__in=[row["category_id"] for row in top])}
    out = []
    for index, row in enumerate(top, 1):
        category = names.get(row["category_id"])
        previous = before.get(row["category_id"], {}).get("reported", 0)
        out.append({"rank": index, "code": category.code if category else "", "name": category.name if category
                    else "?", "reported": row["reported"], "share": figure_defs.rate(row["reported"], total),
                    "previous": previous, "change": row["reported"] - previous, "closures": row["closures"],
                    "satisfaction": figure_defs.rate(row["satisfied"], row["rated"])})
    return out


def resolution_levels(totals: dict) -> list[dict]:
    """Where closed cases were resolved (小事不出网格): count, share, and the cumulative figures."""
    counts = totals["counts"]
    closures = counts.get("closures", 0)
    labels = {"grid": _("At the grid"), "community": _("At the community"), "street": _("At the street"),
              "district": _("At the district")}
    cumulative = {"grid": "within_grid", "community": "within_community", "street": "within_street"}
    out = []
    for level, measure in LEVEL_MEASURES.items():
        item = {"level": level, "label": labels[level], "count": counts.get(measure, 0),
                "share": figure_defs.rate(counts.get(measure, 0), closures), "within": None, "within_previous": None,
                "within_label": "", "within_change": None}
        figure = cumulative.get(level)
        if figure:  # the district level has no "within" figure: everything is within the district
            now, before = totals["current"][figure], totals["previous"][figure]
            item.update(within=now, within_previous=before, within_label=str(figure_defs.BY_KEY[figure].label),
                        within_change=change(figure, now, before))
        out.append(item)
    return out


# -- the workbook ------------------------------------------------------------------------------
def workbook(report: Report) -> bytes:
    """The report as an Excel workbook a district office can forward: a summary sheet, then one
    sheet per section (streets, communities, departments, grid workers), each with a title row
    naming the place and period, Chinese headers (in the default language), percentages formatted."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = tables.SafeWorkbook()
    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    fills = {"red": PatternFill("solid", fgColor="FDE2E1"), "black": PatternFill("solid", fgColor="D9D9D9")}

    def titled(sheet, subtitle: str, width: int):
        sheet["A1"] = f"{report.title} · {subtitle}"
        sheet["A1"].font = title_font
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
        sheet["A2"] = _("Period %(start)s to %(end)s; previous period %(previous)s.") % {
            "start": report.period.start.isoformat(), "end": (report.period.end - dt.timedelta(days=1)).isoformat(),
            "previous": period_label(report.period.previous())}
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(width, 1))

    def header(sheet, row: int, labels: list[str]):
        for column, label in enumerate(labels, 1):
            cell = sheet.cell(row=row, column=column, value=label)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def put(sheet, row: int, column: int, key: str, value):
        """A figure (``key``; "%" for any share): a rate as a fraction formatted as a percentage, a
        time in hours, a score."""
        if value is None:
            sheet.cell(row=row, column=column, value="—").alignment = Alignment(horizontal="right")
            return
        if key == "score":
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "0.0"
        elif key == "%" or figure_defs.BY_KEY[key].unit == "%":
            cell = sheet.cell(row=row, column=column, value=round(value / 100, 4))
            cell.number_format = "0.0%"
        else:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "0.00"

    # Summary
    summary = book.active
    summary.title = _safe_sheet_name(_("Summary"))
    totals = report.totals
    titled(summary, _("Summary"), 5)
    header(summary, 4, [_("Figure"), period_label(report.period), period_label(report.period.previous()),
                        pgettext("difference", "Change"), _("Weight")])
    r = 5
    summary.cell(row=r, column=1, value=_("Composite score")).font = bold
    put(summary, r, 2, "score", totals["score"])
    put(summary, r, 3, "score", totals["previous_score"])
    put(summary, r, 4, "score", totals["score_change"].value)
    r += 1
    summary.cell(row=r, column=1, value=_("Grade")).font = bold
    summary.cell(row=r, column=2, value=totals["grade"] or "—")
    summary.cell(row=r, column=3, value=totals["previous_grade"] or "—")
    for figure in totals["rows"]:
        r += 1
        summary.cell(row=r, column=1, value=figure.label)
        put(summary, r, 2, figure.key, figure.current)
        put(summary, r, 3, figure.key, figure.previous)
        delta = figure.change.value
        if delta is not None:
            cell = summary.cell(row=r, column=4, value=delta)
            cell.number_format = "+0.0;-0.0;0"
        summary.cell(row=r, column=5, value=figure.weight or None)
    r += 2
    summary.cell(row=r, column=1, value=_("Top categories")).font = bold
    r += 1
    header(summary, r, [_("Category"), _("Cases reported"), _("Share"), _("Previous period"),
                        pgettext("difference", "Change")])
    for item in report.categories:
        r += 1
        summary.cell(row=r, column=1, value=item["name"])
        summary.cell(row=r, column=2, value=item["reported"])
        put(summary, r, 3, "%", item["share"])
        summary.cell(row=r, column=4, value=item["previous"])
        summary.cell(row=r, column=5, value=item["change"]).number_format = "+0;-0;0"
    r += 2
    summary.cell(row=r, column=1, value=_("Where cases were resolved")).font = bold
    r += 1
    header(summary, r, [_("Level"), _("Closed cases"), _("Share"), _("Cumulative"), _("Previous period")])
    for item in report.levels:
        r += 1
        summary.cell(row=r, column=1, value=item["label"])
        summary.cell(row=r, column=2, value=item["count"])
        put(summary, r, 3, "%", item["share"])
        if item["within_label"]:
            put(summary, r, 4, "%", item["within"])
            put(summary, r, 5, "%", item["within_previous"])
    for section in report.sections:
        r += 2
        summary.cell(row=r, column=1, value=_("Red and black lists: %(what)s") % {"what": section.title}).font = bold
        for label, rows in ((_("Red list"), section.red), (_("Black list"), section.black)):
            r += 1
            summary.cell(row=r, column=1, value=label)
            summary.cell(row=r, column=2, value="、".join(f"{row.name}（{row.score_text} {row.grade}）"
                                                          for row in rows) or "—")
    summary.column_dimensions["A"].width = 28
    for column in "BCDE":
        summary.column_dimensions[column].width = 16
    summary.freeze_panes = "A5"

    # One sheet per section
    figures_keys = [f.key for f in figure_defs.FIGURES]
    for section in report.sections:
        sheet = book.create_sheet(_safe_sheet_name(section.title))
        labels = [_("Rank"), pgettext("assessed", "Name"), _("Code"), _("Composite score"), _("Grade"),
                  _("Previous score"),
                  _("Score change"), _("Red / black list"), _("Cases reported"), _("Cases accepted"),
                  _("Cases closed"),
                  *[str(figure_defs.BY_KEY[k].label) for k in figures_keys]]
        titled(sheet, section.title, len(labels))
        header(sheet, 3, labels)
        list_names = {"red": _("Red list"), "black": _("Black list")}
        for index, row in enumerate(section.rows, 4):
            values = [row.rank, row.name, row.code]
            for column, value in enumerate(values, 1):
                sheet.cell(row=index, column=column, value=value)
            put(sheet, index, 4, "score", row.score)
            sheet.cell(row=index, column=5, value=row.grade or "—")
            put(sheet, index, 6, "score", row.previous_score)
            if row.change.value is not None:
                sheet.cell(row=index, column=7, value=row.change.value).number_format = "+0.0;-0.0;0"
            if row.on_list:
                sheet.cell(row=index, column=8, value=list_names[row.on_list])
                for column in range(1, len(labels) + 1):
                    sheet.cell(row=index, column=column).fill = fills[row.on_list]
            for column, measure in enumerate(("reported", "accepted", "closures"), 9):
                sheet.cell(row=index, column=column, value=row.counts.get(measure, 0))
            for column, key in enumerate(figures_keys, 12):
                put(sheet, index, column, key, row.figures.get(key))
        sheet.freeze_panes = "D4"
        sheet.row_dimensions[3].height = 42
        for column in range(1, len(labels) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = {1: 6, 2: 22, 3: 20}.get(column, 12)
    return tables.xlsx_bytes(book)


def _safe_sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, "·")
    return name[:31]


# -- weights -----------------------------------------------------------------------------------
SUBJECT_LABELS = {"unit": gettext_lazy("Streets, communities and grids"), "department": gettext_lazy("Departments"),
                  "worker": gettext_lazy("Grid workers")}


def weight_table(district_code: str) -> list[dict]:
    """The district's weights for each kind of subject, with the defaults beside."""
    out = []
    for subject in scoring.SUBJECTS:
        current = scoring.weights(district_code, subject)
        default = scoring.DEFAULT_WEIGHTS[subject]
        out.append({"subject": subject, "label": SUBJECT_LABELS[subject], "weights": current,
                    "is_default": current == default, "default": default,
                    "figures": [(key, str(figure_defs.BY_KEY[key].label), current.get(key, 0), default.get(key, 0))
                                for key in figure_defs.RATES]})
    return out
