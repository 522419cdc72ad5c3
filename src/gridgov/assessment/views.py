"""The assessment pages: a subject's figures, rankings with the red and black lists, the monthly,
quarterly and annual reports (printable, and as Excel workbooks), and the district's weights.

Views only read the request, call ``services.reports`` (which decides who may see what: outside
the user's reach answers 404, a role that assesses nothing of the kind 403) and render. Bad input
(a period that is not one, an unknown category) answers 400 with the reason, never a 500.
"""
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from gridgov.core import figures as core_figures

from .services import figures as figure_defs
from .services import participation as participation_board
from .services import reports, scoring
from .services.access import Access, access_for, departments_in_reach, require_admin
from .services.periods import Period
from .services.reports import GROUPING_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _link(request, **changes) -> str:
    """The current page's query string with ``changes`` (None drops a parameter)."""
    query = {key: value for key, value in request.GET.items() if value}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + urlencode(query) if query else "?"


def _nav(request, period: Period) -> dict:
    nav = reports.period_nav(period)
    for kind in nav["kinds"]:
        kind["url"] = _link(request, period=kind["value"])
    nav["previous_url"] = _link(request, period=nav["previous"])
    nav["next_url"] = _link(request, period=nav["next"])
    nav["keep"] = [(key, value) for key, value in request.GET.items() if key != "period" and value]
    return nav


def _tabs(access: Access) -> dict:
    """Which assessment pages the user has (the sub-navigation)."""
    return {"rankings": bool(reports.by_choices(access)),
            "participation": access.root is not None and bool(core_figures.registered()),
            "reports": access.root is not None and access.root.kind in reports.REPORT_KINDS,
            "weights": access.is_admin}


def _refused(request, error: ValidationError, access=None) -> HttpResponse:
    return render(request, "assessment/error.html", {"reasons": error.messages,
                                                     "tabs": _tabs(access) if access else None}, status=400)


@login_required
def overview(request):
    """One subject's figures (the user's unit, department or themselves, or ``?unit=`` /
    ``?department=`` / ``?worker=``) for a period, with the previous period, the score, and the
    children compared."""
    access = access_for(request.user)
    get = request.GET.get
    try:
        period = reports.parse_period(get("period"))
        category = reports.category_for(get("category"))
        target = reports.target_for(request.user, access, unit=get("unit"), department=get("department"),
                                    worker=get("worker"))
    except ValidationError as error:
        return _refused(request, error, access)
    view = reports.figures_view(access, target, period, category)
    children = view["children"]
    return render(request, "assessment/figures.html", {
        **view, "access": access, "tabs": _tabs(access), "nav": _nav(request, period),
        "chart": reports.figures_chart(view), "categories": reports.category_choices(),
        "breadcrumb": reports.ancestors_in_reach(access, target.unit) if target.unit else [],
        "child_rows": sorted(children.rows, key=lambda r: r.code) if children else [],
        "child_label": GROUPING_LABELS[children.by] if children else "",
        "departments": departments_in_reach(access).order_by("code")
        if access.all_departments else [],
        "period_param": str(period),
        "unassigned_rate": [row for row in view["rows"] if row.unit == "%" and not row.weight],
    })


@login_required
def rankings(request):
    """Every street, community, grid, department or grid worker in reach, best first, with the
    red and black lists."""
    access = access_for(request.user)
    get = request.GET.get
    try:
        by = reports.check_by(access, get("by"))
        period = reports.parse_period(get("period"))
        category = reports.category_for(get("category"))
    except ValidationError as error:
        return _refused(request, error, access)
    ranking = reports.ranking(access, period, by, category=category)
    param = "unit" if by in reports.UNIT_GROUPS else by
    return render(request, "assessment/rankings.html", {
        "ranking": ranking, "access": access, "tabs": _tabs(access), "nav": _nav(request, period),
        "category": category, "categories": reports.category_choices(), "param": param,
        "by_tabs": [{"by": b, "label": GROUPING_LABELS[b], "active": b == by, "url": _link(request, by=b)}
                    for b in reports.by_choices(access)],
        "weight_labels": [(str(figure_defs.BY_KEY[k].label), w) for k, w in ranking.weights.items()],
        "period_param": str(period), "chart": ranking.chart(),
    })


@login_required
def participation(request):
    """Residents taking part — volunteering, the shop, the time bank, 双报到 — for a unit in reach
    (``?unit=``, default the user's own) and the units below it, over a period."""
    access = access_for(request.user)
    try:
        period = reports.parse_period(request.GET.get("period"), kinds=("month", "quarter", "year"))
        unit = participation_board.target_unit(request.user, access, request.GET.get("unit"))
    except ValidationError as error:
        return _refused(request, error, access)
    sets = participation_board.board(unit, period)
    return render(request, "assessment/participation.html", {
        "access": access, "tabs": _tabs(access), "nav": _nav(request, period), "unit": unit, "sets": sets,
        "period_param": str(period), "charts": {s["key"]: s["chart"] for s in sets},
        "breadcrumb": reports.ancestors_in_reach(access, unit),
    })


