"""What the assessment pages show besides rankings: the period and category choices, one
subject's figures and chart, the reports' data (:class:`Report`) and the weights."""
import datetime as dt
from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.catalogue.models import Category, class_code_of
from gridgov.structure.codes import KIND_LENGTHS, ancestor_codes, child_kind, subtree_q
from gridgov.structure.models import Unit, UnitKind

from ..measures import LEVEL_MEASURES
from ..models import Tally
from . import figures as figure_defs
from . import scoring
from .access import Access, unit_in_reach
from .cells import change, figure_rows
from .periods import Period
from .rankings import UNIT_GROUPS, Ranking, ranking
from .routing import routed_without_a_human
from .targets import Target, unit_target
from .totals import figures_for

REPORT_KINDS = ("district", "street", "community")
REPORT_NAMES = {
    "month": gettext_lazy("Monthly review"),
    "quarter": gettext_lazy("Quarterly bulletin"),
    "year": gettext_lazy("Annual assessment"),
}


# -- periods -----------------------------------------------------------------------------------
def parse_period(value: str | None, kinds=("day", "month", "quarter", "year")) -> Period:
    """``Period.parse``, refused unless of one of ``kinds``."""
    period = Period.parse(value)
    if period.kind not in kinds:
        raise ValidationError(_("Reports are for a month (2026-11), a quarter (2026-Q4) or a year (2026)."),
                              code="period")
    return period


def period_label(period: Period) -> str:
    """A period as people say it: 2026年11月, 2026年第4季度 …; a cut one by its first and last day."""
    if period.cut is not None:
        return _("%(first)s to %(last)s") % {"first": date_format(period.start, "DATE_FORMAT"),
                                             "last": date_format(period.end - dt.timedelta(days=1), "DATE_FORMAT")}
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
            "previous_label": period_label(period.comparison())}


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
        groups.setdefault(tops.get(class_code_of(category.code), ""), []).append(category)
    return list(groups.items())


# -- one subject's figures ---------------------------------------------------------------------
def figures_view(access: Access, target: Target, period: Period, category: Category | None = None) -> dict:
    """Everything the figures page and ``GET /figures`` show for one subject."""
    subject = replace(target.subject, category=category.pk if category else None)
    data = figures_for(access.district_code, period, subject)
    chosen = scoring.weights(access.district_code, target.scoring)
    now, before = scoring.score(data["current"], chosen), scoring.score(data["previous"], chosen)
    children = routed = None
    if target.unit is not None and not category:
        routed = {when: routed_without_a_human(access.district_code, span, target.unit.code)
                  for when, span in (("now", period), ("before", period.comparison()))}
        routed["change"] = change("routed", routed["now"]["share"], routed["before"]["share"])
    if target.unit is not None and child_kind(target.unit.kind) in UNIT_GROUPS:
        children = ranking(access, period, child_kind(target.unit.kind), target.unit, category)
    return {
        "target": target, "period": period, "previous_period": period.comparison(), "category": category,
        "current": data["current"], "previous": data["previous"], "counts": data["counts"],
        "score": now, "previous_score": before, "grade": scoring.grade(now), "previous_grade": scoring.grade(before),
        "score_change": change("score", now, before), "weights": chosen, "min_sample": scoring.MIN_SAMPLE,
        "rows": figure_rows(data["current"], data["previous"], chosen), "children": children, "routed": routed,
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
    return list(Unit.objects.filter(code__in=[code for code in ancestor_codes(unit.code) if len(code) >= len(root)])
                .order_by("code"))


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

    now, before = counts(period), counts(period.comparison())
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
