"""A project's way from proposal to closing: proposed → reviewed (feasible / rejected) → decided
(approved / not) → in progress → accepted → evaluating → (evaluation ended) → closed. Every step is
one transition: the project's row lock, scope and role re-checked, the state checked, the journal
entry — all in one transaction (docs/microprojects.md)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import MicroprojectAction as A
from ..models import (
    Closure,
    DecisionRoute,
    Need,
    NeedStatus,
    Project,
    ProjectKind,
)
from ..models import ProjectStatus as S
from .common import money, plain, require_district, require_staff, settings_for
from .decisions import add_agenda_item, open_matter, passed_resolution, published_matter
from .lists import check_community, check_place

transition = journal.transition(Project, visible=visible, related=("community",))


def step(project, actor, action, to_status=None, *, note="", data=None):
    """Move ``project`` to ``to_status`` (or leave it) and journal ``action``."""
    from_status = project.status
    if to_status is not None:
        project.status = to_status
    project.save()
    journal.append(project, actor, action, from_status=from_status, to_status=project.status, note=note, data=data)


def require(project, *states, message):
    if project.status not in states:
        raise InvalidTransition(message)


def _dates(start, end):
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        raise ValidationError(_("Enter the planned start and end dates."))
    if end < start:
        raise ValidationError(_("The planned end must not be before the planned start."))


def propose(actor, *, community, kind: str, title: str, budget, planned_start, planned_end, description: str = "",
            served_units=(), served_compounds=(), needs=(), resources=()) -> Project:
    """Put a project on the community's projects list, serving an area and meeting some of its open needs."""
    check_community(community)
    require_staff(actor, community)
    if kind not in ProjectKind.values:
        raise ValidationError(_("Choose the kind of project."))
    _dates(planned_start, planned_end)
    served_units, served_compounds = list(served_units), list(served_compounds)
    if not served_units and not served_compounds:
        raise ValidationError(_("Say which units or compounds the project serves."))
    for unit in served_units:
        check_place(community, unit=unit)
    for compound in served_compounds:
        check_place(community, compound=compound)
    if any(resource.community_id != community.pk for resource in resources):
        raise ValidationError(_("Use resources of the project's community."))
    fields = {"title": plain(title, _("Title"), 120, required=True),
              "description": plain(description, _("Description"), 4000), "budget": money(budget, _("The budget"))}
    now = clock.now()
    with transaction.atomic():
        locked = list(Need.objects.select_for_update().filter(pk__in=[need.pk for need in needs]))
        if any(need.community_id != community.pk or need.status != NeedStatus.OPEN for need in locked):
            raise ValidationError(_("A project meets open needs of its own community."))
        project = Project.objects.create(community=community, kind=kind, planned_start=planned_start,
                                         planned_end=planned_end, created_by=actor, proposed_at=now, **fields)
        project.served_units.set(served_units)
        project.served_compounds.set(served_compounds)
        project.resources.set(list(resources))
        project.needs.set(locked)
        Need.objects.filter(pk__in=[need.pk for need in locked]).update(status=NeedStatus.IN_PROJECT)
        journal.append(project, actor, A.PROPOSE, to_status=S.PROPOSED, at=now,
                       data={"needs": sorted(need.pk for need in locked), "budget": str(project.budget)})
    return project


def _release_needs(project) -> None:
    """A project that will not happen gives its needs back to the open list."""
    project.needs.filter(status=NeedStatus.IN_PROJECT).update(status=NeedStatus.OPEN)


@transition
def review(actor, project, *, feasible: bool, reason: str):
    """The feasibility review (可行性): feasible or not, always with the reason."""
    require_staff(actor, project.community)
    require(project, S.PROPOSED, message=_("Only a proposed project is reviewed."))
    project.review_reason = plain(reason, _("The review's reason"), 500, required=True)
    if not feasible:
        _release_needs(project)
    step(project, actor, A.REVIEW, S.FEASIBLE if feasible else S.REJECTED, note=project.review_reason)


def needs_matter(project) -> bool:
    """Whether the project's budget reaches its district's threshold: decided by a 四议两公开 matter."""
    return project.budget >= settings_for(project.community.district_code).large_threshold