@login_required
def report_list(request):
    """The reports the user may open: recent months, quarters and years, or any period typed in."""
    access = access_for(request.user)
    root = reports.report_root(request.user, access, request.GET.get("unit"))
    wanted = request.GET.get("period")
    if wanted:
        try:
            period = reports.parse_period(wanted, kinds=tuple(reports.REPORT_NAMES))
        except ValidationError as error:
            return _refused(request, error, access)
        return redirect(_report_url(period, root, access))
    today = Period.parse(None, "month")
    recent = []
    for kind, count in (("month", 3), ("quarter", 2), ("year", 2)):
        period = Period.containing(kind, today.start)
        for _i in range(count):
            recent.append({"period": str(period), "label": reports.period_label(period),
                           "name": reports.REPORT_NAMES[kind], "url": _report_url(period, root, access),
                           "xlsx": _report_url(period, root, access, xlsx=True)})
            period = period.previous()
    return render(request, "assessment/reports.html", {"root": root, "recent": recent, "access": access,
                                                      "tabs": _tabs(access)})


def _report_url(period, root, access, xlsx=False) -> str:
    url = reverse("assessment-report-xlsx" if xlsx else "assessment-report", args=[str(period)])
    return url if root == access.root else f"{url}?{urlencode({'unit': root.code})}"


def _report(request, period_value: str):
    access = access_for(request.user)
    root = reports.report_root(request.user, access, request.GET.get("unit"))
    period = reports.parse_period(period_value, kinds=tuple(reports.REPORT_NAMES))
    return access, reports.report_for(access, root, period)


@login_required
def report_page(request, period):
    """The monthly review, quarterly bulletin or annual assessment, ready to print."""
    try:
        access, report = _report(request, period)
    except ValidationError as error:
        return _refused(request, error)
    return render(request, "assessment/report.html", {
        "report": report, "access": access, "tabs": _tabs(access),
        "xlsx": _report_url(report.period, report.root, access, xlsx=True),
        "previous_url": _report_url(report.period.previous(), report.root, access),
        "next_url": _report_url(report.period.next(), report.root, access),
        "first_day": report.period.start, "last_day": report.period.end - dt.timedelta(days=1),
        "previous_label": reports.period_label(report.period.comparison()),
        "totals": report.totals, "tables": [s for s in report.sections if s.by != "worker" and len(s.rows) <= 40],
    })


@login_required
def report_xlsx(request, period):
    """The same report as an Excel workbook."""
    try:
        _access, report = _report(request, period)
    except ValidationError as error:
        return _refused(request, error)
    response = HttpResponse(reports.workbook(report), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, report.filename)
    return response


class WeightsForm(forms.Form):
    """One kind of subject's weights: a whole number from 0 to 100 for each rate figure."""

    def __init__(self, *args, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for key in figure_defs.RATES:
            self.fields[key] = forms.IntegerField(
                label=figure_defs.BY_KEY[key].label, min_value=0, max_value=100, required=False,
                initial=(current or {}).get(key, 0),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": 1}))

    def weights(self) -> dict[str, int]:
        return {key: self.cleaned_data.get(key) or 0 for key in figure_defs.RATES}


@login_required
def weights(request):
    """The district's score weights: the district administrator sets them (refused whole when any
    entry is wrong), everyone else is refused."""
    access = access_for(request.user)
    require_admin(access)
    district = access.district_code
    posted = request.POST.get("subject") if request.method == "POST" else None
    forms_by_subject, status = {}, 200
    for row in reports.weight_table(district):
        subject = row["subject"]
        if subject == posted:
            form = WeightsForm(request.POST, current=row["weights"], prefix=subject)
            if request.POST.get("reset"):
                scoring.set_weights(district, subject, scoring.DEFAULT_WEIGHTS[subject])
                messages.success(request, _("The default weights apply again to %(what)s.") % {"what": row["label"]})
                return redirect("assessment-weights")
            if form.is_valid():
                try:
                    scoring.set_weights(district, subject, form.weights())
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Weights saved for %(what)s.") % {"what": row["label"]})
                    return redirect("assessment-weights")
            status = 400
        else:
            form = WeightsForm(current=row["weights"], prefix=subject)
        forms_by_subject[subject] = form
    table = reports.weight_table(district)
    for row in table:
        form = forms_by_subject[row["subject"]]
        row["form"] = form
        row["fields"] = [(form[key], default) for key, _label, _w, default in row["figures"]]
    return render(request, "assessment/weights.html", {"table": table, "access": access, "tabs": _tabs(access)},
                  status=status)
