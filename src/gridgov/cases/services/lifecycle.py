"""The case lifecycle (GB/T 30428: 案卷建立 → 任务派遣 → 任务处理 → 处理反馈 → 核实结案 → 综合评价).

Every function here is one transition. It takes the acting user (``None`` is the platform itself),
re-reads the case with its row locked (``select_for_update``: two dispatchers acting at once are
serialised and the second finds the state already changed), checks scope, role and state, changes
the case, recomputes deadline and light, and appends the timeline entry — all in one transaction
(the kernel's :func:`gridgov.core.journal.transition`). Each entry reaches the assessment tallies
inside that transaction and the inbox once it commits (see :mod:`gridgov.core.journal`).
"""
import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.roles import GRID_ROLES
from gridgov.accounts.scope import visible
from gridgov.catalogue.services import check_grid_admission
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.structure import codes
from gridgov.structure.models import Department, Unit, UnitKind
from gridgov.workdays.services import working_time_between

from .. import actions
from ..actions import CaseAction
from ..models import OPEN_STATUSES, Assignment, AssignmentStatus, Case, ExtensionRequest, Level, Rating, Status
from . import actors, deadlines, dispatches
from .photos import attach

REJECT_REASONS = {"duplicate": _("duplicate"), "out_of_scope": _("out of scope"), "invalid": _("invalid")}
NEXT_LEVEL = {Level.GRID: Level.COMMUNITY, Level.COMMUNITY: Level.STREET, Level.STREET: Level.DISTRICT}
#: How long a merge may be undone once its master is no longer open (while it is open, always).
UNMERGE_HOURS = 72
QUEUE_LEVEL = {UnitKind.COMMUNITY: Level.COMMUNITY, UnitKind.STREET: Level.STREET, UnitKind.DISTRICT: Level.DISTRICT}


#: ``@transition`` makes ``func(actor, case, …)`` a transition: the case is read and locked through
#: the actor's scope (outside it: ``NotFound``, as for a case that does not exist). Every transition
#: recomputes the light from the category's limits, so the category comes with the row.
transition = journal.transition(Case, visible=visible, related=("category", "unit"))


def require_status(case, *allowed) -> None:
    if case.status not in allowed:
        raise InvalidTransition(
            _("The case is “%(status)s”; this action is not possible now.") % {"status": Status.text(case.status)},
            code="state")


def record(case, actor, action: str, *, from_status=None, now=None, note: str = "", data: dict | None = None,
           first: bool = False):
    """Bring the case's dispatch records up to the step, then append the timeline entry; the journal
    tells the listeners (aggregates now, inbox on commit). ``first``: the case's report, the entry
    of a case this transaction created."""
    from_status = case.status if from_status is None else from_status
    now = now or clock.now()
    dispatches.follow(case, actor, action, from_status=from_status, at=now, data=data or {})
    return journal.append(case, actor, action, from_status=from_status, to_status=case.status, at=now, note=note,
                          data=data, first=first)


def move(case, actor, action: str, to_status: str, *, now=None, note: str = "", data: dict | None = None):
    """Set the new status, refresh the light, save, and record the step."""
    now = now or clock.now()
    from_status = case.status
    case.status = to_status
    case.light = deadlines.light(case, now)
    case.save()
    return record(case, actor, action, from_status=from_status, now=now, note=note, data=data)


# -- 受理 -----------------------------------------------------------------------------------
@transition
def accept(actor, case, note: str = "", now=None):
    require_status(case, *actions.states(CaseAction.ACCEPT))
    actors.require_dispatcher(actor, case)
    case.accepted_at = now or clock.now()
    move(case, actor, CaseAction.ACCEPT, Status.ACCEPTED, now=case.accepted_at, note=note)


