"""The command screen's data (一屏统调): everything the wall draws for one unit, as one dict.

Who may open it: district administrators and dispatchers, street dispatchers and community staff
(:data:`~gridgov.accounts.roles.SCREEN_ROLES`); each starts at the highest unit of those roles (:func:`root_unit`) and
drills down through units the scope lets them see (:func:`unit_for`, ``get_visible_or_404``).

Where each panel comes from:

* the map colouring, the ranking of the child units and the unit's own figures: the assessment
  tallies for the current month (``board`` / ``figures_for``: one ``SUM … GROUP BY`` each);
* the 30-day trend and the top categories: the tallies grouped by day and by category;
* the live panels — open cases by status and traffic light, per child, the overdue (red) list and
  today's intake by channel — read the case table through its indexed columns (status and light,
  reported_at), always through the scope (``Case.objects.visible_to``);
* hot spots: the intake service, over the cases the user may see.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.accounts.roles import SCREEN_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for
from gridgov.assessment.models import Tally
from gridgov.assessment.services import scoring
from gridgov.assessment.services.figures import BY_KEY, FIGURES, RATES, compute
from gridgov.assessment.services.participation import text as participation_text
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.routing import routed_without_a_human
from gridgov.assessment.services.totals import GROUPS, Subject, board, figures_for, sums
from gridgov.cases.models import OPEN_STATUSES, Case, Channel, Light, Status
from gridgov.catalogue.models import Category
from gridgov.core import clock
from gridgov.core import figures as core_figures
from gridgov.core.errors import NotFound
from gridgov.intake.hotspots import visible_hotspots
from gridgov.structure.codes import KIND_LENGTHS, subtree_q
from gridgov.structure.models import Unit, UnitKind

DEFAULT_FIGURE = "on_time_rate"
#: The unit's own figures shown as headline tiles (the chosen map figure is added when different).
HEADLINE_FIGURES = ["response_rate", "on_time_rate", "satisfaction_rate", "within_grid"]
TREND_DAYS = 30
OVERDUE_LIMIT = 15
TOP_CATEGORIES = 8
HOTSPOT_LIMIT = 8


# -- who and where ------------------------------------------------------------------------------
def may_use(user) -> bool:
    """Whether ``user`` may open the command screen at all."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & SCREEN_ROLES)


def _require(user) -> None:
    if not may_use(user):
        raise PermissionDenied(_("The command screen is for district, street and community staff."))


def root_unit(user) -> Unit:
    """The unit a user's screen opens on: the highest unit where they hold a screen role (a
    district dispatcher's district, a street dispatcher's street); for a superuser the first
    district."""
    _require(user)
    scope = scope_for(user)
    if scope.everything:
        unit = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code").first()
    else:
        roots = scope.roots(SCREEN_ROLES)  # broadest first
        unit = Unit.objects.filter(code=roots[0]).first() if roots else None
    if unit is None:
        raise NotFound
    return unit


def unit_for(user, code: str) -> Unit:
    """The unit ``code`` if the user may see it on the screen (outside the scope: 404)."""
    _require(user)
    return get_visible_or_404(user, Unit.objects.all(), code=code)


def figure_choices() -> list[dict]:
    """The rate figures a map may be coloured by."""
    return [{"key": f.key, "label": str(f.label), "higher_is_better": f.higher_is_better}
            for f in FIGURES if f.key in RATES]


def check_figure(key: str | None) -> str:
    key = key or DEFAULT_FIGURE
    if key not in RATES:
        raise ValidationError(
            _("“%(figure)s” is not a rate figure; choose one of: %(choices)s.")
            % {"figure": key, "choices": ", ".join(RATES)}, code="figure")
    return key


def screen_url(code: str) -> str:
    return reverse("screen-unit", args=[code])


