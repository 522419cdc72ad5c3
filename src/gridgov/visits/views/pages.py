"""The visits pages: the grid worker's planned visits on a phone (nearest due first), a visit's
page (record with photos, cancel, file a case, mark a need, make a promise), the staff's rules and
coverage map, receptions, the promises board, contact points and a cadre's page. Every step posts
to one service; a refusal comes back as a message on the same page and nothing changes."""
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import CARE_STAFF_ROLES, PARTY_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.catalogue.models import Category
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.people.models import SpecialGroup
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from ..figures import compute
from ..models import (
    ContactPoint,
    Outcome,
    Period,
    Promise,
    Reception,
    ReceptionHours,
    Visit,
    VisitorKind,
    VisitRule,
    VisitStatus,
)
from ..services import contacts, planning, promises, receptions, visits
from ..services.common import household_for, local_day
from ..services.overdue import with_overdue

WEEKDAYS = [(0, gettext_lazy("Monday")), (1, gettext_lazy("Tuesday")), (2, gettext_lazy("Wednesday")),
            (3, gettext_lazy("Thursday")), (4, gettext_lazy("Friday")), (5, gettext_lazy("Saturday")),
            (6, gettext_lazy("Sunday"))]


def _refusals(view):
    """Show a refused step as a message and go back to the page; nothing was changed."""
    @wraps(view)
    def run(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else (
                str(error) or _("You may not do this."))
            messages.error(request, text)
            return redirect(_back(request))
    return run


def _back(request) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
            return candidate
    return reverse("visits-mine")


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _moment(value):
    """A ``datetime-local`` value (the district's local time), or None when empty."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        raise ValidationError(_("Enter a valid date and time."))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _date(value):
    try:
        day = parse_date(value or "")
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(_("Enter a valid date."))
    return day


def _time(value):
    try:
        moment = parse_time(value or "")
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(_("Enter a valid time."))
    return moment


def _category(request):
    pk = _int(request.POST.get("category"))
    if pk is None:
        raise ValidationError(_("Choose the case's category."))
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise ValidationError(_("Choose the case's category."))
    return category


def _leaf_categories():
    """The catalogue's active leaf categories: what a finding may be filed as."""
    return Category.objects.filter(active=True, children__isnull=True).order_by("code")


def _staff_units(request):
    """The units where the user keeps visits (their care-staff roots), broadest first."""
    roots = scope_for(request.user).roots(CARE_STAFF_ROLES)
    if not roots:
        raise PermissionDenied(_("Only community, street and district staff see this page."))
    return list(Unit.objects.filter(code__in=roots).order_by("code"))


def _chosen_unit(request, roots):
    code = request.GET.get("unit") or roots[0].code
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=code)
    if not any(unit.code.startswith(root.code) for root in roots):
        raise NotFound
    return unit


# -- the grid worker's phone -----------------------------------------------------------------------
@login_required
def mine(request):
    """My planned visits, nearest due first (overdue first of all), and what I recorded lately."""
    today = local_day(clock.now())
    rows = with_overdue(visible(request.user, Visit.objects.select_related("household__building__compound")))
    planned = list(rows.filter(assignee=request.user, status=VisitStatus.PLANNED).order_by("latest", "pk")[:200])
    week = today + dt.timedelta(days=7 - today.weekday())
    done = rows.filter(visitor=request.user, status=VisitStatus.DONE).order_by("-visited_at")[:20]
    return render(request, "visits/mine.html", {
        "today": today, "overdue": [v for v in planned if v.overdue],
        "this_week": [v for v in planned if not v.overdue and v.latest < week],
        "later": [v for v in planned if not v.overdue and v.latest >= week], "done": done})


def _visit(request, pk):
    return get_visible_or_404(request.user, with_overdue(visible(request.user, Visit.objects.select_related(
        "household__building__compound", "unit", "case", "visitor", "assignee", "rule"))), pk=pk)


@login_required
def visit(request, pk):
    item = _visit(request, pk)
    return render(request, "visits/visit.html", {
        "visit": item, "photos": item.photos.all(), "history": item.journal.all(),
        "promises": with_overdue(item.promises.all()), "categories": _leaf_categories(),
        "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")})


STEPS = {
    "record": lambda request, item: visits.record(
        request.user, item, findings=request.POST.get("findings", ""), visited_at=_moment(request.POST.get("visited_at")),
        photos=request.FILES.getlist("photos")),
    "cancel": lambda request, item: visits.cancel(request.user, item, request.POST.get("reason", "")),
    "case": lambda request, item: visits.file_case(request.user, item, category=_category(request),
                                                   title=request.POST.get("title", ""),
                                                   description=request.POST.get("description", "")),
    "need": lambda request, item: visits.mark_need(request.user, item, request.POST.get("text", "")),
    "promise": lambda request, item: promises.make(request.user, visit=item, text=request.POST.get("text", ""),
                                                   due=_date(request.POST.get("due")),
                                                   made_to=request.POST.get("made_to", "")),
}
DONE_MESSAGES = {"record": gettext_lazy("Visit recorded."), "cancel": gettext_lazy("Visit cancelled."),
                 "case": gettext_lazy("Case filed."), "need": gettext_lazy("Need marked for micro-projects."),
                 "promise": gettext_lazy("Promise recorded.")}