@transition
def reject(actor, case, reason: str, note: str = ""):
    require_status(case, *actions.states(CaseAction.REJECT))
    actors.require_dispatcher(actor, case)
    if reason not in REJECT_REASONS:
        raise ValidationError(_("Give a reason: duplicate, out of scope or invalid."), code="reason")
    case.reject_reason = reason
    move(case, actor, CaseAction.REJECT, Status.REJECTED, note=note, data={"reason": reason})


# -- 改类 -----------------------------------------------------------------------------------
@transition
def recategorise(actor, case, category, note: str = ""):
    """A dispatcher of the case's queue corrects its category while it waits in the queue: the
    deadline and the light follow the new category's limit, and the entry says what changed
    (``data``: the category codes ``from`` and ``to``)."""
    require_status(case, *Status.IN_QUEUE)
    actors.require_dispatcher(actor, case)
    if not category.active or category.children.exists():
        raise ValidationError(_("Choose a specific, active category."), code="category")
    if category.pk == case.category_id:
        raise ValidationError(_("The case is already in this category."), code="category")
    previous = case.category
    case.category = category
    case.resolution_due = deadlines.resolution_due(case)
    move(case, actor, CaseAction.RECATEGORISE, case.status, note=note,
         data={"from": previous.code, "to": category.code, "resolution_due": case.resolution_due.isoformat()})


# -- 派遣 -----------------------------------------------------------------------------------
def _grid_code(case) -> str | None:
    return codes.prefix(case.unit.code, "grid")


def _person_target_level(case, user) -> str:
    """A case goes to a grid worker/leader of its own grid (the admission rule applies) or to staff
    of its community; the answer is the level that will resolve it."""
    grid = _grid_code(case)
    worker = grid and RoleAssignment.objects.filter(user=user, role__in=GRID_ROLES).filter(
        codes.subtree_q("unit__code", grid)).exists()
    if worker:
        check_grid_admission(case.category)
        return Level.GRID
    staff = RoleAssignment.objects.filter(user=user, role=Role.COMMUNITY_STAFF,
                                          unit__code=codes.prefix(case.unit.code, "community")).exists()
    if not staff:
        raise ValidationError(_("Dispatch to a worker of the case's grid or to its community's staff."), code="target")
    return Level.COMMUNITY


@transition
def dispatch(actor, case, *, to_user=None, to_grid: Unit | None = None, lead: Department | None = None,
             assisting: list[Department] = (), note: str = "", now=None):
    """Dispatch an accepted case to one person, to a grid's workers, or to a lead department with
    optional assisting departments (联动处置)."""
    require_status(case, *actions.states(CaseAction.DISPATCH))
    actors.require_dispatcher(actor, case)
    if sum(x is not None for x in (to_user, to_grid, lead)) != 1:
        raise ValidationError(_("Dispatch to exactly one of: a person, a grid, or a lead department."), code="target")
    now = now or clock.now()
    data = {}
    if to_user is not None:
        case.level = _person_target_level(case, to_user)
        case.handler_user, case.handler_unit = to_user, None
        data["to_user"] = to_user.username
    elif to_grid is not None:
        if to_grid.kind not in (UnitKind.GRID, UnitKind.MICROGRID) or to_grid.code != codes.prefix(case.unit.code, to_grid.kind):
            raise ValidationError(_("Dispatch to the grid the case is located in."), code="target")
        check_grid_admission(case.category)
        case.level = Level.GRID
        case.handler_user, case.handler_unit = None, to_grid
        data["to_grid"] = to_grid.code
    else:
        departments = [lead, *assisting]
        if any(d.district.code != case.district_code for d in departments) or len(set(departments)) != len(departments):
            raise ValidationError(_("Dispatch to distinct departments of the case's district."), code="target")
        case.handler_user = case.handler_unit = None
        Assignment.objects.bulk_create([Assignment(case=case, district_code=case.district_code, department=d,
                                                   lead=d == lead, dispatched_at=now) for d in departments])
        data["lead"] = lead.code
        data["assisting"] = [d.code for d in assisting]
        case.level = Level.DISTRICT if case.queue.kind == UnitKind.DISTRICT else Level.STREET
    case.dispatched_at = now
    case.dispatch_count += 1
    case.response_due = deadlines.response_due(case, now)
    case.response_reminded = False
    data["response_due"] = case.response_due.isoformat()
    move(case, actor, CaseAction.DISPATCH, Status.DISPATCHED, now=now, note=note, data=data)


