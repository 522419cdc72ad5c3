"""The volunteering pages: residents order and follow services on their phones, volunteers find
tasks near them and check in and out, community staff run the queue, the menu, the volunteers and
teams, and see registration rates. Every step posts to one service; a refusal comes back as a
message on the same page and nothing changes."""
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import GRID_TASK_ROLES, PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core import clock
from gridgov.people.models import Person
from gridgov.structure.models import Unit

from ..actions import VolunteeringAction
from ..models import (
    OPEN_ORDER,
    Activity,
    ActivityKind,
    OrderStatus,
    PointsBasis,
    ServiceItem,
    ServiceOrder,
    SignUp,
    Team,
    TeamKind,
    Volunteer,
    VolunteerStatus,
)
from ..services import activities, menu_items, orders, records, volunteers
from ..services.available import activity_actions, my_volunteer, order_actions
from ..services.common import MINUTES, POINTS, community_of, is_staff, person_balance, person_of
from ..services.rates import community_rates


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
    """Where a refused step returns: the page it came from, if it is one of ours."""
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
            return candidate
    return reverse("volunteering-services")


def _moment(value):
    """A time from a form (``datetime-local``: the district's local time), or None when empty."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2100:
        raise ValidationError(_("Enter a valid date and time."))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _staff_communities(request):
    """The communities where the user runs participation."""
    scope = scope_for(request.user)
    roots = scope.roots(PARTICIPATION_STAFF_ROLES)
    if not roots:
        return Unit.objects.none()
    from django.db.models import Q

    from gridgov.structure.codes import subtree_q
    q = Q(pk__in=[])
    for code in roots:
        q |= subtree_q("code", code)
    return Unit.objects.filter(q, kind="community").order_by("code")


# -- residents -------------------------------------------------------------------------------------
@login_required
def services(request):
    person = person_of(request.user)
    if person is None:
        if scope_for(request.user).has_role(*PARTICIPATION_STAFF_ROLES):
            return redirect("volunteering-queue")
        raise PermissionDenied
    try:
        community = community_of(person)
    except ValidationError:
        raise PermissionDenied(_("Your home is not inside a community.")) from None
    items = ServiceItem.objects.filter(community=community, active=True)
    mine = ServiceOrder.objects.filter(resident=person).select_related("item", "taker__person")[:50]
    return render(request, "volunteering/services.html", {
        "community": community, "items": items, "orders": [(o, order_actions(request.user, o)) for o in mine],
        "points": person_balance(person, POINTS), "minutes": person_balance(person, MINUTES)})


@login_required
def order_for(request):
    """A grid worker (or the community's staff) orders for a resident in their care: find the
    resident among the people they see, then order from that resident's community menu."""
    if not scope_for(request.user).has_role(*(GRID_TASK_ROLES | PARTICIPATION_STAFF_ROLES)):
        raise PermissionDenied(_("Only grid workers and community staff order services for residents."))
    query = (request.GET.get("q") or "").strip()[:50]
    chosen = request.GET.get("person")
    context = {"query": query, "found": [], "resident": None, "items": []}
    if chosen:
        resident = get_visible_or_404(request.user, Person.objects.select_related("unit"), pk=_int(chosen, 0))
        try:
            community = community_of(resident)
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from None
        context.update(resident=resident, community=community,
                       items=ServiceItem.objects.filter(community=community, active=True))
    elif query:
        context["found"] = visible(request.user, Person.objects.select_related("unit")).filter(
            name__contains=query).order_by("name", "pk")[:20]
    return render(request, "volunteering/order_for.html", context)


@login_required
@require_POST
@_refusals
def place(request):
    item = get_visible_or_404(request.user, ServiceItem.objects.all(), pk=_int(request.POST.get("item"), 0))
    wanted = _moment(request.POST.get("wanted_at"))
    resident = None
    if request.POST.get("resident"):  # ordered on a resident's behalf: someone the orderer sees
        resident = get_visible_or_404(request.user, Person.objects.all(), pk=_int(request.POST.get("resident"), 0))
    order = orders.place_order(request.user, item=item, resident=resident,
                               description=request.POST.get("description", ""),
                               address=request.POST.get("address", ""), wanted_at=wanted,
                               pay_with_minutes=bool(request.POST.get("pay_with_minutes")))
    messages.success(request, _("Your order has been sent to the community."))
    return redirect("volunteering-order", order.pk)


# -- one order -------------------------------------------------------------------------------------
def _orders(request):
    return visible(request.user, ServiceOrder.objects.select_related(
        "item", "community", "resident", "team", "assignee__person", "taker__person"))


@login_required
def order(request, pk):
    obj = get_visible_or_404(request.user, _orders(request), pk=pk)
    actions = order_actions(request.user, obj)
    context = {"order": obj, "actions": actions, "history": obj.journal.select_related("actor"),
               "labels": dict(VolunteeringAction.choices)}
    if "dispatch" in actions:
        context["teams"] = Team.objects.filter(community=obj.community, active=True)
        context["volunteers"] = Volunteer.objects.filter(community=obj.community, active=True,
                                                         status=VolunteerStatus.REGISTERED).select_related("person")
    return render(request, "volunteering/order.html", context)


ORDER_STEPS = {
    "accept": lambda r, o: orders.accept(r.user, o),
    "refuse": lambda r, o: orders.refuse(r.user, o, r.POST.get("reason", "")),
    "publish": lambda r, o: orders.publish(r.user, o),
    "take": lambda r, o: orders.take(r.user, o),
    "check_in": lambda r, o: orders.check_in(r.user, o, latitude=_float(r.POST.get("latitude")),
                                             longitude=_float(r.POST.get("longitude"))),
    "check_out": lambda r, o: orders.check_out(r.user, o),
    "verify": lambda r, o: orders.verify(r.user, o, _int(r.POST.get("minutes"), r.POST.get("minutes"))),
    "rate": lambda r, o: orders.rate(r.user, o, _int(r.POST.get("rating"), r.POST.get("rating")),
                                     r.POST.get("comment", "")),
    "cancel": lambda r, o: orders.cancel(r.user, o),
}


def _float(value):
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        raise ValidationError(_("The position is not a valid latitude and longitude.")) from None


def _dispatch(request, obj):
    team = volunteer = None
    if request.POST.get("team"):
        team = get_visible_or_404(request.user, Team.objects.all(), pk=_int(request.POST["team"], 0))
    if request.POST.get("volunteer"):
        volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=_int(request.POST["volunteer"], 0))
    return orders.dispatch(request.user, obj, team=team, volunteer=volunteer)


