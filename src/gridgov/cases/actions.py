"""Case actions: every step a case's timeline can hold (:class:`CaseAction`), and the registry of the
actions a person takes on a case (:func:`registry`).

Each user-facing action is declared once, in :func:`_declare`: its name, its button label, who may
take it from which states (its :class:`Offer` s), the web form that asks for it, the API body that
carries it and the service function that does it. From that one declaration

- ``services.available.available_actions`` computes the buttons and the API's ``actions`` list,
- the API adds one endpoint per declared action (``api.actions``),
- the case page picks the action's form (``forms.action_forms``),
- the lifecycle's state checks read the states they allow (:func:`states`),

so none of them can disagree with another. The platform's own steps (the report, the deadline
watch's events, closing, reopening …) are :class:`CaseAction` members without a declaration
(:data:`PLATFORM_ONLY`): no person chooses them.

A :class:`CaseAction` value is what ``TimelineEntry.action`` stores and its hash covers: a value is
never renamed, only added.

The registry is built on first use, not at import: the models import :class:`CaseAction` from here,
while the declarations name states (models), checks (``services.actors``) and — as dotted paths,
resolved when first asked for — forms, API bodies and services, which import this module in turn.
"""
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class CaseAction(models.TextChoices):
    """Every step of a case's timeline, labelled as the timeline reads it (the GB/T 30428 words)."""

    REPORT = "report", _("Reported")
    CLASSIFY = "classify", _("Classified")
    RECATEGORISE = "recategorise", _("Recategorised")
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Not accepted")
    DISPATCH = "dispatch", _("Dispatched")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    RESPONSE_OVERDUE = "response_overdue", _("Not acknowledged in time")
    #: The deadline watch's events: the light turned yellow, then red (recorded so the inbox reacts).
    NEAR_DUE = "near_due", _("Near due")
    OVERDUE = "overdue", _("Overdue")
    #: The working-day calendar changed (next year's schedule entered): the deadline moved with it.
    RECALENDAR = "recalendar", _("Deadline recomputed for the holiday calendar")
    RETURN = "return", _("Returned")
    HANDLE = "handle", _("Handled")
    FEEDBACK = "feedback", _("Assisting feedback")
    VERIFY = "verify", _("Verified")
    CLOSE = "close", _("Closed")
    RATE = "rate", _("Rated")
    REOPEN = "reopen", _("Reopened")
    ESCALATE = "escalate", _("Escalated")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    #: The dispatcher's decision; the timeline records its outcome (granted or refused).
    DECIDE_EXTENSION = "decide_extension", _("Extension decided")
    GRANT_EXTENSION = "grant_extension", _("Extension granted")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    SUSPEND = "suspend", _("Suspended")
    RESUME = "resume", _("Resumed")
    MERGE = "merge", _("Merged")
    MERGED_IN = "merged_in", _("Duplicate merged in")
    #: 并案 undone (``lifecycle.unmerge``): the duplicate is a case of its own again; the master's
    #: timeline says it was taken out.
    UNMERGE = "unmerge", _("Merge undone")
    UNMERGED_OUT = "unmerged_out", _("Duplicate taken out")
    SUPERVISE = "supervise", _("Supervised")
    WHISTLE = "whistle", _("Whistle blown")
    REPORT_IN = "report_in", _("Reported in")
    REPORT_IN_MISSED = "report_in_missed", _("Report-in missed")
    RATE_DEPARTMENT = "rate_department", _("Department rated")

    @classmethod
    def text(cls, value: str) -> str:
        """The step as the timeline reads it; a value that is no member (none today) as stored."""
        return str(cls(value).label) if value in cls.values else value


#: Steps that are no button on a case: filing a report and intake's classifying and recategorising
#: (their own pages and endpoints), the deadline watch's events, and what an action records besides
#: itself (an assisting department's feedback, the closing, the reopening, the extension's outcome,
#: the master's merged-in, a missed report-in).
PLATFORM_ONLY = frozenset({
    CaseAction.REPORT, CaseAction.CLASSIFY, CaseAction.RECATEGORISE,
    CaseAction.RESPONSE_OVERDUE, CaseAction.NEAR_DUE, CaseAction.OVERDUE, CaseAction.REPORT_IN_MISSED,
    CaseAction.RECALENDAR, CaseAction.FEEDBACK, CaseAction.CLOSE, CaseAction.REOPEN, CaseAction.GRANT_EXTENSION,
    CaseAction.REFUSE_EXTENSION, CaseAction.MERGED_IN, CaseAction.UNMERGED_OUT,
})