@transition
def decide(actor, project, *, approve: bool, note: str = ""):
    """Record the decision. Approval needs deliberation's word: a passing meeting resolution, or —
    from the district's threshold up — a 四议两公开 matter whose resolution is published. A project
    not approved is closed with the reason (its needs go back to the open list)."""
    require_staff(actor, project.community)
    require(project, S.FEASIBLE, message=_("Only a project reviewed as feasible is decided."))
    note = plain(note, _("Note"), 500)
    now = clock.now()
    if not approve:
        if not note:
            raise ValidationError(_("Say why the project is not approved."))
        project.decision_route, project.decision_note, project.decided_at = DecisionRoute.STAFF, note, now
        _release_needs(project)
        step(project, actor, A.DECIDE, S.NOT_APPROVED, note=note)
        return
    if needs_matter(project):
        matter = published_matter(project.ref)
        if matter is None:
            raise ValidationError(_("A project of %(threshold)s yuan or more is decided by a 四议两公开 matter whose "
                                    "resolution is published.")
                                  % {"threshold": settings_for(project.community.district_code).large_threshold})
        route, data = DecisionRoute.MATTER, {"matter": matter.pk}
    else:
        resolution = passed_resolution(project.ref)
        if resolution is None:
            raise ValidationError(_("Approval needs a passing meeting resolution about this project."))
        route, data = DecisionRoute.MEETING, {"resolution": resolution.pk}
    project.decision_route, project.decision_note, project.decided_at = route, note, now
    step(project, actor, A.DECIDE, S.APPROVED, note=note, data=data)


@transition
def put_on_agenda(actor, project, meeting):
    """Put a feasible project on a meeting's agenda (deliberation's ``add_agenda_item``)."""
    require_staff(actor, project.community)
    require(project, S.FEASIBLE, message=_("Only a project reviewed as feasible goes to a meeting."))
    item = add_agenda_item(actor, meeting, project)
    step(project, actor, A.AGENDA, data={"meeting": meeting.pk, "item": item.pk})


@transition
def start_matter(actor, project):
    """Open the 四议两公开 matter that decides a large project (deliberation's ``open_matter``)."""
    require_staff(actor, project.community)
    require(project, S.FEASIBLE, message=_("Only a project reviewed as feasible goes to 四议两公开."))
    matter = open_matter(actor, project)
    step(project, actor, A.MATTER, data={"matter": matter.pk})


@transition
def start(actor, project):
    require_staff(actor, project.community)
    require(project, S.APPROVED, message=_("Only an approved project is started."))
    step(project, actor, A.START, S.IN_PROGRESS)


@transition
def accept(actor, project, *, note: str):
    """验收: the staff accept the delivered project, with a note."""
    require_staff(actor, project.community)
    require(project, S.IN_PROGRESS, message=_("Only a project in progress is accepted."))
    project.acceptance_note = plain(note, _("The acceptance note"), 500, required=True)
    project.accepted_at = clock.now()
    project.progress = 100
    step(project, actor, A.ACCEPT, S.ACCEPTED, note=project.acceptance_note)


@transition
def open_evaluation(actor, project):
    """Open the residents' evaluation for the district's window; the served households are told."""
    require_staff(actor, project.community)
    require(project, S.ACCEPTED, message=_("Only an accepted project is evaluated."))
    rules = settings_for(project.community.district_code)
    now = clock.now()
    project.evaluation_opens_at = now
    project.evaluation_closes_at = now + dt.timedelta(days=rules.evaluation_days)
    project.min_responses = rules.min_responses
    project.reminded = False
    step(project, actor, A.OPEN_EVALUATION, S.EVALUATING,
         data={"closes": project.evaluation_closes_at.isoformat(), "min": rules.min_responses})


def window_ended(project, now=None) -> bool:
    return project.evaluation_closes_at is not None and (now or clock.now()) >= project.evaluation_closes_at


@transition
def close(actor, project):
    """Close an evaluated project: only once its window has ended with enough responses."""
    require_staff(actor, project.community)
    require(project, S.EVALUATING, S.EVALUATED, message=_("Only a project whose evaluation has ended is closed."))
    if not window_ended(project):
        raise InvalidTransition(_("The residents' evaluation is still open until %(end)s.")
                                % {"end": timezone.localtime(project.evaluation_closes_at).strftime("%Y-%m-%d %H:%M")})
    responses = project.evaluations.count()
    if responses < (project.min_responses or 1):
        raise ValidationError(_("Only %(n)d households evaluated the project; %(min)d are needed. The district "
                                "may close it as unevaluated.") % {"n": responses, "min": project.min_responses})
    project.closure, project.closed_at = Closure.EVALUATED, clock.now()
    step(project, actor, A.CLOSE, S.CLOSED, data={"responses": responses})


@transition
def close_unevaluated(actor, project, *, reason: str):
    """The district closes an accepted project without a valid evaluation, with the reason."""
    require_district(actor, project.community.district_code)
    require(project, S.ACCEPTED, S.EVALUATING, S.EVALUATED,
            message=_("Only an accepted project is closed unevaluated."))
    project.close_reason = plain(reason, _("Reason"), 500, required=True)
    project.closure, project.closed_at = Closure.UNEVALUATED, clock.now()
    step(project, actor, A.CLOSE_UNEVALUATED, S.CLOSED, note=project.close_reason)