# -- the panels ---------------------------------------------------------------------------------
def _cases(user, unit: Unit):
    """The cases located in ``unit``'s subtree that ``user`` may see."""
    rows = Case.objects.visible_to(user).filter(district_code=unit.district_code)
    if unit.kind != UnitKind.DISTRICT:
        rows = rows.filter(subtree_q("unit__code", unit.code))
    return rows


def _tallies(unit: Unit, start: dt.date, end: dt.date):
    """The tally rows of ``unit``'s subtree for the days [start, end)."""
    rows = Tally.objects.filter(district_code=unit.district_code, day__gte=start, day__lt=end)
    if unit.kind != UnitKind.DISTRICT:
        rows = rows.filter(subtree_q("unit_code", unit.code))
    return rows


def live_counts(user, unit: Unit, child_length: int | None) -> dict:
    """Open cases by status and by light, and per child unit (one GROUP BY over the open cases)."""
    key = Substr("unit__code", 1, child_length or len(unit.code))
    rows = (_cases(user, unit).filter(status__in=OPEN_STATUSES).annotate(key=key)
            .values("key", "status", "light").annotate(n=Count("pk")).order_by())
    by_status = {s: 0 for s in OPEN_STATUSES}
    by_light = {light: 0 for light in Light.values}
    children: dict[str, dict] = {}
    for row in rows:
        by_status[row["status"]] += row["n"]
        by_light[row["light"]] = by_light.get(row["light"], 0) + row["n"]
        child = children.setdefault(row["key"], {"open": 0, "red": 0})
        child["open"] += row["n"]
        if row["light"] == Light.RED:
            child["red"] += row["n"]
    return {
        "open": sum(by_status.values()),
        "by_status": [{"key": s, "label": Status.text(s), "count": by_status[s]} for s in OPEN_STATUSES],
        "by_light": [{"key": light, "label": str(Light(light).label), "count": by_light[light]}
                     for light in Light.values],
        "children": children,
    }


def today_intake(user, unit: Unit, today: dt.date) -> dict:
    """Cases reported today (local time), by channel — whatever became of them since."""
    start = dt.datetime.combine(today, dt.time(), timezone.get_current_timezone())
    rows = dict(_cases(user, unit).filter(reported_at__gte=start, reported_at__lt=start + dt.timedelta(days=1))
                .values_list("channel").annotate(n=Count("pk")).order_by())
    return {"total": sum(rows.values()),
            "by_channel": [{"key": c, "label": str(label), "count": rows.get(c, 0)} for c, label in Channel.choices]}


def overdue(user, unit: Unit, now: dt.datetime, limit: int = OVERDUE_LIMIT) -> list[dict]:
    """Open red-light cases, most overdue (earliest resolution deadline) first."""
    rows = (_cases(user, unit).filter(status__in=OPEN_STATUSES, light=Light.RED)
            .select_related("unit", "category")  # and not the contact phone, which would be decrypted
            .only("code", "title", "status", "resolution_due", "unit__short_name", "category__name")
            .order_by(F("resolution_due").asc(nulls_last=True), "reported_at", "pk")[:limit])
    out = []
    for case in rows:
        late = (now - case.resolution_due).total_seconds() / 3600 if case.resolution_due else None
        out.append({
            "code": case.code, "title": case.title, "url": reverse("case", args=[case.code]),
            "status": str(case.get_status_display()), "unit": case.unit.short_name,
            "category": case.category.name,
            "due": timezone.localtime(case.resolution_due).isoformat() if case.resolution_due else None,
            "overdue_hours": round(late, 1) if late is not None and late > 0 else 0,
        })
    return out


def trend(unit: Unit, today: dt.date, days: int = TREND_DAYS) -> dict:
    """Reported and closed per day over the last ``days`` days up to today (the tallies' ``reported``
    and ``closures``, each on the day of its event)."""
    first = today - dt.timedelta(days=days - 1)
    rows = {row["day"]: row for row in _tallies(unit, first, today + dt.timedelta(days=1))
            .values("day").annotate(n_reported=Sum("reported"), n_closed=Sum("closures")).order_by("day")}
    out = {"days": [], "reported": [], "closed": []}
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        row = rows.get(day, {})
        out["days"].append(day.isoformat())
        out["reported"].append(row.get("n_reported") or 0)
        out["closed"].append(row.get("n_closed") or 0)
    return out