ORDER_STEPS["dispatch"] = _dispatch


@login_required
@require_POST
@_refusals
def order_action(request, pk, step):
    """One step of an order's page (the URL's last segment names it: a form's step, not a journal action)."""
    run = ORDER_STEPS.get(step)
    if run is None:
        raise Http404
    obj = get_visible_or_404(request.user, _orders(request), pk=pk)
    run(request, obj)
    messages.success(request, _("Done."))
    if not ServiceOrder.objects.visible_to(request.user).filter(pk=pk).exists():
        return redirect("volunteering-tasks")
    return redirect("volunteering-order", pk)


# -- volunteers ------------------------------------------------------------------------------------
@login_required
def tasks(request):
    person = person_of(request.user)
    if person is None:
        raise PermissionDenied
    volunteer = Volunteer.objects.filter(person=person).select_related("community").first()
    active = my_volunteer(request.user)
    context = {"volunteer": volunteer, "active": active}
    if active is not None:
        visible_orders = _orders(request)
        context["open_orders"] = [(o, order_actions(request.user, o))
                                  for o in visible_orders.filter(status__in=["dispatched", "published"])[:50]]
        context["my_orders"] = visible_orders.filter(taker=active).exclude(status__in=["verified", "rated"])[:50]
        context["activities"] = [(a, activity_actions(request.user, a)) for a in Activity.objects.filter(
            community=active.community, status="open").order_by("starts_at")[:50]]
        today = timezone.localdate(clock.now())
        year = today - dt.timedelta(days=365)
        context["summary"] = records.summaries([person.pk], year, today)[person.pk]
        context["lines"] = records.records_of(person.pk, year, today)[-20:][::-1]
        context["points"] = person_balance(person, POINTS)
        context["minutes"] = person_balance(person, MINUTES)
    return render(request, "volunteering/tasks.html", context)