#: What a resident reading their own case's timeline does not see: the platform's and the offices'
#: internal steps (classifying, the deadline watch, supervision and whistles between offices, a
#: department's feedback to the lead, rating a called department).
INTERNAL = frozenset({
    CaseAction.CLASSIFY, CaseAction.RECATEGORISE, CaseAction.RESPONSE_OVERDUE, CaseAction.NEAR_DUE,
    CaseAction.OVERDUE, CaseAction.RECALENDAR, CaseAction.FEEDBACK, CaseAction.SUPERVISE, CaseAction.WHISTLE, CaseAction.REPORT_IN,
    CaseAction.REPORT_IN_MISSED, CaseAction.RATE_DEPARTMENT,
})
#: The steps whose notes are written for the resident too (the reason for not accepting, what was
#: done, why the clock stopped, the rating); every other step's note is staff's (instructions,
#: reasons for a return …) and is left out of the resident's timeline.
NOTES_FOR_THE_REPORTER = frozenset({
    CaseAction.REPORT, CaseAction.REJECT, CaseAction.HANDLE, CaseAction.CLOSE, CaseAction.SUSPEND,
    CaseAction.RESUME, CaseAction.REOPEN, CaseAction.RATE,
})


class Asking:
    """One user's questions about one case, each answered once (an assisting department's
    assignment is asked by two parties)."""

    def __init__(self, user, case):
        self.user, self.case = user, case

    @cached_property
    def assignment(self):
        from .services import actors
        return actors.active_assignment(self.user, self.case)


@dataclass(frozen=True)
class Party:
    """Who takes actions on a case. ``position(asking)`` is the state this party's offers are read
    against — the case's status, or for an assisting department its own assignment's — or ``None``
    when the user is not this party. ``by_case_status`` says the position, when there is one, is the
    case's status: then the party is asked only when one of its offers fits that status."""

    name: str
    position: Callable[[Asking], str | None]
    by_case_status: bool = True


@dataclass(frozen=True)
class Offer:
    """``party`` may take the action while the case (the party's position) is in one of ``states``,
    and ``when(case)`` holds, if given."""

    party: Party
    states: frozenset
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Declared:
    """One user-facing action. ``form``, ``body`` and ``service`` are dotted paths below
    ``gridgov.cases.forms``, ``gridgov.cases.api.bodies`` and ``gridgov.cases.services``; the
    service is called as ``service(user, case, **arguments)`` with the arguments the form or the
    API body gives."""

    action: CaseAction
    label: Any  # the button's words ("Accept"; the timeline says "Accepted")
    summary: str  # the API's (Chinese term first, as the workflow names it)
    offers: tuple[Offer, ...]
    form_path: str
    body_path: str
    service_path: str
    photos: bool = False  # the API takes photo files with it

    @cached_property
    def form(self):
        return import_string(f"gridgov.cases.forms.{self.form_path}")

    @cached_property
    def body(self):
        return import_string(f"gridgov.cases.api.bodies.{self.body_path}")

    @cached_property
    def service(self):
        return import_string(f"gridgov.cases.services.{self.service_path}")

    def states(self, party: Party | None = None) -> frozenset:
        """The states ``party`` (any party when ``None``) may take this action from."""
        return frozenset().union(*(offer.states for offer in self.offers if party in (None, offer.party)))


@dataclass(frozen=True)
class Registry:
    #: Asked in this order; ``available_actions`` lists each party's actions in ``actions`` order.
    parties: tuple[Party, ...]
    actions: dict  # CaseAction → Declared, in workflow order

    def __getitem__(self, action) -> Declared:
        return self.actions[action]

    def __contains__(self, action) -> bool:
        return action in self.actions

    def __iter__(self):
        return iter(self.actions.values())


