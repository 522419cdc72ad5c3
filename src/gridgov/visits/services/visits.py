"""A visit's steps: recorded (done), cancelled with a reason — never both —, a finding filed as a
case (the case engine's own filing, channel "household visit", the visit keeping the case), a need
marked for micro-projects, and the watch's due-soon and overdue warnings. Every step is one
transition: the visit's row lock, scope and role re-checked, the journal entry."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.cases.models import Channel
from gridgov.cases.services.filing import through_intake
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.structure.models import Household

from ..actions import VisitsAction as A
from ..models import Visit, VisitStatus, Warned
from . import photos as visit_photos
from .common import district_of, is_staff, local_day, past_moment, plain, visitor_kind
from .overdue import due_soon_q, overdue_q

transition = journal.transition(Visit, visible=visible, related=("household__building", "unit"))

FINDINGS_MAX = 2000


def _may_act(actor, visit) -> None:
    """The visitor, the assignee or the staff over the household."""
    if actor is None or actor.pk in (visit.visitor_id, visit.assignee_id) or is_staff(actor, visit.unit):
        return
    raise PermissionDenied(_("Only the visitor, the assignee or the community's staff may do this."))


def _done(visit, actor, kind, *, findings, visited_at, checked) -> None:
    from_status = visit.status
    visit.status, visit.visitor, visit.visitor_kind = VisitStatus.DONE, actor, kind
    visit.visited_at, visit.findings = visited_at, findings
    visit.save()
    count = visit_photos.store(visit, actor, checked)
    journal.append(visit, actor, A.RECORD, from_status=from_status, to_status=VisitStatus.DONE,
                   note=findings[:200], data={"photos": count, "kind": kind})


@transition
def record(actor, visit, *, findings: str = "", visited_at: dt.datetime | None = None, photos=()):
    """The planned ``visit`` done by ``actor`` at ``visited_at`` (now when not given)."""
    if visit.status != VisitStatus.PLANNED:
        raise InvalidTransition(_("Only a planned visit can be recorded; this one is %(status)s.")
                                % {"status": visit.get_status_display()})
    # The assignee visits as the rule planned it (a grid worker may be assigned a neighbouring
    # micro-grid's household); anyone else as what they are over the household.
    kind = visit.visitor_kind if actor is not None and actor.pk == visit.assignee_id else visitor_kind(actor, visit.unit)
    moment = past_moment(visited_at, _("The visit time"))
    _done(visit, actor, kind, findings=plain(findings, _("What was found"), FINDINGS_MAX), visited_at=moment,
          checked=visit_photos.check(photos))


def visit_household(actor, household: Household, *, findings: str = "", visited_at: dt.datetime | None = None,
                    photos=()) -> Visit:
    """An unplanned visit (a cadre's, a party member's, or a grid worker's beyond the plan): made and
    recorded at once. The household must lie in the visitor's scope (the caller reads it through
    ``household_for``: 404 otherwise)."""
    unit = household.building.microgrid
    kind = visitor_kind(actor, unit)
    moment = past_moment(visited_at, _("The visit time"))
    findings = plain(findings, _("What was found"), FINDINGS_MAX)
    checked = visit_photos.check(photos)
    day = local_day(moment)
    with transaction.atomic():
        visit = Visit.objects.create(household=household, unit=unit, earliest=day, latest=day, assignee=actor,
                                     visitor_kind=kind, created_at=clock.now())
        journal.append(visit, actor, A.PLAN, to_status=VisitStatus.PLANNED, data={"unplanned": True})
        _done(visit, actor, kind, findings=findings, visited_at=moment, checked=checked)
    return visit


@transition
def cancel(actor, visit, reason: str):
    """A planned visit that will not happen, with the reason (moved away, refused, …)."""
    _may_act(actor, visit)
    if visit.status != VisitStatus.PLANNED:
        raise InvalidTransition(_("Only a planned visit can be cancelled; this one is %(status)s.")
                                % {"status": visit.get_status_display()})
    reason = plain(reason, _("Reason"), 200, required=True)
    visit.status, visit.cancelled_at, visit.cancel_reason = VisitStatus.CANCELLED, clock.now(), reason
    visit.save()
    journal.append(visit, actor, A.CANCEL, from_status=VisitStatus.PLANNED, to_status=VisitStatus.CANCELLED,
                   note=reason)


@transition
def file_case(actor, visit, *, category, title: str = "", description: str = ""):
    """File a finding of a done visit as a case in one step; the visit keeps the case."""
    _may_act(actor, visit)
    if visit.status != VisitStatus.DONE:
        raise InvalidTransition(_("Record the visit before filing a case from it."))
    if visit.case_id:
        raise InvalidTransition(_("A case was already filed from this visit: %(code)s.") % {"code": visit.case.code})
    if category is None:
        raise ValidationError(_("Choose the case's category."), code="category")
    title = plain(title, _("Title"), 100) or _("Visit finding: %(household)s") % {"household": visit.household}
    description = plain(description, _("Description"), 2000) or visit.findings
    case = through_intake(district=district_of(visit.unit), channel=Channel.VISIT, title=title, category=category,
                          description=description, reported_by=actor, unit=visit.unit, external_id=str(visit.pk))
    visit.case = case
    visit.save(update_fields=["case"])
    journal.append(visit, actor, A.FILE_CASE, from_status=visit.status, to_status=visit.status,
                   data={"case": case.code})


@transition
def mark_need(actor, visit, text: str):
    """Mark a done visit's finding as a need for micro-projects (民生微实事), with what is needed."""
    _may_act(actor, visit)
    if visit.status != VisitStatus.DONE:
        raise InvalidTransition(_("Record the visit before marking a need."))
    visit.need, visit.need_text = True, plain(text, _("The need"), 500, required=True)
    visit.save(update_fields=["need", "need_text"])
    journal.append(visit, actor, A.MARK_NEED, from_status=visit.status, to_status=visit.status,
                   note=visit.need_text)


@transition
def _warn(actor, visit, level: str, now: dt.datetime):
    if visit.status != VisitStatus.PLANNED or visit.warned == level:
        return
    visit.warned = level
    visit.save(update_fields=["warned"])
    journal.append(visit, None, A.OVERDUE if level == Warned.OVERDUE else A.DUE_SOON, from_status=visit.status,
                   to_status=visit.status, at=now)


def watch(now: dt.datetime | None = None) -> int:
    """Record "coming due" and "overdue" once per visit (the inbox tells the assignee); a second
    run finds nothing new. Answers how many warnings were recorded."""
    now = now or clock.now()
    count = 0
    planned = Visit.objects.filter(status=VisitStatus.PLANNED)
    for visit in planned.filter(overdue_q(Visit, now)).exclude(warned=Warned.OVERDUE):
        _warn(None, visit, Warned.OVERDUE, now)
        count += 1
    for visit in planned.filter(due_soon_q(Visit, now), warned=Warned.NONE):
        _warn(None, visit, Warned.DUE_SOON, now)
        count += 1
    return count