@login_required
@require_POST
@_refusals
def ask(request):
    volunteers.request_registration(request.user, skills=request.POST.get("skills", ""))
    messages.success(request, _("Your request has been sent to the community staff."))
    return redirect("volunteering-tasks")


# -- activities ------------------------------------------------------------------------------------
@login_required
def activity(request, pk):
    obj = get_visible_or_404(request.user, Activity.objects.select_related("community"), pk=pk)
    signups = visible(request.user, SignUp.objects.filter(activity=obj).select_related("volunteer__person"))
    return render(request, "volunteering/activity.html", {
        "activity": obj, "actions": activity_actions(request.user, obj), "signups": signups,
        "staff": is_staff(request.user, obj.community)})


#: The activity page's steps besides verification, by the URL's last segment.
ACTIVITY_STEPS = {"sign_up": activities.sign_up, "withdraw": activities.withdraw, "check_in": activities.check_in,
                  "check_out": activities.check_out, "cancel": activities.cancel_activity}


@login_required
@require_POST
@_refusals
def activity_action(request, pk, step):
    obj = get_visible_or_404(request.user, Activity.objects.all(), pk=pk)
    if step == "verify":
        attendance = {}
        for signup in obj.signups.all():
            if request.POST.get(f"came_{signup.pk}"):
                attendance[signup.pk] = _int(request.POST.get(f"minutes_{signup.pk}"),
                                             request.POST.get(f"minutes_{signup.pk}"))
        activities.verify(request.user, obj, attendance)
    elif step in ACTIVITY_STEPS:
        ACTIVITY_STEPS[step](request.user, obj)
    else:
        raise Http404
    messages.success(request, _("Done."))
    return redirect("volunteering-activity", pk)


# -- staff -----------------------------------------------------------------------------------------
def _staff_only(request):
    if not scope_for(request.user).has_role(*PARTICIPATION_STAFF_ROLES):
        raise PermissionDenied


@login_required
def queue(request):
    _staff_only(request)
    tab = request.GET.get("tab", "open")
    rows = _orders(request)
    tabs = [("open", _("To handle"), rows.filter(status__in=OPEN_ORDER)),
            ("verify", _("To verify"), rows.filter(status=OrderStatus.CHECKED_OUT)),
            ("done", _("Served"), rows.filter(status__in=["verified", "rated"])),
            ("closed", _("Refused or cancelled"), rows.filter(status__in=["refused", "cancelled"]))]
    current = next((t for t in tabs if t[0] == tab), tabs[0])
    communities = _staff_communities(request)
    return render(request, "volunteering/queue.html", {
        "tabs": [{"key": k, "label": label, "count": qs.count(), "active": k == current[0]} for k, label, qs in tabs],
        "orders": [(o, order_actions(request.user, o)) for o in current[2][:100]],
        "activities": visible(request.user, Activity.objects.filter(status="open").select_related("community"))[:50],
        "communities": communities, "kinds": ActivityKind.choices})


@login_required
@require_POST
@_refusals
def publish_activity(request):
    _staff_only(request)
    community = get_visible_or_404(request.user, Unit.objects.filter(kind="community"),
                                   code=request.POST.get("community", ""))
    starts, ends = _moment(request.POST.get("starts_at")), _moment(request.POST.get("ends_at"))
    if starts is None or ends is None:
        raise ValidationError(_("Give the start and end times."))
    obj = activities.publish_activity(
        request.user, community=community, title=request.POST.get("title", ""), starts_at=starts, ends_at=ends,
        limit=_int(request.POST.get("limit"), request.POST.get("limit")),
        points=_int(request.POST.get("points"), request.POST.get("points")), kind=request.POST.get("kind", "activity"),
        place=request.POST.get("place", ""), description=request.POST.get("description", ""),
        care=bool(request.POST.get("care")), waiting_list=bool(request.POST.get("waiting_list")))
    return redirect("volunteering-activity", obj.pk)