def top_categories(unit: Unit, period: Period, limit: int = TOP_CATEGORIES) -> list[dict]:
    """The categories most reported in the period."""
    rows = list(_tallies(unit, period.start, period.end).values("category_id")
                .annotate(n=Sum("reported")).filter(n__gt=0).order_by("-n", "category_id")[:limit])
    names = dict(Category.objects.filter(pk__in=[r["category_id"] for r in rows]).values_list("pk", "name"))
    return [{"id": r["category_id"], "name": names.get(r["category_id"], "?"), "count": r["n"]} for r in rows]


def child_figures(unit: Unit, period: Period, kind: str, codes: list[str]) -> dict[str, dict]:
    """Every figure of every child for the period: one board query for streets, communities and
    grids; per child for micro-grids (a grid has a handful), which the board does not group by."""
    if kind in GROUPS:
        rows = board(unit.district_code, period, kind, Subject(within=unit.code))
        return {code: rows[code]["figures"] for code in codes if code in rows}
    return {code: compute(sums(unit.district_code, period, Subject(within=code))) for code in codes}


def _place_point(place: Unit | None) -> tuple[float, float] | None:
    """Where to mark a unit's hot spot: its recorded centre, else a point inside its boundary."""
    if place is None:
        return None
    if place.center_lat is not None and place.center_lng is not None:
        return place.center_lat, place.center_lng
    if place.boundary:
        point = shape(place.boundary).representative_point()
        return round(point.y, 6), round(point.x, 6)
    return None


def hotspots(user, unit: Unit, limit: int = HOTSPOT_LIMIT) -> list[dict]:
    """The unit's hottest spots (intake's hot spots over the cases the user may see), each with a
    point for the map: a cell's centre, or the centre of the grid it is in."""
    out = []
    for spot in visible_hotspots(user, unit)[:limit]:
        center = spot.center or _place_point(spot.place)
        out.append({"category": spot.category.name, "kind": spot.kind,
                    "place": spot.place.short_name if spot.place else "",
                    "place_code": spot.place.code if spot.place else None,
                    "center": [center[1], center[0]] if center else None,  # [lng, lat] as the map wants
                    "reports": spot.reports, "reporters": spot.reporters, "growth": spot.growth,
                    "heat": spot.heat, "open_cases": spot.open_cases})
    return out


def breadcrumb(user, unit: Unit) -> list[dict]:
    """District down to the unit; ancestors are linked only when the user may open them."""
    ancestors = list(unit.ancestors())
    allowed = set(unit.ancestors().visible_to(user).values_list("code", flat=True))
    return [{"code": a.code, "name": a.short_name, "url": screen_url(a.code) if a.code in allowed else None}
            for a in ancestors] + [{"code": unit.code, "name": unit.short_name, "url": None}]


