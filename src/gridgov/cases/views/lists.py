"""The work lists, one per role: a resident's own cases, a grid worker's tasks, a dispatcher's
queues, a department's inbox. Each shows cases as cards with the actions the user may take now;
every list starts from ``visible`` so nothing outside the user's scope can appear."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.contacts import my_grid_worker
from gridgov.accounts.roles import DISPATCH_ROLES, GRID_TASK_ROLES, Role
from gridgov.accounts.scope import scope_for, visible
from gridgov.core.distribution import prefetch
from gridgov.people.models import Person
from gridgov.structure import codes

from ..actions import CaseAction
from ..models import OPEN_STATUSES, Assignment, AssignmentStatus, Light, Status, TimelineEntry, WhistleCall
from ..services import due
from ..services.available import available_actions
from ..services.search import Sort, ordered
from .base import CASES, card_context, is_htmx
from .search import CaseSearchForm, query_of

PAGE_SIZE = 20


def _render(request, cases, *, title, intro, empty, tabs=(), status=200, **extra):
    """One page of ``cases`` (a queryset, or a list of (case, actions) already checked) as cards;
    to an htmx request from the search bar, only the results. Every card asks the same role
    questions; the scope answers them from ``request.user``'s roles, read once."""
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [item if isinstance(item, tuple) else (item,) for item in page.object_list]
    # Each card lists the case's departments: read for the whole page at once.
    prefetch([item[0] for item in items], "assignments", Assignment.objects.select_related("department"))
    cards = [card_context(request, *item) for item in items]
    template = "cases/_results.html" if is_htmx(request) and request.headers.get("HX-Target") == "case-results" \
        else "cases/list.html"
    return render(request, template, {
        "title": title, "intro": intro, "empty": empty, "tabs": tabs, "page": page, "cards": cards,
        "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1), **extra,
    }, status=status)


def _tabs(url_name, cases, tabs, active, query=None) -> list[dict]:
    """The tabs with the number of cases in each, counted in one aggregate query; their links keep
    the search (``query``) and start again at page 1."""
    counts = cases.aggregate(**{key: Count("pk", filter=q) for key, (_label, q) in tabs.items()})
    return [{"key": key, "label": label, "count": counts[key], "active": key == active,
             "url": f"{reverse(url_name)}?{urlencode({**(query or {}), 'tab': key})}"}
            for key, (label, _q) in tabs.items()]


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
                   empty=_("You have not reported anything yet."), report_button=True,
                   grid_contact=my_grid_worker(request.user))


# -- grid worker ------------------------------------------------------------------------------
@login_required
def tasks(request):
    """Cases waiting for this user's hand: dispatched to them or their grid, or handled in their
    grid and waiting for verification. Red first."""
    user = request.user
    scope = scope_for(user)
    if not (scope.roles & GRID_TASK_ROLES or user.is_superuser):
        raise PermissionDenied(_("Only grid workers and community staff have tasks."))
    grids = scope.units_of(GRID_TASK_ROLES)
    waiting = (Q(handler_user=user) | Q(handler_unit__code__in=grids)
               | Q(status=Status.HANDLED))
    if not user.is_superuser:
        waiting &= _in_districts(grids)
    candidates = visible(user, CASES.filter(waiting, status__in=Status.IN_HAND))
    checked = [(case, actions) for case in due.by_next_due(candidates) if (actions := available_actions(user, case))]
    return _render(request, checked, title=_("My tasks"),
                   intro=_("What is due first is on top: dispatches to acknowledge, then deadlines."),
                   empty=_("No tasks. Well done."), report_button=True)


# -- dispatcher and grid leader ---------------------------------------------------------------
_LAST_MOVE = TimelineEntry.objects.filter(case=OuterRef("pk"), district_code=OuterRef("district_code")) \
    .exclude(to_status=F("from_status")).order_by("-seq")
QUEUE_TABS = {
    "accept": (gettext_lazy("To accept"), Q(status=Status.REPORTED)),
    "dispatch": (gettext_lazy("To dispatch"), Q(status=Status.ACCEPTED)),
    "returned": (gettext_lazy("Returned"), Q(status=Status.ACCEPTED, last_move=CaseAction.RETURN)),
    "near_due": (gettext_lazy("Near due"), Q(status__in=OPEN_STATUSES, light=Light.YELLOW)),
    "overdue": (gettext_lazy("Overdue"), Q(status__in=OPEN_STATUSES, light=Light.RED)),
    "suspended": (gettext_lazy("Suspended"), Q(status=Status.SUSPENDED)),
    "all": (gettext_lazy("All"), Q()),
}
#: A grid leader's list: the cases located in their grids, those waiting for verification first.
GRID_TABS = {
    "open": (gettext_lazy("Open"), Q(status__in=OPEN_STATUSES)),
    "verify": (gettext_lazy("To verify"), Q(status=Status.HANDLED)),
    "overdue": (gettext_lazy("Overdue"), Q(status__in=OPEN_STATUSES, light=Light.RED)),
    "all": (gettext_lazy("All"), Q()),
}
VERIFY_FIRST = models.Case(models.When(status=Status.HANDLED, then=0), default=1)


