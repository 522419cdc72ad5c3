"""The care pages: the grid worker's phone ("today's care": check-ins to record, open alerts to
resolve), the staff's plans (make, change, pause, resume, end; guardians and devices), the
escalations board, a person's care page (with logged reveals) and coverage by community. Every
step posts to one service; a refusal comes back as a message on the same page and nothing changes."""
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_time
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import CARE_STAFF_ROLES, FIELD_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from ..figures import compute
from ..models import (
    CarePlan,
    CheckIn,
    DeviceKind,
    Escalation,
    EscalationStatus,
    Method,
    Outcome,
    PlanStatus,
    Result,
    Step,
)
from ..services import checkins, devices, escalations, plans, reveal
from ..services.common import is_staff, may_check, settings_for
from ..services.escalations import next_step_at
from ..services.timing import OPEN_WINDOW, timing


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
    return reverse("care-today")


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not -(2**31) < number < 2**31:
        raise ValidationError(_("Enter a whole number."))
    return number


def _pk(value: int) -> int:
    """A key from the URL, or NotFound when no row could have it (the database would overflow)."""
    if value >= 2**31:
        raise NotFound
    return value


def _staff_only(request):
    if not scope_for(request.user).has_role(*CARE_STAFF_ROLES):
        raise PermissionDenied


def _roots_q(request, path: str, group) -> Q:
    q = Q(pk__in=[])
    for code in scope_for(request.user).roots(group):
        q |= subtree_q(path, code)
    return q


# -- the grid worker's phone -----------------------------------------------------------------------
@login_required
def today(request):
    """Today's check-ins of the people in my care and the open alerts, newest first."""
    now = clock.now()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    rows = (visible(request.user, CheckIn.objects.select_related("plan__person__unit", "plan__buddy"))
            .filter(Q(earliest__gte=start, earliest__lt=start + dt.timedelta(days=1))
                    | Q(status="scheduled", earliest__lte=now, latest__gt=now)).order_by("earliest"))
    cards = [(c, timing(c, now), may_check(request.user, c.plan)) for c in rows]
    alerts = (visible(request.user, Escalation.objects.select_related("plan__person"))
              .filter(status=EscalationStatus.OPEN).order_by("opened_at")[:100])
    return render(request, "care/today.html", {
        "cards": cards, "open_window": OPEN_WINDOW, "alerts": alerts, "results": Result.choices,
        "outcomes": Outcome.choices, "now": now})


@login_required
@require_POST
@_refusals
def record(request, pk):
    check_in = get_visible_or_404(request.user, CheckIn.objects.all(), pk=_pk(pk))
    checkins.record(request.user, check_in, result=request.POST.get("result", ""), note=request.POST.get("note", ""))
    messages.success(request, _("Check-in recorded."))
    return redirect(_back(request))


@login_required
@require_POST
@_refusals
def resolve(request, pk):
    escalation = get_visible_or_404(request.user, Escalation.objects.all(), pk=_pk(pk))
    escalations.resolve(request.user, escalation, outcome=request.POST.get("outcome", ""),
                        note=request.POST.get("note", ""), need=request.POST.get("need", ""))
    messages.success(request, _("Alert resolved."))
    return redirect(_back(request))


# -- the staff's plans -----------------------------------------------------------------------------
@login_required
def plan_list(request):
    _staff_only(request)
    status = request.GET.get("status") or PlanStatus.ACTIVE
    rows = visible(request.user, CarePlan.objects.select_related("person__unit", "group", "buddy", "grid_worker"))
    if status in PlanStatus.values:
        rows = rows.filter(status=status)
    waiting = (visible(request.user, Person.objects.filter(special_groups__isnull=False))
               .exclude(care_plans__status__in=[PlanStatus.ACTIVE, PlanStatus.PAUSED]).distinct()
               .select_related("unit").prefetch_related("special_groups")[:200])
    return render(request, "care/plans.html", {"plans": rows[:500], "status": status, "statuses": PlanStatus.choices,
                                               "waiting": waiting})