# -- 签收 · 退单 -------------------------------------------------------------------------------
@transition
def acknowledge(actor, case, now=None):
    """签收. The response time is measured here; for departments, the lead's acknowledgement counts."""
    now = now or clock.now()
    assignment = actors.active_assignment(actor, case)
    if assignment is not None:
        if assignment.status != AssignmentStatus.DISPATCHED:
            raise InvalidTransition(_("Your department has already acknowledged this case."), code="state")
        assignment.status, assignment.acknowledged_at = AssignmentStatus.ACKNOWLEDGED, now
        assignment.save()
        if not assignment.lead:
            record(case, actor, CaseAction.ACKNOWLEDGE, now=now,
                            data={"department": assignment.department.code})
            return
    else:
        actors.require_handler(actor, case)
    require_status(case, *actions.states(CaseAction.ACKNOWLEDGE, "handler"))
    if case.handler_unit_id:
        case.handler_user, case.handler_unit = actor, None
    case.acknowledged_at = now
    case.ack_seconds = int(working_time_between(case.dispatched_at, now).total_seconds())
    data = {"department": assignment.department.code} if assignment else {}
    move(case, actor, CaseAction.ACKNOWLEDGE, Status.ACKNOWLEDGED, now=now, data=data)


@transition
def return_case(actor, case, reason: str):
    """退单: a wrong dispatch goes back to the dispatcher's queue with the reason. An assisting
    department's return only withdraws that department."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("Say why the dispatch is wrong."), code="reason")
    require_status(case, *actions.states(CaseAction.RETURN, "handler"))
    now = clock.now()
    assignment = actors.active_assignment(actor, case)
    if assignment is None:
        actors.require_handler(actor, case)
    else:
        assignment.status, assignment.returned_at, assignment.return_reason = AssignmentStatus.RETURNED, now, reason
        assignment.save()
        if not assignment.lead:
            record(case, actor, CaseAction.RETURN, now=now,
                            note=reason, data={"department": assignment.department.code})
            return
        case.own("assignments").filter(status__in=AssignmentStatus.ACTIVE).update(status=AssignmentStatus.CANCELLED)
    case.handler_user = case.handler_unit = None
    case.dispatched_at = case.response_due = None
    case.return_count += 1
    move(case, actor, CaseAction.RETURN, Status.ACCEPTED, now=now, note=reason)


# -- 处置 · 反馈 · 核查 · 结案 ----------------------------------------------------------------------
@transition
def handle(actor, case, note: str, photos=(), now=None):
    """处置反馈. The lead's (or the person's) feedback makes the case handled; an assisting
    department's feedback is recorded. Without a verification step the case then closes."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Describe what was done."), code="note")
    now = now or clock.now()
    assignment = actors.active_assignment(actor, case)
    if assignment is not None:
        if assignment.status != AssignmentStatus.ACKNOWLEDGED:
            raise InvalidTransition(_("Acknowledge the case before giving feedback."), code="state")
        assignment.status, assignment.handled_at, assignment.note = AssignmentStatus.HANDLED, now, note
        assignment.save()
        if not assignment.lead:
            record(case, actor, CaseAction.FEEDBACK, now=now,
                            note=note, data={"department": assignment.department.code})
            return
    else:
        actors.require_handler(actor, case)
    require_status(case, *actions.states(CaseAction.HANDLE, "handler"))
    case.handled_at = now
    count = attach(case, actor, "handle", photos)
    move(case, actor, CaseAction.HANDLE, Status.HANDLED, now=now, note=note, data={"photos": count})
    if not case.category.needs_verification:
        _close(case, None, now, _("Closed: this category needs no verification."))