def _subtrees(path: str, roots) -> Q:
    mine = Q(pk__in=[])
    for code in roots:
        mine |= codes.subtree_q(path, code)
    return mine


def _in_districts(roots) -> Q:
    """The districts the subtrees ``roots`` lie in, said outright so that the list's statements name
    them (docs/deployment.md, "Past one machine"); nothing for a root above a district."""
    districts = {codes.prefix(code, "district") for code in roots}
    return Q() if None in districts else Q(district_code__in=sorted(districts))


@login_required
def queues(request):
    """The queues of the units where the user holds a dispatching role, and those below them
    (the same rule as ``actors.is_dispatcher``); for a grid leader, the cases of their grids, the
    ones to verify on top. Searched and filtered by the bar (``views.search``), its state in the URL."""
    user = request.user
    scope = scope_for(user)
    units = scope.roots(DISPATCH_ROLES)
    grids = () if units else scope.roots({Role.GRID_LEADER})
    if not (units or grids or user.is_superuser):
        raise PermissionDenied(_("Only dispatchers and grid leaders have queues."))
    if units or user.is_superuser:
        tabs, default_tab, title = QUEUE_TABS, "accept", _("Dispatch queues")
        intro = _("Cases in the queues you dispatch, most urgent first.")
        mine = Q() if user.is_superuser else _subtrees("queue__code", units) & _in_districts(units)
    else:
        tabs, default_tab, title = GRID_TABS, "open", _("My grid's cases")
        intro = _("Cases in your grids: those waiting for verification first, then the most urgent.")
        mine = _subtrees("unit__code", grids) & _in_districts(grids)
    cases = visible(user, CASES.filter(mine)).annotate(last_move=Subquery(_LAST_MOVE.values("action")[:1]))
    tab = _pick(request, tabs, default_tab)
    form = CaseSearchForm(request.GET, roots=units or grids,
                          default_sort=Sort.NEWEST if tab == "all" else Sort.DUE)
    if not form.is_valid():
        return _render(request, [], title=title, intro=intro, empty=_("Nothing here right now."), form=form,
                       tabs=[], status=400)
    cases, sort = form.apply(user, cases)
    listed = ordered(cases.filter(tabs[tab][1]), sort)
    if grids:
        listed = listed.annotate(verify_first=VERIFY_FIRST).order_by("verify_first", *listed.query.order_by)
    return _render(request, listed, title=title, intro=intro, form=form,
                   tabs=_tabs("case-queues", cases, tabs, tab, query_of(request)),
                   empty=_("Nothing matches the search.") if form.active else _("Nothing here right now."),
                   show_queue=bool(units))


# -- department -------------------------------------------------------------------------------
@login_required
def department(request):
    """Cases dispatched or whistled to the user's department, what is due first on top: a whistle's
    report-in limit, a dispatch's acknowledge limit, then resolution deadlines (``services.due``).
    A strip above the tabs counts what waits to be acknowledged and the whistles to report in to."""
    departments = scope_for(request.user).department_ids
    if not departments:
        raise PermissionDenied(_("Only department staff have a department inbox."))
    assignments = Assignment.objects.filter(department__in=departments)
    calls = WhistleCall.objects.filter(department__in=departments)
    running = assignments.filter(status__in=AssignmentStatus.WORKING)
    waiting = calls.filter(reported_at__isnull=True)
    unacknowledged = assignments.filter(status=AssignmentStatus.DISPATCHED)
    tabs = {
        "todo": (gettext_lazy("To do"), Q(status__in=OPEN_STATUSES) & (
            Q(pk__in=running.values("case")) | Q(pk__in=waiting.values("whistle__case")))),
        "acknowledge": (gettext_lazy("To acknowledge"), Q(status__in=OPEN_STATUSES, pk__in=unacknowledged.values("case"))),
        "whistle": (gettext_lazy("Whistles to report in"), Q(status__in=OPEN_STATUSES,
                                                             pk__in=waiting.values("whistle__case"))),
        "all": (gettext_lazy("All"), Q()),
    }
    cases = visible(request.user, CASES.filter(Q(pk__in=assignments.values("case")) |
                                               Q(pk__in=calls.values("whistle__case"))))
    tab = _pick(request, tabs, "todo")
    listed = cases.filter(tabs[tab][1])
    listed = listed.order_by("-reported_at") if tab == "all" else due.by_next_due(listed, departments)
    tab_list = _tabs("department-inbox", cases, tabs, tab)
    strip = [item for item in tab_list if item["key"] in ("acknowledge", "whistle")]
    return _render(request, listed, title=_("Department inbox"), tabs=tab_list, strip=strip,
                   intro=_("What is due first is on top: whistles to report in to, dispatches to acknowledge, "
                           "then deadlines."),
                   empty=_("Nothing for your department right now."))