def _grid_workers(request):
    ids = RoleAssignment.objects.filter(_roots_q(request, "unit__code", CARE_STAFF_ROLES),
                                        role__in=FIELD_ROLES).values("user")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def _plan_values(request) -> dict:
    post = request.POST
    window_start = parse_time(post.get("window_start") or "")
    if window_start is None:
        raise ValidationError(_("Say when the check-in window opens."))
    try:
        ends_on = parse_date(post.get("ends_on") or "") if post.get("ends_on") else None
    except ValueError:
        ends_on = None
    if post.get("ends_on") and ends_on is None:
        raise ValidationError(_("Enter a valid date."))
    buddy = visible(request.user, Person.objects.all()).filter(pk=_int(post.get("buddy"))).first()
    return {"every_days": _int(post.get("every_days")), "window_start": window_start,
            "window_hours": _int(post.get("window_hours")), "method": post.get("method", ""), "buddy": buddy,
            "grid_worker": _grid_workers(request).filter(pk=_int(post.get("grid_worker"))).first(),
            "ends_on": ends_on, "note": post.get("note", "")}


@login_required
@_refusals
def plan_new(request):
    _staff_only(request)
    person = get_visible_or_404(request.user, Person.objects.select_related("unit"), pk=_int(request.GET.get("person")
                                                                                          or request.POST.get("person")))
    if request.method == "POST":
        guardians = []
        if request.POST.get("guardian_name") or request.POST.get("guardian_phone"):
            guardians.append((request.POST.get("guardian_name", ""), request.POST.get("guardian_relation", ""),
                              request.POST.get("guardian_phone", "")))
        try:
            starts_on = parse_date(request.POST.get("starts_on") or "")
        except ValueError:
            starts_on = None
        if starts_on is None:
            raise ValidationError(_("Enter a valid date."))
        group = person.special_groups.filter(code=request.POST.get("group", "")).first()
        plans.create_plan(request.user, person=person, group=group, starts_on=starts_on, guardians=guardians,
                          **_plan_values(request))
        messages.success(request, _("Care plan made."))
        return redirect("care-person", person.pk)
    return render(request, "care/plan_form.html", {
        "person": person, "plan": None, "groups": person.special_groups.all(), "methods": Method.choices,
        "workers": _grid_workers(request), "buddies": _buddies(request, person),
        "today": timezone.localdate(clock.now())})


def _buddies(request, person):
    """Neighbours in the person's grid (or community) the staff may choose as the buddy."""
    home = person.unit.code[:15] if len(person.unit.code) >= 15 else person.unit.code
    return visible(request.user, Person.objects.filter(subtree_q("unit__code", home))).exclude(pk=person.pk)[:200]


@login_required
@_refusals
def plan_edit(request, pk):
    _staff_only(request)
    plan = get_visible_or_404(request.user, CarePlan.objects.select_related("person__unit"), pk=_pk(pk))
    if request.method == "POST":
        plans.change_plan(request.user, plan, **_plan_values(request))
        messages.success(request, _("Care plan changed."))
        return redirect("care-person", plan.person_id)
    return render(request, "care/plan_form.html", {
        "person": plan.person, "plan": plan, "methods": Method.choices, "workers": _grid_workers(request),
        "buddies": _buddies(request, plan.person)})


STEPS = ("pause", "resume", "end", "guardian", "device", "rotate", "revoke", "reveal")


@login_required
@require_POST
@_refusals
def plan_step(request, pk, step):
    if step not in STEPS:
        raise NotFound
    plan = get_visible_or_404(request.user, CarePlan.objects.select_related("person__unit"), pk=_pk(pk))
    post = request.POST
    if step == "reveal":
        return _reveal(request, plan)
    if step == "pause":
        plans.pause(request.user, plan, post.get("reason", ""))
    elif step == "resume":
        plans.resume(request.user, plan)
    elif step == "end":
        plans.end(request.user, plan, post.get("reason", ""))
    elif step == "guardian":
        plans.add_guardian(request.user, plan, name=post.get("name", ""), relation=post.get("relation", ""),
                           phone=post.get("phone", ""))
    elif step == "device":
        device, key = devices.register_device(request.user, plan, kind=post.get("kind", ""),
                                              label=post.get("label", ""))
        return render(request, "care/device_key.html", {"plan": plan, "device": device, "key": key})
    else:
        device = plan.devices.filter(pk=_int(post.get("device"))).first()
        if device is None:
            raise NotFound
        if step == "revoke":
            devices.revoke_device(request.user, device)
        else:
            key = devices.rotate_key(request.user, device)
            return render(request, "care/device_key.html", {"plan": plan, "device": device, "key": key})
    messages.success(request, _("Saved."))
    return redirect("care-person", plan.person_id)


