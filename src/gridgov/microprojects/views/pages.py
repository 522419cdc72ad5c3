"""The micro-project pages: residents see the projects serving their home and evaluate them on a
phone; community staff keep the three lists and run each project step by step; the street and the
district see projects across communities, funds by source and the rankings. Every step posts to one
service; a refusal comes back as a message on the same page and nothing changes."""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, DISTRICT_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.deliberation.models import Meeting
from gridgov.reportin.models import Pledge
from gridgov.structure.codes import subtrees_q
from gridgov.structure.models import Compound, Unit

from ..models import (
    FundingLine,
    FundingSource,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectKind,
    Resource,
    ResourceKind,
    Spend,
)
from ..services import delivery, evaluations, lists, projects, sources
from ..services.available import project_actions
from ..services.common import is_staff, settings_for
from ..services.settings import configure


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
    return reverse("microprojects-home")


def _int(value, default=0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _date(value, label):
    try:
        day = parse_date(value) if value else None
    except ValueError:
        day = None
    if value and (day is None or not 2000 <= day.year <= 2100):
        raise ValidationError(_("%(field)s: enter a valid date.") % {"field": label})
    return day


def _ids(request, name) -> list[int]:
    return [n for n in (_int(v, 0) for v in request.POST.getlist(name)[:200]) if n > 0]


def _staff_communities(user):
    roots = scope_for(user).roots(DELIBERATION_STAFF_ROLES)
    if not roots:
        return Unit.objects.none()
    return Unit.objects.filter(subtrees_q("code", roots), kind="community").order_by("code")


def _community(request):
    """The community the staff page is about: the one chosen, else the first the user runs."""
    communities = _staff_communities(request.user)
    if not communities.exists():
        raise PermissionDenied(_("Only community staff, streets and the district run micro-projects."))
    chosen = request.GET.get("community") or request.POST.get("community")
    community = communities.filter(code=chosen).first() if chosen else None
    return community or communities.first(), communities


# -- residents -------------------------------------------------------------------------------------
@login_required
def mine(request):
    """The projects serving the resident's home, newest first; the open ones can be evaluated here."""
    person = getattr(request.user, "person", None)
    household = getattr(person, "household", None)
    rows = []
    if household is not None:
        serving = visible(request.user, Project.objects.select_related("community")).filter(
            evaluations.serving(household)).exclude(status__in=["proposed", "rejected", "not_approved"])
        rows = [(p, project_actions(request.user, p)) for p in serving[:100]]
    return render(request, "microprojects/mine.html", {"rows": rows, "household": household})


# -- community staff: the three lists -------------------------------------------------------------
@login_required
def home(request):
    if not scope_for(request.user).has_role(*DELIBERATION_STAFF_ROLES):
        return redirect("microprojects-mine")
    community, communities = _community(request)
    needs = Need.objects.filter(community=community).select_related("place_unit", "place_compound")[:200]
    resources = Resource.objects.filter(community=community)[:200]
    project_rows = Project.objects.filter(community=community).annotate(n_needs=Count("needs"))[:200]
    return render(request, "microprojects/home.html", {
        "community": community, "communities": communities, "needs": needs, "resources": resources,
        "projects": project_rows, "pledges": lists.unlisted_pledges(community),
        "units": Unit.objects.filter(subtrees_q("code", [community.code])).exclude(pk=community.pk)
        .order_by("code")[:300],
        "compounds": Compound.objects.filter(community=community).order_by("name"),
        "open_needs": [n for n in needs if n.status == NeedStatus.OPEN],
        "kinds": ProjectKind.choices, "resource_kinds": ResourceKind.choices})


@login_required
def need_new(request):
    """The need form, prefilled from ``?source=<kind>:<ref>`` where the source's app can be read."""
    community, communities = _community(request)
    initial = {"source": NeedSource.STAFF}
    if request.GET.get("source"):
        initial = sources.prefill(request.user, request.GET["source"])
        community = initial.get("community") or community
    if request.method == "POST":
        return _need_create(request, community)
    return render(request, "microprojects/need_form.html", {
        "community": community, "communities": communities, "initial": initial, "source_kinds": NeedSource.choices,
        "units": Unit.objects.filter(subtrees_q("code", [community.code])).order_by("code")[:300],
        "compounds": Compound.objects.filter(community=community)})


@_refusals
def _need_create(request, community):
    post = request.POST
    community = get_visible_or_404(request.user, Unit.objects.all(), code=post.get("community") or community.code)
    unit = Unit.objects.filter(pk=_int(post.get("place_unit"))).first() if post.get("place_unit") else None
    compound = Compound.objects.filter(pk=_int(post.get("place_compound"))).first() if post.get("place_compound") \
        else None
    need = lists.create_need(request.user, community=community, title=post.get("title", ""),
                             description=post.get("description", ""), households=post.get("households") or 0,
                             place_unit=unit, place_compound=compound, source=post.get("source", NeedSource.STAFF),
                             source_ref=post.get("source_ref", ""))
    messages.success(request, _("The need is on the list."))
    return redirect(need.get_absolute_url())


@login_required
def need(request, pk):
    need = get_visible_or_404(request.user, Need.objects.select_related("community", "place_unit", "place_compound"),
                              pk=pk)
    return render(request, "microprojects/need.html", {
        "need": need, "projects": need.projects.all(), "staff": is_staff(request.user, need.community)})


@login_required
@require_POST
@_refusals
def need_close(request, pk):
    need = get_visible_or_404(request.user, Need.objects.all(), pk=pk)
    lists.close_need(request.user, need, request.POST.get("reason", ""))
    return redirect(need.get_absolute_url())


@login_required
@require_POST
@_refusals
def resource_add(request):
    community, _communities = _community(request)
    post = request.POST
    lists.add_resource(request.user, community=community, kind=post.get("kind", ""), title=post.get("title", ""),
                       provider_kind=post.get("provider_kind", ""), provider_name=post.get("provider_name", ""),
                       quantity=post.get("quantity", ""), amount=post.get("amount") or None,
                       available_from=_date(post.get("available_from"), _("Available from")),
                       available_until=_date(post.get("available_until"), _("Available until")))
    messages.success(request, _("The resource is on the list."))
    return redirect(f"{reverse('microprojects-home')}?community={community.code}#resources")


@login_required
@require_POST
@_refusals
def pledge_list(request, pk):
    pledge = get_visible_or_404(request.user, Pledge.objects.select_related("unit__community"), pk=pk)
    lists.list_pledge(request.user, pledge)
    return redirect(f"{reverse('microprojects-home')}?community={pledge.unit.community.code}#resources")


@login_required
@require_POST
@_refusals
def project_new(request):
    community, _communities = _community(request)
    post = request.POST
    project = projects.propose(
        request.user, community=community, kind=post.get("kind", ""), title=post.get("title", ""),
        description=post.get("description", ""), budget=post.get("budget", ""),
        planned_start=_date(post.get("planned_start"), _("Planned start")),
        planned_end=_date(post.get("planned_end"), _("Planned end")),
        served_units=list(Unit.objects.filter(pk__in=_ids(request, "served_units"))),
        served_compounds=list(Compound.objects.filter(pk__in=_ids(request, "served_compounds"))),
        needs=list(visible(request.user, Need.objects.filter(pk__in=_ids(request, "needs")))),
        resources=list(visible(request.user, Resource.objects.filter(pk__in=_ids(request, "resources")))))
    messages.success(request, _("The project is proposed."))
    return redirect(project.get_absolute_url())


# -- one project -----------------------------------------------------------------------------------
@login_required
def project(request, pk):
    project = get_visible_or_404(request.user, Project.objects.select_related("community"), pk=pk)
    scores = project.evaluations.aggregate(n=Count("pk"), total=Sum("score"))
    return render(request, "microprojects/project.html", {
        "project": project, "actions": project_actions(request.user, project),
        "lines": project.funding_lines.all(), "milestones": project.milestones.all(),
        "spends": Spend.objects.filter(line__project=project).select_related("line"),
        "needs": project.needs.all(), "resources": project.resources.all(),
        "served_units": project.served_units.all(), "served_compounds": project.served_compounds.all(),
        "responses": scores["n"], "mean": round(scores["total"] / scores["n"], 2) if scores["n"] else None,
        "history": project.journal.select_related("actor").order_by("seq"), "sources": FundingSource.choices,
        "large": projects.needs_matter(project),
        "meetings": visible(request.user, Meeting.objects.filter(community=project.community,
                                                                 status__in=["scheduled", "open"]))
        .order_by("starts_at")[:20],
        "threshold": settings_for(project.community.district_code).large_threshold})


def _meeting(request):
    return get_visible_or_404(request.user, Meeting.objects.all(), pk=_int(request.POST.get("meeting")))


STEPS = {
    "review": lambda r, p: projects.review(r.user, p, feasible=r.POST.get("feasible") == "yes",
                                           reason=r.POST.get("reason", "")),
    "decide": lambda r, p: projects.decide(r.user, p, approve=r.POST.get("approve") == "yes",
                                           note=r.POST.get("note", "")),
    "agenda": lambda r, p: projects.put_on_agenda(r.user, p, _meeting(r)),
    "matter": lambda r, p: projects.start_matter(r.user, p),
    "start": lambda r, p: projects.start(r.user, p),
    "fund": lambda r, p: delivery.add_line(r.user, p, source=r.POST.get("source", ""),
                                           allocated=r.POST.get("allocated", ""), note=r.POST.get("note", "")),
    "spend": lambda r, p: delivery.spend(
        r.user, get_visible_or_404(r.user, FundingLine.objects.filter(project=p), pk=_int(r.POST.get("line"))),
        amount=r.POST.get("amount", ""), evidence=r.POST.get("evidence", ""), photo=r.FILES.get("photo")),
    "milestone": lambda r, p: delivery.add_milestone(r.user, p, title=r.POST.get("title", ""),
                                                     progress=_int(r.POST.get("progress"), -1),
                                                     note=r.POST.get("note", ""), photo=r.FILES.get("photo")),
    "accept": lambda r, p: projects.accept(r.user, p, note=r.POST.get("note", "")),
    "open_evaluation": lambda r, p: projects.open_evaluation(r.user, p),
    "close": lambda r, p: projects.close(r.user, p),
    "close_unevaluated": lambda r, p: projects.close_unevaluated(r.user, p, reason=r.POST.get("reason", "")),
    "evaluate": lambda r, p: evaluations.evaluate(r.user, p, score=_int(r.POST.get("score"), 0),
                                                  comment=r.POST.get("comment", "")),
}


@login_required
@require_POST
@_refusals
def project_action(request, pk, step):
    if step not in STEPS:
        raise Http404
    project = get_visible_or_404(request.user, Project.objects.select_related("community"), pk=pk)
    STEPS[step](request, project)
    if step == "evaluate":
        messages.success(request, _("Thank you: your household's evaluation is recorded."))
        return redirect("microprojects-mine")
    return redirect(project.get_absolute_url())


# -- the street and the district -------------------------------------------------------------------
@login_required
def overview(request):
    """Projects across the communities in reach, funds by source (a bar chart) and the rankings."""
    scope = scope_for(request.user)
    if not scope.has_role(*DELIBERATION_STAFF_ROLES):
        raise PermissionDenied(_("Only community staff, streets and the district run micro-projects."))
    rows = visible(request.user, Project.objects.select_related("community"))
    status = request.GET.get("status", "")
    listed = rows.filter(status=status) if status else rows
    funds = {key: {"allocated": 0, "spent": 0} for key in FundingSource.values}
    for source, allocated, spent in (visible(request.user, FundingLine.objects.all()).order_by()
                                     .values_list("source").annotate(a=Sum("allocated"), s=Sum("spent"))):
        funds[source] = {"allocated": float(allocated), "spent": float(spent)}
    chart = {"sources": [str(label) for _key, label in FundingSource.choices],
             "allocated": [funds[key]["allocated"] for key in FundingSource.values],
             "spent": [funds[key]["spent"] for key in FundingSource.values],
             "allocated_label": _("Allocated"), "spent_label": _("Spent")}
    districts = sorted(scope.district_codes) or [""]
    return render(request, "microprojects/overview.html", {
        "projects": listed[:300], "status": status, "statuses": Project._meta.get_field("status").choices,
        "chart": chart, "rankings": evaluations.rankings(rows, districts[0])[:20],
        "district": scope.has_role(*DISTRICT_ROLES)})


@login_required
def settings_page(request):
    scope = scope_for(request.user)
    roots = [code for code in scope.roots(DISTRICT_ROLES) if len(code) == 6]
    if not roots:
        raise PermissionDenied(_("Only the district's administrators and dispatchers may change these settings."))
    district = Unit.objects.get(code=roots[0])
    if request.method == "POST":
        try:
            configure(request.user, district, large_threshold=request.POST.get("large_threshold", ""),
                      evaluation_days=request.POST.get("evaluation_days", ""),
                      min_responses=request.POST.get("min_responses", ""))
            messages.success(request, _("Settings saved."))
            return redirect("microprojects-settings")
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    return render(request, "microprojects/settings.html", {"district": district,
                                                            "rules": settings_for(district.code)})