@login_required
@require_POST
@_refusals
def visit_step(request, pk, step):
    if step not in STEPS:
        raise Http404
    STEPS[step](request, _visit(request, pk))
    messages.success(request, DONE_MESSAGES[step])
    return redirect("visits-visit", pk=pk)


@login_required
@_refusals
def household(request, pk):
    """Record an unplanned visit to a household in the user's scope (a cadre's, or beyond the plan)."""
    place = household_for(request.user, pk)
    if request.method == "POST":
        made = visits.visit_household(request.user, place, findings=request.POST.get("findings", ""),
                                      visited_at=_moment(request.POST.get("visited_at")),
                                      photos=request.FILES.getlist("photos"))
        messages.success(request, DONE_MESSAGES["record"])
        return redirect("visits-visit", pk=made.pk)
    return render(request, "visits/household.html", {
        "household": place, "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")})


# -- the staff ------------------------------------------------------------------------------------
def _coverage(unit: Unit, today: dt.date):
    """This quarter's figures for each child of ``unit`` (its grids for a community), with the
    children's boundaries for the map."""
    start, end = planning.period_bounds(Period.QUARTER, today)
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    figures = compute([c.code for c in children], start, end)
    rows = [{"unit": c, **figures[c.code]} for c in children]
    features = [{"type": "Feature", "geometry": c.boundary, "properties": {
        "code": c.code, "name": c.short_name, "coverage": figures[c.code]["coverage"],
        "due": figures[c.code]["visits_due"], "done": figures[c.code]["visits_done_in_window"],
        "overdue": figures[c.code]["visits_overdue"]}} for c in children if c.boundary]
    return start, end, rows, {"type": "FeatureCollection", "features": features}


@login_required
def staff(request):
    roots = _staff_units(request)
    unit = _chosen_unit(request, roots)
    start, end, rows, features = _coverage(unit, local_day(clock.now()))
    rules = visible(request.user, VisitRule.objects.select_related("unit", "special_group")).filter(
        subtree_q("unit__code", unit.code) | Q(unit__code=unit.district_code))
    communities = Unit.objects.filter(subtree_q("code", roots[0].code), kind__in=("community", "district"))
    return render(request, "visits/staff.html", {
        "here": "staff", "unit": unit, "roots": roots, "start": start, "end": end, "rows": rows,
        "features": features, "rules": rules, "groups": SpecialGroup.objects.all(), "kinds": VisitorKind.choices,
        "periods": Period.choices, "communities": communities.order_by("code")[:200]})


@login_required
@require_POST
@_refusals
def rule_save(request):
    if request.POST.get("rule"):  # switch an existing rule on or off
        rule = get_visible_or_404(request.user, VisitRule.objects.select_related("unit"),
                                  pk=_int(request.POST["rule"], 0))
        planning.save_rule(request.user, unit=rule.unit, visitor_kind=rule.visitor_kind, period=rule.period,
                           special_group=rule.special_group, active=not rule.active, rule=rule)
        messages.success(request, _("Visit rule saved."))
        return redirect(_back(request))
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("unit", ""))
    group = SpecialGroup.objects.filter(pk=_int(request.POST.get("special_group"), 0)).first()
    planning.save_rule(request.user, unit=unit, visitor_kind=request.POST.get("visitor_kind", ""),
                       period=request.POST.get("period", ""), special_group=group)
    messages.success(request, _("Visit rule saved."))
    return redirect(_back(request))


@login_required
def receptions_page(request):
    roots = _staff_units(request)
    unit = _chosen_unit(request, roots)
    hours = visible(request.user, ReceptionHours.objects.select_related("unit", "host")).filter(
        subtree_q("unit__code", unit.code), active=True)
    walk_ins = visible(request.user, Reception.objects.select_related("unit", "person", "case", "received_by")).filter(
        subtree_q("unit__code", unit.code))[:100]
    communities = Unit.objects.filter(subtree_q("code", unit.code), kind="community").order_by("code")
    return render(request, "visits/receptions.html", {
        "here": "receptions", "unit": unit, "hours": hours, "walk_ins": walk_ins, "communities": communities,
        "weekdays": WEEKDAYS, "categories": _leaf_categories(),
        "now": timezone.localtime(clock.now()).strftime("%Y-%m-%dT%H:%M")})