def _reveal(request, plan):
    post = request.POST
    if post.get("field") == "guardian_phone":
        value = reveal.reveal_guardian_phone(request.user, _int(post.get("id")), post.get("reason", ""))
    else:
        value = reveal.reveal_reading(request.user, _int(post.get("id")), post.get("reason", ""))
    return render(request, "care/reveal.html", {"plan": plan, "value": value,
                                                "callable": post.get("field") == "guardian_phone"})


# -- a person's care page --------------------------------------------------------------------------
@login_required
def person_page(request, person_pk):
    plans_seen = visible(request.user, CarePlan.objects.select_related("person__unit", "group", "buddy",
                                                                        "grid_worker")).filter(person=_pk(person_pk))
    plan = plans_seen.exclude(status=PlanStatus.ENDED).first() or plans_seen.order_by("-created_at").first()
    if plan is None:
        person = get_visible_or_404(request.user, Person.objects.all(), pk=person_pk)
        if not is_staff(request.user, person):
            raise NotFound
        return render(request, "care/person.html", {"person": person, "plan": None})
    now = clock.now()
    recent = plan.check_ins.filter(earliest__lte=now + dt.timedelta(days=2)).order_by("-earliest")[:30]
    staff = is_staff(request.user, plan.person)
    return render(request, "care/person.html", {
        "person": plan.person, "plan": plan, "staff": staff, "checker": may_check(request.user, plan),
        "check_ins": [(c, timing(c, now)) for c in recent],
        "escalations": plan.escalations.order_by("-opened_at")[:20],
        "readings": plan.readings.select_related("device").order_by("-measured_at")[:20] if staff else [],
        "guardians": plan.guardians.all() if staff else [], "devices": plan.devices.all() if staff else [],
        "device_kinds": DeviceKind.choices, "results": Result.choices, "outcomes": Outcome.choices,
        "open_window": OPEN_WINDOW, "journal": plan.journal.order_by("-seq")[:20]})


# -- the staff's board and coverage ----------------------------------------------------------------
@login_required
def board(request):
    """Open escalations by step, oldest first, with their age and when the next step falls due."""
    _staff_only(request)
    now = clock.now()
    rows = (visible(request.user, Escalation.objects.select_related("plan__person__unit"))
            .filter(status=EscalationStatus.OPEN).order_by("opened_at")[:500])
    columns = {step: [] for step in Step}
    rules = {}
    for e in rows:
        district = e.plan.person.unit.district_code
        rules.setdefault(district, settings_for(district))
        columns[e.step].append((e, now - e.opened_at, next_step_at(e, rules[district])))
    return render(request, "care/board.html", {"columns": [(Step(s).label, items) for s, items in columns.items()],
                                               "outcomes": Outcome.choices})


@login_required
def coverage(request):
    """Care plan coverage of each community in reach (an ECharts bar), this month so far."""
    _staff_only(request)
    communities = list(Unit.objects.filter(_roots_q(request, "code", CARE_STAFF_ROLES), kind="community")
                       .order_by("code")[:200])
    today = timezone.localdate(clock.now())
    figures = compute([c.code for c in communities], today.replace(day=1), today)
    rows = [{"name": c.short_name or c.name, "code": c.code, **figures[c.code]} for c in communities]
    chart = {"names": [r["name"] for r in rows],
             "values": [round((r["coverage"] or 0) * 100, 1) for r in rows],
             "label": _("Care plan coverage (%)")}
    return render(request, "care/coverage.html", {"rows": rows, "chart": chart,
                                                  "groups": SpecialGroup.objects.all()})