@cache
def registry() -> Registry:
    return _declare()


def states(action: CaseAction, party: str | None = None) -> frozenset:
    """The states ``action`` may be taken from (by the party named ``party``), for the lifecycle's
    ``require_status``."""
    reg = registry()
    found = next(p for p in reg.parties if p.name == party) if party else None
    return reg[action].states(found)


def _declare() -> Registry:
    from .models import OPEN_STATUSES, Status
    from .services import actors, lifecycle

    def as_case(held: bool, asking: Asking) -> str | None:
        return asking.case.status if held else None

    def checked(check) -> Callable[[Asking], str | None]:
        """A party defined by one of ``actors``' ``require_*`` checks."""
        def position(asking):
            try:
                check(asking.user, asking.case)
            except PermissionDenied:
                return None
            return asking.case.status
        return position

    def assisting(asking):
        assignment = asking.assignment
        return assignment.status if assignment is not None and not assignment.lead else None

    def handler(asking):
        # An assisting department (协办) works on its own assignment, never as the case's handler.
        if assisting(asking) is not None:
            return None
        return as_case(actors.is_handler(asking.user, asking.case), asking)

    def called(asking):
        departments = actors.department_ids(asking.user)
        pending = bool(departments) and asking.case.whistles.filter(
            calls__department__in=departments, calls__reported_at__isnull=True).exists()
        return as_case(pending, asking)

    dispatcher = Party("dispatcher", lambda asking: as_case(actors.is_dispatcher(asking.user, asking.case), asking))
    assisting_department = Party("assisting", assisting, by_case_status=False)
    the_handler = Party("handler", handler)
    verifier = Party("verifier", checked(actors.require_verifier))
    reporter = Party("reporter", checked(actors.require_reporter))
    upper_level = Party("upper_level", checked(actors.require_upper_level))
    street = Party("street", checked(actors.require_street_dispatcher))
    called_department = Party("called", called)

    def pending_extension(case) -> bool:
        return case.extensions.filter(granted__isnull=True).exists()

    def offer(party, *allowed, when=None) -> Offer:
        return Offer(party, frozenset(allowed), when)

    in_queue = (Status.REPORTED, Status.ACCEPTED)
    open_not_merged = tuple(status for status in OPEN_STATUSES if status != Status.MERGED)
    A = CaseAction
    declared = [
        Declared(A.ACCEPT, _("Accept"), "受理: accept a reported case into the queue.",
                 (offer(dispatcher, Status.REPORTED),), "AcceptForm", "NoteIn", "lifecycle.accept"),
        Declared(A.REJECT, _("Do not accept"), "不予受理: reject a reported case (duplicate, out_of_scope, invalid).",
                 (offer(dispatcher, Status.REPORTED),), "RejectForm", "RejectIn", "lifecycle.reject"),
        Declared(A.DISPATCH, _("Dispatch"),
                 "派遣: dispatch an accepted case to exactly one of a person (to_user), a grid (to_grid) "
                 "or a lead department (lead) with assisting departments.",
                 (offer(dispatcher, Status.ACCEPTED),), "DispatchForm", "DispatchIn", "lifecycle.dispatch"),
        Declared(A.ACKNOWLEDGE, _("Acknowledge"), "签收: the handler (or a dispatched department) acknowledges the case.",
                 (offer(assisting_department, Status.DISPATCHED), offer(the_handler, Status.DISPATCHED)),
                 "AcknowledgeForm", "EmptyIn", "lifecycle.acknowledge"),
        Declared(A.RETURN, _("Return"), "退单: return a wrong dispatch to the queue, with the reason.",
                 (offer(assisting_department, Status.DISPATCHED), offer(the_handler, Status.DISPATCHED)),
                 "ReturnForm", "ReasonIn", "lifecycle.return_case"),
        Declared(A.HANDLE, _("Handle"), "处置反馈: the handler reports what was done; JSON, or multipart with photos.",
                 (offer(assisting_department, Status.ACKNOWLEDGED), offer(the_handler, Status.ACKNOWLEDGED)),
                 "HandleForm", "HandleIn", "lifecycle.handle", photos=True),
        # The handler is offered 上报 once it has acknowledged (a wrong dispatch is returned instead);
        # the service also lets the platform's deadline watch escalate a case still dispatched.
        Declared(A.ESCALATE, _("Escalate"), "上报: move the case one level up (grid → community → street → district).",
                 (offer(dispatcher, *in_queue), offer(the_handler, Status.ACKNOWLEDGED)),
                 "EscalateForm", "NoteIn", "lifecycle.escalate"),
        Declared(A.REQUEST_EXTENSION, _("Ask for more time"), "延期申请: the handler asks for more working days.",
                 (offer(the_handler, Status.ACKNOWLEDGED, when=lambda case: not pending_extension(case)),),
                 "RequestExtensionForm", "ExtensionIn", "lifecycle.request_extension"),
        Declared(A.SUSPEND, _("Suspend"), "挂起: stop the clock, with the reason.",
                 (offer(dispatcher, *Status.RUNNING),), "SuspendForm", "ReasonIn", "lifecycle.suspend"),
        Declared(A.MERGE, _("Merge into…"), "并案: merge this duplicate into another open case (into).",
                 (offer(dispatcher, *Status.RUNNING),), "MergeForm", "MergeIn", "lifecycle.merge"),
        Declared(A.UNMERGE, _("Undo the merge"),
                 "撤销并案: a dispatcher of the case undoes its merge while the master is open or within "
                 f"{lifecycle.UNMERGE_HOURS} hours of it; the case goes back to where it was.",
                 (offer(dispatcher, Status.MERGED, when=lifecycle.merge_undoable),),
                 "UnmergeForm", "NoteIn", "lifecycle.unmerge"),
        Declared(A.RESUME, _("Resume"), "恢复: resume a suspended case.",
                 (offer(dispatcher, Status.SUSPENDED),), "ResumeForm", "NoteIn", "lifecycle.resume"),
        Declared(A.DECIDE_EXTENSION, _("Decide the extension"),
                 "延期审批: a dispatcher grants or refuses the pending extension.",
                 (offer(dispatcher, Status.ACKNOWLEDGED, when=pending_extension),),
                 "DecideExtensionForm", "DecideExtensionIn", "lifecycle.decide_extension"),
        Declared(A.VERIFY, _("Verify"), "核查: the grid verifies a handled case; passed closes it, a failure is rework.",
                 (offer(verifier, Status.HANDLED),), "VerifyForm", "VerifyIn", "lifecycle.verify"),
        Declared(A.RATE, _("Rate"),
                 "回访评价: the reporter rates the closed case; the first unsatisfied rating reopens it. The "
                 "reporter of a merged case rates it once its master is closed (kept on their report only).",
                 (offer(reporter, Status.CLOSED, when=lambda case: not case.rating),
                  offer(reporter, Status.MERGED, when=lifecycle.rateable_merged)),
                 "RateForm", "RateIn", "lifecycle.rate"),
        Declared(A.RATE_DEPARTMENT, _("Rate a called department"),
                 "The street rates a called department's response (1–5) after closure.",
                 (offer(street, Status.CLOSED, when=lambda case: case.whistled),),
                 "RateDepartmentForm", "RateDepartmentIn", "whistle.rate_department"),
        Declared(A.SUPERVISE, _("Supervise"), "督办: the district or the case's street supervises the case.",
                 (offer(upper_level, *open_not_merged),), "SuperviseForm", "NoteIn", "lifecycle.supervise"),
        Declared(A.WHISTLE, _("Whistle"), "吹哨: the street calls departments, who must report in within the limit.",
                 (offer(street, *open_not_merged),), "WhistleForm", "WhistleIn", "whistle.whistle"),
        Declared(A.REPORT_IN, _("Report in"), "报到: a called department reports in.",
                 (offer(called_department, *open_not_merged),), "ReportInForm", "EmptyIn", "whistle.report_in"),
    ]
    return Registry(
        parties=(dispatcher, assisting_department, the_handler, verifier, reporter, upper_level, street,
                 called_department),
        actions={item.action: item for item in declared})