@login_required
@require_POST
@_refusals
def reception_step(request, step):
    if step == "hours":
        unit = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("unit", ""))
        receptions.save_hours(request.user, unit=unit, weekday=_int(request.POST.get("weekday"), -1),
                              starts=_time(request.POST.get("starts")), ends=_time(request.POST.get("ends")),
                              place=request.POST.get("place", ""))
        messages.success(request, _("Reception hours saved."))
    elif step == "walk-in":
        unit = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("unit", ""))
        hours = None
        if request.POST.get("hours"):
            hours = get_visible_or_404(request.user, ReceptionHours.objects.all(), pk=_int(request.POST["hours"], 0))
        reception = receptions.receive(request.user, unit=unit, matter=request.POST.get("matter", ""),
                                       visitor_name=request.POST.get("visitor_name", ""), hours=hours,
                                       at=_moment(request.POST.get("at")))
        if request.POST.get("promise"):
            promises.make(request.user, reception=reception, text=request.POST["promise"],
                          due=_date(request.POST.get("due")))
        messages.success(request, _("Walk-in recorded."))
    elif step == "case":
        reception = get_visible_or_404(request.user, Reception.objects.all(), pk=_int(request.POST.get("reception"), 0))
        receptions.file_case(request.user, reception, category=_category(request))
        messages.success(request, DONE_MESSAGES["case"])
    else:
        raise Http404
    return redirect(_back(request))


@login_required
def promises_page(request):
    rows = with_overdue(visible(request.user, Promise.objects.select_related("unit", "made_by")))
    return render(request, "visits/promises.html", {
        "here": "promises", "overdue": rows.filter(outcome=Outcome.OPEN, overdue=True),
        "open": rows.filter(outcome=Outcome.OPEN, overdue=False),
        "decided": rows.exclude(outcome=Outcome.OPEN).order_by("-decided_at")[:50],
        "today": local_day(clock.now())})


@login_required
@require_POST
@_refusals
def promise_step(request, step):
    if step == "make":
        unit = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("unit", ""))
        promises.make(request.user, unit=unit, text=request.POST.get("text", ""), due=_date(request.POST.get("due")),
                      made_to=request.POST.get("made_to", ""))
        messages.success(request, DONE_MESSAGES["promise"])
    elif step in ("kept", "not_kept"):
        promise = get_visible_or_404(request.user, Promise.objects.all(), pk=_int(request.POST.get("promise"), 0))
        promises.decide(request.user, promise, kept=step == "kept", note=request.POST.get("note", ""))
        messages.success(request, _("Promise decided."))
    else:
        raise Http404
    return redirect(_back(request))


# -- contact points -------------------------------------------------------------------------------
@login_required
def cadres(request):
    points = visible(request.user, ContactPoint.objects.select_related("cadre", "unit", "household__building__compound")
                     ).filter(active=True)
    may_edit = bool(scope_for(request.user).roots(PARTY_STAFF_ROLES))
    return render(request, "visits/cadres.html", {
        "here": "cadres", "points": points, "may_edit": may_edit,
        "users": User.objects.filter(is_active=True, role_assignments__role__in=PARTY_STAFF_ROLES).distinct()
        .order_by("username")[:200] if may_edit else []})


@login_required
@require_POST
@_refusals
def cadre_save(request):
    cadre = User.objects.filter(pk=_int(request.POST.get("cadre"), 0), is_active=True).first()
    if cadre is None:
        raise ValidationError(_("Choose the leading cadre."))
    household_pk = _int(request.POST.get("household"))
    place = household_for(request.user, household_pk) if household_pk else None
    unit = place.building.microgrid if place else get_visible_or_404(request.user, Unit.objects.all(),
                                                                      code=request.POST.get("unit", ""))
    contacts.save_contact_point(request.user, cadre=cadre, title=request.POST.get("title", ""), unit=unit,
                                household=place)
    messages.success(request, _("Contact point saved."))
    return redirect("visits-cadres")


@login_required
def cadre(request, pk):
    """A leading cadre's page: their contact points, this quarter's figures, their recent visits and
    receptions (what the viewer may see of them)."""
    points = visible(request.user, ContactPoint.objects.select_related("unit", "household__building__compound")
                     ).filter(cadre=pk, active=True)
    if not points.exists():
        raise Http404
    person = points[0].cadre
    start, end = planning.period_bounds(Period.QUARTER, local_day(clock.now()))
    return render(request, "visits/cadre.html", {
        "here": "cadres", "cadre": person, "points": points, "start": start, "end": end,
        "figures": contacts.cadre_figures([person.pk], start, end)[person.pk],
        "visits": visible(request.user, Visit.objects.select_related("household__building__compound", "case"))
        .filter(visitor=person, status=VisitStatus.DONE).order_by("-visited_at")[:20],
        "receptions": visible(request.user, Reception.objects.select_related("unit", "case"))
        .filter(received_by=person)[:20]})
