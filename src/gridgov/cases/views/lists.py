"""The work lists, one per role: a resident's own cases, a grid worker's tasks, a dispatcher's
queues, a department's inbox. Each shows cases as cards with the actions the user may take now;
every list starts from ``visible`` so nothing outside the user's scope can appear."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import DISPATCH_ROLES, GRID_TASK_ROLES
from gridgov.accounts.scope import scope_for, visible
from gridgov.people.models import Person
from gridgov.structure import codes

from ..actions import CaseAction
from ..models import OPEN_STATUSES, Assignment, AssignmentStatus, Light, Status, TimelineEntry, WhistleCall
from ..services.available import available_actions
from .base import CASES, by_urgency, card_context

PAGE_SIZE = 20


def _render(request, cases, *, title, intro, empty, tabs=(), **extra):
    """One page of ``cases`` (a queryset, or a list of (case, actions) already checked) as cards.
    Every card asks the same role questions; the scope answers them from ``request.user``'s roles,
    read once."""
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    cards = [card_context(request, *(item if isinstance(item, tuple) else (item,))) for item in page.object_list]
    return render(request, "cases/list.html", {"title": title, "intro": intro, "empty": empty, "tabs": tabs,
                                               "page": page, "cards": cards, **extra})


def _tabs(url_name, cases, tabs, active) -> list[dict]:
    """The tabs with the number of cases in each, counted in one aggregate query."""
    counts = cases.aggregate(**{key: Count("pk", filter=q) for key, (_label, q) in tabs.items()})
    return [{"key": key, "label": label, "count": counts[key], "active": key == active,
             "url": f"{reverse(url_name)}?tab={key}"} for key, (label, _q) in tabs.items()]


def _pick(request, tabs, default):
    tab = request.GET.get("tab", default)
    return tab if tab in tabs else default


# -- resident ---------------------------------------------------------------------------------
@login_required
def my_cases(request):
    """The cases this user reported (as a resident, or from patrol), newest first."""
    person = Person.objects.filter(user=request.user).values_list("pk", flat=True).first()
    mine = Q(reported_by=request.user) | (Q(reporter_id=person) if person else Q(pk__in=[]))
    cases = visible(request.user, CASES.filter(mine)).order_by("-reported_at")
    return _render(request, cases, title=_("My cases"), intro=_("What you reported, and how far it has got."),
                   empty=_("You have not reported anything yet."), report_button=True)


# -- grid worker ------------------------------------------------------------------------------
@login_required
def tasks(request):
    """Cases waiting for this user's hand: dispatched to them or their grid, or handled in their
    grid and waiting for verification. Red first."""
    user = request.user
    scope = scope_for(user)
    if not (scope.roles & GRID_TASK_ROLES or user.is_superuser):
        raise PermissionDenied(_("Only grid workers and community staff have tasks."))
    waiting = (Q(handler_user=user) | Q(handler_unit__code__in=scope.units_of(GRID_TASK_ROLES))
               | Q(status=Status.HANDLED))
    candidates = visible(user, CASES.filter(waiting, status__in=Status.IN_HAND))
    checked = [(case, actions) for case in by_urgency(candidates) if (actions := available_actions(user, case))]
    return _render(request, checked, title=_("My tasks"), intro=_("Most urgent first: red, yellow, then green."),
                   empty=_("No tasks. Well done."), report_button=True)


# -- dispatcher -------------------------------------------------------------------------------
_LAST_MOVE = TimelineEntry.objects.filter(case=OuterRef("pk")).exclude(to_status=F("from_status")).order_by("-seq")
QUEUE_TABS = {
    "accept": (gettext_lazy("To accept"), Q(status=Status.REPORTED)),
    "dispatch": (gettext_lazy("To dispatch"), Q(status=Status.ACCEPTED)),
    "returned": (gettext_lazy("Returned"), Q(status=Status.ACCEPTED, last_move=CaseAction.RETURN)),
    "near_due": (gettext_lazy("Near due"), Q(status__in=OPEN_STATUSES, light=Light.YELLOW)),
    "overdue": (gettext_lazy("Overdue"), Q(status__in=OPEN_STATUSES, light=Light.RED)),
    "suspended": (gettext_lazy("Suspended"), Q(status=Status.SUSPENDED)),
    "all": (gettext_lazy("All"), Q()),
}


@login_required
def queues(request):
    """The queues of the units where the user holds a dispatching role, and those below them
    (the same rule as ``actors.is_dispatcher``)."""
    user = request.user
    units = scope_for(user).roots(DISPATCH_ROLES)
    if not units and not user.is_superuser:
        raise PermissionDenied(_("Only dispatchers have queues."))
    mine = Q()
    if not user.is_superuser:
        mine = Q(pk__in=[])
        for code in units:
            mine |= codes.subtree_q("queue__code", code)
    cases = visible(user, CASES.filter(mine)).annotate(last_move=Subquery(_LAST_MOVE.values("action")[:1]))
    tab = _pick(request, QUEUE_TABS, "accept")
    listed = cases.filter(QUEUE_TABS[tab][1])
    listed = listed.order_by("-reported_at") if tab == "all" else by_urgency(listed)
    return _render(request, listed, title=_("Dispatch queues"), tabs=_tabs("case-queues", cases, QUEUE_TABS, tab),
                   intro=_("Cases in the queues you dispatch, most urgent first."),
                   empty=_("Nothing here right now."), show_queue=True)


# -- department -------------------------------------------------------------------------------
@login_required
def department(request):
    """Cases dispatched or whistled to the user's department; "to do" is what still needs it."""
    departments = scope_for(request.user).department_ids
    if not departments:
        raise PermissionDenied(_("Only department staff have a department inbox."))
    assignments = Assignment.objects.filter(department__in=departments)
    calls = WhistleCall.objects.filter(department__in=departments)
    running = assignments.filter(status__in=AssignmentStatus.WORKING)
    waiting = calls.filter(reported_at__isnull=True)
    tabs = {
        "todo": (gettext_lazy("To do"), Q(status__in=OPEN_STATUSES) & (
            Q(pk__in=running.values("case")) | Q(pk__in=waiting.values("whistle__case")))),
        "all": (gettext_lazy("All"), Q()),
    }
    cases = visible(request.user, CASES.filter(Q(pk__in=assignments.values("case")) |
                                               Q(pk__in=calls.values("whistle__case"))))
    tab = _pick(request, tabs, "todo")
    listed = cases.filter(tabs[tab][1])
    listed = by_urgency(listed) if tab == "todo" else listed.order_by("-reported_at")
    return _render(request, listed, title=_("Department inbox"), tabs=_tabs("department-inbox", cases, tabs, tab),
                   intro=_("Cases dispatched to your department, and whistles it must report in to."),
                   empty=_("Nothing for your department right now."))