def _close(case, actor, now, note=""):
    case.closed_at = now
    case.closed_on_time = case.resolution_due is None or now <= case.resolution_due
    case.close_seconds = int(deadlines.elapsed(case, now).total_seconds())
    move(case, actor, CaseAction.CLOSE, Status.CLOSED, now=now, note=note)


@transition
def verify(actor, case, passed: bool, note: str = "", now=None):
    """核查 by the grid: a pass closes the case; a failure sends it back to the handler (返工)."""
    require_status(case, *actions.states(CaseAction.VERIFY))
    actors.require_verifier(actor, case)
    now = now or clock.now()
    if passed:
        record(case, actor, CaseAction.VERIFY, now=now, note=note,
                        data={"passed": True})
        _close(case, actor, now)
        return
    case.rework_count += 1
    case.handled_at = None
    case.own("assignments").filter(lead=True, status=AssignmentStatus.HANDLED) \
        .update(status=AssignmentStatus.ACKNOWLEDGED)
    move(case, actor, CaseAction.VERIFY, Status.ACKNOWLEDGED, now=now, note=note, data={"passed": False})


# -- 上报上级 ----------------------------------------------------------------------------------
@transition
def escalate(actor, case, note: str = ""):
    """Move the case one level up (grid → community → street → district) into that level's queue.
    The handler escalates what is beyond them; a dispatcher escalates from its queue."""
    handled_here = case.status in Status.WITH_HANDLER
    if handled_here:
        actors.require_handler(actor, case)
    else:
        require_status(case, *actions.states(CaseAction.ESCALATE, "dispatcher"))
        actors.require_dispatcher(actor, case)
    current = case.level if handled_here else QUEUE_LEVEL[case.queue.kind]
    if current == Level.DISTRICT:
        raise InvalidTransition(_("The district is the top level; there is nowhere to escalate to."), code="state")
    target = NEXT_LEVEL[current]
    if case.accepted_at is None:  # passing a report up accepts it: the upper level takes it as a case
        case.accepted_at = clock.now()
    case.queue = Unit.objects.get(code=codes.prefix(case.unit.code, target))
    case.level = target
    case.handler_user = case.handler_unit = None
    case.dispatched_at = case.response_due = case.acknowledged_at = case.ack_seconds = None
    case.escalation_count += 1
    case.own("assignments").filter(status__in=AssignmentStatus.ACTIVE).update(status=AssignmentStatus.CANCELLED)
    move(case, actor, CaseAction.ESCALATE, Status.ACCEPTED, note=note, data={"queue": case.queue.code})


# -- 延期 ----------------------------------------------------------------------------------
@transition
def request_extension(actor, case, days: float, reason: str):
    require_status(case, *actions.states(CaseAction.REQUEST_EXTENSION))
    actors.require_handler(actor, case)
    if not 0 < float(days) <= 30:
        raise ValidationError(_("Ask for between 0.5 and 30 working days."), code="days")
    if not (reason or "").strip():
        raise ValidationError(_("Say why more time is needed."), code="reason")
    if case.extensions.filter(granted__isnull=True).exists():
        raise InvalidTransition(_("An extension request is already waiting for a decision."), code="state")
    now = clock.now()
    ExtensionRequest.objects.create(case=case, requested_by=actor, days=days, reason=reason, requested_at=now)
    record(case, actor, CaseAction.REQUEST_EXTENSION, now=now,
                    note=reason, data={"days": float(days)})