@login_required
def volunteers_page(request):
    _staff_only(request)
    rows = visible(request.user, Volunteer.objects.select_related("person", "community"))
    communities = _staff_communities(request)
    registered_people = Volunteer.objects.values("person")
    candidates = visible(request.user, Person.objects.exclude(pk__in=registered_people)).only("pk", "name", "unit")[:200]
    return render(request, "volunteering/volunteers.html", {
        "pending": rows.filter(status=VolunteerStatus.REQUESTED), "volunteers": rows.filter(
            status=VolunteerStatus.REGISTERED)[:300],
        "teams": visible(request.user, Team.objects.select_related("community")).filter(community__in=communities),
        "communities": communities, "candidates": candidates, "kinds": TeamKind.choices})


@login_required
@require_POST
@_refusals
def volunteers_action(request, step):
    _staff_only(request)
    if step == "register":
        person = get_visible_or_404(request.user, Person.objects.all(), pk=_int(request.POST.get("person"), 0))
        community = get_visible_or_404(request.user, Unit.objects.filter(kind="community"),
                                       code=request.POST.get("community", ""))
        volunteers.register_volunteer(request.user, person, community=community,
                                      skills=request.POST.get("skills", ""),
                                      party_org_name=request.POST.get("party_org_name", ""))
    elif step in ("confirm", "decline", "deactivate"):
        volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=_int(request.POST.get("volunteer"), 0))
        getattr(volunteers, step)(request.user, volunteer)
    elif step == "team":
        community = get_visible_or_404(request.user, Unit.objects.filter(kind="community"),
                                       code=request.POST.get("community", ""))
        volunteers.create_team(request.user, community=community, name=request.POST.get("name", ""),
                               kind=request.POST.get("kind", TeamKind.VOLUNTEER),
                               resident_unit_name=request.POST.get("resident_unit_name", ""))
    elif step == "member":
        team = get_visible_or_404(request.user, Team.objects.all(), pk=_int(request.POST.get("team"), 0))
        volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=_int(request.POST.get("volunteer"), 0))
        volunteers.add_to_team(request.user, volunteer, team)
    else:
        raise Http404
    messages.success(request, _("Done."))
    return redirect("volunteering-staff-volunteers")


@login_required
def menu(request):
    _staff_only(request)
    communities = _staff_communities(request)
    return render(request, "volunteering/menu.html", {
        "items": visible(request.user, ServiceItem.objects.select_related("community")).filter(
            community__in=communities), "communities": communities, "bases": PointsBasis.choices})


@login_required
@require_POST
@_refusals
def menu_save(request):
    _staff_only(request)
    community = get_visible_or_404(request.user, Unit.objects.filter(kind="community"),
                                   code=request.POST.get("community", ""))
    menu_items.save_item(request.user, community=community, name=request.POST.get("name", ""),
                         description=request.POST.get("description", ""),
                         points=_int(request.POST.get("points"), request.POST.get("points")),
                         basis=request.POST.get("basis", PointsBasis.PER_HOUR), care=bool(request.POST.get("care")),
                         estimated_minutes=_int(request.POST.get("estimated_minutes"),
                                                request.POST.get("estimated_minutes")))
    messages.success(request, _("Done."))
    return redirect("volunteering-staff-menu")


@login_required
def rates(request):
    _staff_only(request)
    roots = scope_for(request.user).roots(PARTICIPATION_STAFF_ROLES)
    today = timezone.localdate(clock.now())
    rows = [row for root in roots for row in community_rates(root, today)]
    chart = {"names": [r["name"] for r in rows], "rates": [round((r["rate"] or 0) * 100, 1) for r in rows],
             "target": round(rows[0]["target"] * 100, 1) if rows else None,
             "label": _("Registration rate (%)"), "target_label": _("Target")}
    return render(request, "volunteering/rates.html", {"rows": rows, "chart": chart})