# -- the whole screen ---------------------------------------------------------------------------
def screen_data(user, unit: Unit, figure: str = DEFAULT_FIGURE, now: dt.datetime | None = None,
                with_hotspots: bool = True) -> dict:
    """Everything the screen draws for ``unit``, its map coloured by ``figure`` (a rate).

    Hot spots read every case of their 30-day window, so the page asks for them only every few
    refreshes (``with_hotspots=False`` leaves them out: ``"hotspots": None``)."""
    figure = check_figure(figure)
    now = now or clock.now()
    today = timezone.localdate(now)
    period = Period.containing("month", today)
    district = unit.district_code
    weights = scoring.weights(district, "unit")

    child_kind = unit.child_kind
    children = list(unit.children.visible_to(user)) if child_kind else []
    # A micro-grid has nothing below it: its map is itself.
    regions, region_kind = (children, child_kind) if children else ([unit], unit.kind)
    live = live_counts(user, unit, KIND_LENGTHS[region_kind])
    figures = child_figures(unit, period, region_kind, [r.code for r in regions])

    features, ranking = [], []
    for region in regions:
        values = figures.get(region.code, {})
        score = scoring.score(values, weights) if values else None
        counts = live["children"].get(region.code, {"open": 0, "red": 0})
        drill = region is not unit
        # "怡湖社区第1网格" is "第1网格" on 怡湖社区's screen: the map has no room for the repetition.
        label = region.short_name.removeprefix(unit.short_name) if drill else region.short_name
        row = {"code": region.code, "name": region.short_name, "label": label or region.short_name,
               "official_name": region.name,
               "kind": region.kind, "url": screen_url(region.code) if drill else None,
               "value": values.get(figure), "score": score, "grade": scoring.grade(score),
               "open": counts["open"], "red": counts["red"]}
        ranking.append(row)
        features.append({"type": "Feature", "id": region.code, "geometry": region.boundary, "properties": row})
    ranking.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["code"]))
    for place, row in enumerate(ranking, 1):
        row["rank"] = place if row["score"] is not None else None

    own = figures_for(district, period, Subject(within=unit.code))
    headline = list(dict.fromkeys([*HEADLINE_FIGURES, figure]))
    own_score = scoring.score(own["current"], weights)
    return {
        "unit": {"code": unit.code, "name": unit.short_name, "official_name": unit.name, "kind": unit.kind,
                 "kind_label": str(UnitKind(unit.kind).label)},
        "breadcrumb": breadcrumb(user, unit),
        "now": timezone.localtime(now).isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "period": str(period),
        "figure": {"key": figure, "label": str(BY_KEY[figure].label),
                   "higher_is_better": BY_KEY[figure].higher_is_better},
        "figures": figure_choices(),
        "region_kind": region_kind,
        "region_kind_label": str(UnitKind(region_kind).label),
        "map": {"type": "FeatureCollection", "features": features},
        "ranking": ranking,
        "summary": {
            "score": own_score, "grade": scoring.grade(own_score),
            "previous_score": scoring.score(own["previous"], weights),
            "figures": [{"key": k, "label": str(BY_KEY[k].label), "value": own["current"][k],
                         "previous": own["previous"][k], "higher_is_better": BY_KEY[k].higher_is_better}
                        for k in headline] + [routed_figure(unit, period)],
            "reported": own["counts"]["reported"], "closures": own["counts"]["closures"],
        },
        "live": {k: v for k, v in live.items() if k != "children"},
        "intake": today_intake(user, unit, today),
        "overdue": overdue(user, unit, now),
        "trend": trend(unit, today),
        "categories": top_categories(unit, period),
        "hotspots": hotspots(user, unit) if with_hotspots else None,
        "participation": participation(unit, period.start, today),
    }


def routed_figure(unit: Unit, period: Period) -> dict:
    """The share of residents' reports the platform routed with no dispatcher, as a headline figure
    (``assessment.services.routing``)."""
    now, before = (routed_without_a_human(unit.district_code, span, unit.code)["share"]
                   for span in (period, period.comparison()))
    return {"key": "routed", "label": str(_("Resident reports routed without a human")), "value": now,
            "previous": before, "higher_is_better": True}


def participation(unit: Unit, start: dt.date, today: dt.date) -> list[dict]:
    """The headline figures each participation app declares (``core.figures``), for ``unit`` from
    the start of the month to today, formatted as the assessment board formats them."""
    rows = []
    for figure_set in core_figures.registered():
        if not figure_set.headline:
            continue
        values = figure_set.compute([unit.code], start, today).get(unit.code, {})
        for key in figure_set.headline:
            figure = figure_set.figure(key)
            rows.append({"set": str(figure_set.label), "label": str(figure.label),
                         "text": participation_text(values.get(key), figure.kind)})
    return rows