@transition
def decide_extension(actor, case, granted: bool, note: str = ""):
    actors.require_dispatcher(actor, case)
    request = case.extensions.filter(granted__isnull=True).first()
    if request is None:
        raise InvalidTransition(_("There is no extension request to decide."), code="state")
    now = clock.now()
    request.granted, request.decided_by, request.decided_at = granted, actor, now
    request.save()
    if granted:
        case.extension_days += float(request.days)
        case.resolution_due = deadlines.resolution_due(case)
    move(case, actor, CaseAction.GRANT_EXTENSION if granted else "refuse_extension", case.status, now=now, note=note,
         data={"days": float(request.days), "resolution_due": case.resolution_due.isoformat()})


# -- 挂起 · 恢复 -----------------------------------------------------------------------------
@transition
def suspend(actor, case, reason: str, now=None):
    """挂起: the clock stops until the case is resumed (e.g. waiting for a court or the weather)."""
    require_status(case, *actions.states(CaseAction.SUSPEND))
    actors.require_dispatcher(actor, case)
    if not (reason or "").strip():
        raise ValidationError(_("Say why the case is suspended."), code="reason")
    now = now or clock.now()
    case.status_before_suspension = case.status
    case.suspended_at = now
    move(case, actor, CaseAction.SUSPEND, Status.SUSPENDED, now=now, note=reason)


@transition
def resume(actor, case, note: str = "", now=None):
    require_status(case, *actions.states(CaseAction.RESUME))
    actors.require_dispatcher(actor, case)
    now = now or clock.now()
    stopped = working_time_between(case.suspended_at, now)
    case.suspended_seconds += int(stopped.total_seconds())
    case.suspended_at = None
    case.resolution_due = deadlines.resolution_due(case)
    back = case.status_before_suspension
    case.status_before_suspension = ""
    move(case, actor, CaseAction.RESUME, back, now=now, note=note, data={"stopped_seconds": int(stopped.total_seconds())})


# -- 并案 · 督办 -----------------------------------------------------------------------------
@transition
def merge(actor, case, into: Case, note: str = ""):
    """并案: a duplicate follows its master case; its reporter follows the master's progress in its
    public form (``following``) and is told of it, while the master's rating stays its reporter's.
    The entry keeps the assignments the merge cancelled, with their states, so that :func:`unmerge`
    can put them back."""
    require_status(case, *actions.states(CaseAction.MERGE))
    actors.require_dispatcher(actor, case)
    master = Case.objects.select_for_update().get(pk=into.pk)
    if master.pk == case.pk or master.district_code != case.district_code or not master.is_open \
            or master.status == Status.MERGED:
        raise ValidationError(_("Merge into another open case of the same district."), code="target")
    case.merged_into = master
    active = case.own("assignments").filter(status__in=AssignmentStatus.ACTIVE)
    cancelled = {str(pk): status for pk, status in active.values_list("pk", "status")}
    active.update(status=AssignmentStatus.CANCELLED)
    move(case, actor, CaseAction.MERGE, Status.MERGED, note=note, data={"into": master.code, "assignments": cancelled})
    record(master, actor, CaseAction.MERGED_IN, now=clock.now(), note=note, data={"case": case.code})


def _merge_entry(case):
    return case.timeline.filter(action=CaseAction.MERGE).order_by("-seq").first()


def merge_undoable(case, now=None) -> bool:
    """Whether ``case``'s merge may still be undone: it is merged, not rated by its reporter, its
    merge recorded what it cancelled (merges from before undoing existed did not), and its master
    is still open or was merged into less than :data:`UNMERGE_HOURS` ago."""
    entry = _merge_entry(case) if case.status == Status.MERGED and case.merged_into_id and not case.rating else None
    if entry is None or "assignments" not in entry.data:
        return False
    master = case.merged_into
    return master.status in OPEN_STATUSES or (now or clock.now()) - entry.at <= dt.timedelta(hours=UNMERGE_HOURS)


