"""Which actions a user may take on a case now: the buttons a screen shows and the list the API
returns. It asks the same checks the transitions enforce, so the two cannot disagree."""
from django.core.exceptions import PermissionDenied

from ..models import Status, WhistleCall
from . import actors

QUEUE_ACTIONS = {
    Status.REPORTED: ["accept", "reject", "escalate"],
    Status.ACCEPTED: ["dispatch", "escalate"],
}
HANDLER_ACTIONS = {
    Status.DISPATCHED: ["acknowledge", "return"],
    Status.ACKNOWLEDGED: ["handle", "escalate", "request_extension"],
}
ASSISTING_ACTIONS = {"dispatched": ["acknowledge", "return"], "acknowledged": ["handle"]}
SUSPENDABLE = [Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED]


def _allowed(check, user, case) -> bool:
    try:
        check(user, case)
    except PermissionDenied:
        return False
    return True


def available_actions(user, case) -> list[str]:
    found: list[str] = []
    dispatcher = actors.is_dispatcher(user, case)
    if dispatcher:
        found += QUEUE_ACTIONS.get(case.status, [])
        if case.status in SUSPENDABLE:
            found += ["suspend", "merge"]
        if case.status == Status.SUSPENDED:
            found.append("resume")
        if case.status == Status.ACKNOWLEDGED and case.extensions.filter(granted__isnull=True).exists():
            found.append("decide_extension")
    assignment = actors.active_assignment(user, case)
    if assignment is not None and not assignment.lead:
        # An assisting department (协办) works on its own assignment, whatever the case's state.
        found += ASSISTING_ACTIONS.get(assignment.status, [])
    elif actors.is_handler(user, case):
        for action in HANDLER_ACTIONS.get(case.status, []):
            pending = action == "request_extension" and case.extensions.filter(granted__isnull=True).exists()
            if not pending and action not in found:
                found.append(action)
    if case.status == Status.HANDLED and _allowed(actors.require_verifier, user, case):
        found.append("verify")
    if case.status == Status.CLOSED:
        if not case.rating and _allowed(actors.require_reporter, user, case):
            found.append("rate")
        if case.whistled and _allowed(actors.require_street_dispatcher, user, case):
            found.append("rate_department")
    if case.is_open and case.status != Status.MERGED:
        if _allowed(actors.require_upper_level, user, case):
            found.append("supervise")
        if _allowed(actors.require_street_dispatcher, user, case):
            found.append("whistle")
        departments = actors.department_ids(user)
        if departments and WhistleCall.objects.filter(whistle__case=case, department__in=departments,
                                                      reported_at__isnull=True).exists():
            found.append("report_in")
    return found