@transition
def unmerge(actor, case, note: str = ""):
    """撤销并案: a dispatcher of the case (a wrong merge, or a resident's “me too” that was not the
    same problem) makes it a case of its own again, back in the state it was merged from, with the
    assignments the merge cancelled; its reporter stops following the master. Both timelines say so."""
    require_status(case, *actions.states(CaseAction.UNMERGE))
    actors.require_dispatcher(actor, case)
    master = Case.objects.select_for_update().filter(pk=case.merged_into_id).first()
    case.merged_into = master
    now = clock.now()
    if master is None or not merge_undoable(case, now):
        raise ValidationError(_("This merge can no longer be undone: the case it was merged into was finished more "
                                "than %(hours)s hours ago, or the report was rated.") % {"hours": UNMERGE_HOURS},
                              code="too_late")
    entry = _merge_entry(case)
    for pk, status in entry.data["assignments"].items():
        case.own("assignments").filter(pk=int(pk), status=AssignmentStatus.CANCELLED).update(status=status)
    case.merged_into = None
    move(case, actor, CaseAction.UNMERGE, entry.from_status, now=now, note=note, data={"from": master.code})
    record(master, actor, CaseAction.UNMERGED_OUT, now=now, note=note, data={"case": case.code})


def rateable_merged(case) -> bool:
    """Whether the reporter of the merged ``case`` may rate it now: not yet rated, and the case its
    handling rests with (the end of its chain of merges) is closed."""
    if case.status != Status.MERGED or case.rating or not case.merged_into_id:
        return False
    master = case.merged_into
    while master.merged_into_id:
        master = master.merged_into
    return master.status == Status.CLOSED


@transition
def supervise(actor, case, note: str):
    """督办 by an upper level: flags the case and tells its handler."""
    if case.status not in actions.states(CaseAction.SUPERVISE):
        raise InvalidTransition(_("Only an open case can be supervised."), code="state")
    actors.require_upper_level(actor, case)
    case.supervised = True
    move(case, actor, CaseAction.SUPERVISE, case.status, note=note)


# -- 回访评价 · 重办 -----------------------------------------------------------------------------
@transition
def rate(actor, case, rating: str, note: str = ""):
    """The case's own reporter rates it once closed (not those who follow it: ``actors.require_reporter``).
    The first 不满意 reopens it (重办) under supervision; after that a rating is final.

    The reporter of a merged case rates *their* report once its master is closed: the rating is
    kept on their case, which stays merged — it neither reopens the master (that is its own
    reporter's) nor counts in the assessment (a merged duplicate counts only as a report)."""
    require_status(case, *actions.states(CaseAction.RATE))
    actors.require_reporter(actor, case)
    if rating not in Rating.values:
        raise ValidationError(_("Rate the case satisfied, basically satisfied or unsatisfied."), code="rating")
    if case.rating:
        raise InvalidTransition(_("This case has already been rated."), code="state")
    now = clock.now()
    if case.status == Status.MERGED:
        if not rateable_merged(case):
            raise ValidationError(_("The case your report was merged into is not closed yet."), code="master_open")
        case.rating, case.rated_at = rating, now
        move(case, actor, CaseAction.RATE, Status.MERGED, now=now, note=note,
             data={"rating": rating, "master": case.merged_into.code})
        return
    if rating == Rating.UNSATISFIED and case.reopen_count == 0:
        record(case, actor, CaseAction.RATE, now=now, note=note,
                        data={"rating": rating})
        case.reopen_count += 1
        case.supervised = True
        case.closed_at = case.closed_on_time = case.handled_at = case.close_seconds = None
        case.handler_user = case.handler_unit = None
        case.dispatched_at = case.acknowledged_at = case.response_due = case.ack_seconds = None
        case.own("assignments").filter(status__in=AssignmentStatus.ACTIVE).update(status=AssignmentStatus.CANCELLED)
        move(case, None, CaseAction.REOPEN, Status.ACCEPTED, now=now, note=_("Reopened after an unsatisfied rating."))
        return
    case.rating, case.rated_at = rating, now
    move(case, actor, CaseAction.RATE, Status.CLOSED, now=now, note=note, data={"rating": rating})
