"""The registry of case actions (``gridgov.cases.actions``): every timeline action is a
``CaseAction``, declared once — registered with its form, API body and service, or marked
platform-only; ``available_actions`` computed from it gives what the hand-written rules it replaced
gave, for every state × role; the lifecycle's state checks agree with the states it declares; and
no code writes or matches an action as a bare string any more."""
import ast
import inspect
import pathlib

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.cases.actions import PLATFORM_ONLY, CaseAction, registry
from gridgov.cases.api.bodies import ActionBody
from gridgov.cases.forms import BUTTON_ORDER, ActionForm
from gridgov.cases.models import Case, Status, TimelineEntry, WhistleCall
from gridgov.cases.services import actors, filing, lifecycle
from gridgov.cases.services import whistle as whistles
from gridgov.cases.services.available import available_actions
from gridgov.core.errors import InvalidTransition

from .cases_world import IN_A1_1

SRC = pathlib.Path(__file__).resolve().parent.parent / "src" / "gridgov"


# -- declared once ----------------------------------------------------------------------------------------------
def test_every_case_action_is_registered_or_platform_only_and_never_both():
    registered = {item.action for item in registry()}
    assert registered.isdisjoint(PLATFORM_ONLY)
    assert registered | PLATFORM_ONLY == set(CaseAction)
    assert TimelineEntry._meta.get_field("action").choices == CaseAction.choices


def _unfilled(parameters, names) -> list[str]:
    """The names a call with ``names`` as keywords would not fit (unknown, or a required one missing)."""
    try:
        parameters.bind(None, None, **{name: None for name in names})
    except TypeError as error:
        return [str(error)]
    return []


def test_every_registered_action_has_a_form_a_body_and_a_service_that_fit():
    for item in registry():
        service = inspect.signature(item.service)
        assert issubclass(item.form, ActionForm) and item.form.action == item.action, item.action
        assert issubclass(item.body, ActionBody), item.action
        # Forms and bodies that pass their fields as they are name them as the service does.
        if item.form.arguments is ActionForm.arguments:
            assert _unfilled(service, item.form.base_fields) == [], item.action
        if item.body.arguments is ActionBody.arguments:
            fields = [*item.body.model_fields, *(["photos"] if item.photos else [])]
            assert _unfilled(service, fields) == [], item.action
        assert item.states(), item.action
    assert sorted(BUTTON_ORDER) == sorted(item.action for item in registry())


def test_the_api_has_one_action_endpoint_per_registered_action(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    endpoints = {path.rsplit("/", 1)[1] for path in paths if "/cases/{code}/actions/" in path}
    assert endpoints == {str(item.action) for item in registry()}
    handle = paths["/api/v1/cases/{code}/actions/handle"]["post"]
    assert "multipart/form-data" in handle["requestBody"]["content"]  # the registry says it takes photos
    assert paths["/api/v1/cases/{code}/actions/accept"]["post"]["operationId"] == "case_action_accept"


def test_an_action_reads_as_its_label_on_the_timeline():
    with translation.override("en"):
        assert CaseAction.text("dispatch") == "Dispatched"
    with translation.override("zh-hans"):
        assert CaseAction.text("dispatch") == "已派遣"
    assert CaseAction.text("") == ""  # a value that is no action stays as stored


# -- no bare strings ---------------------------------------------------------------------------------------------
WRITERS = {"record", "move", "append"}
QUERIES = {"filter", "exclude", "get"}


def _is_text(node) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return isinstance(node, (ast.Tuple, ast.List, ast.Set)) and any(_is_text(e) for e in node.elts)


def _named_action(node) -> bool:
    return (isinstance(node, ast.Name) and node.id == "action") or (
        isinstance(node, ast.Attribute) and node.attr == "action")


def string_actions(source: str) -> list[int]:
    """Lines that write a timeline entry with a string action, compare an action with a string, or
    query the timeline by a string action."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in WRITERS and len(node.args) >= 3 and _is_text(node.args[2]):
                found.append(node.lineno)
            if name in QUERIES and any(k.arg in ("action", "action__in") and _is_text(k.value) for k in node.keywords):
                found.append(node.lineno)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_named_action(side) for side in sides) and any(_is_text(side) for side in sides):
                found.append(node.lineno)
    return found


def test_the_scan_finds_string_actions():
    assert string_actions('record(case, None, "report")\n') == [1]
    assert string_actions('x = entry.action == "handle"\n') == [1]
    assert string_actions('if action in ("rate", "close"): pass\n') == [1]
    assert string_actions('TimelineEntry.objects.filter(action__in=["handle"])\n') == [1]
    assert string_actions('record(case, None, CaseAction.REPORT)\nif action == CaseAction.RATE: pass\n') == []


def test_no_code_writes_or_matches_an_action_as_a_string():
    found = {str(path.relative_to(SRC)): lines for path in SRC.rglob("*.py")
             if "migrations" not in path.parts and (lines := string_actions(path.read_text()))}
    assert found == {}


# -- the lifecycle agrees with the registry's states ----------------------------------------------------------------
def _calls(world, other, root):
    """Each action whose service checks the state first, called by a superuser (whom the role
    checks, which come after the state's, let through where they can: a superuser is no reporter).
    The others check something more precise first: acknowledge, return and handle the caller's own
    assignment, escalate whether the handler or a dispatcher asks, decide_extension the pending
    request, report_in the department's pending whistle call."""
    chengguan = world.departments["chengguan"]
    return {
        CaseAction.ACCEPT: lambda case: lifecycle.accept(root, case),
        CaseAction.REJECT: lambda case: lifecycle.reject(root, case, "duplicate"),
        CaseAction.DISPATCH: lambda case: lifecycle.dispatch(root, case, lead=chengguan),
        CaseAction.VERIFY: lambda case: lifecycle.verify(root, case, True),
        CaseAction.REQUEST_EXTENSION: lambda case: lifecycle.request_extension(root, case, 1, "等待材料"),
        CaseAction.SUSPEND: lambda case: lifecycle.suspend(root, case, "等待法院"),
        CaseAction.RESUME: lambda case: lifecycle.resume(root, case),
        CaseAction.MERGE: lambda case: lifecycle.merge(root, case, other),
        CaseAction.UNMERGE: lambda case: lifecycle.unmerge(root, case),
        CaseAction.RATE: lambda case: lifecycle.rate(root, case, "satisfied"),
        CaseAction.SUPERVISE: lambda case: lifecycle.supervise(root, case, "尽快处理"),
        CaseAction.WHISTLE: lambda case: whistles.whistle(root, case, [chengguan]),
        CaseAction.RATE_DEPARTMENT: lambda case: whistles.rate_department(root, case, chengguan, 3),
    }


class Undo(Exception):
    pass


def _state_refusal(call, case, status):
    """Put ``case`` in ``status``, try ``call`` and undo it: the InvalidTransition it raised, if any."""
    Case.objects.filter(pk=case.pk).update(status=status, status_before_suspension=Status.ACCEPTED,
                                           suspended_at=case.reported_at)
    try:
        with transaction.atomic():
            call(case)
            raise Undo
    except InvalidTransition as refusal:
        return refusal
    except (Undo, ValidationError, PermissionDenied):  # done, or refused for another reason than the state
        return None


def test_the_lifecycle_refuses_exactly_the_states_the_registry_does_not_offer(world):
    case = _report(world, "big")
    other = _report(world, "big", title="另一处违建")
    for action, call in _calls(world, other, User.objects.create_superuser("root")).items():
        offered = registry()[action].states()
        for status in Status:
            refusal = _state_refusal(call, case, status)
            if status in offered:
                assert refusal is None, (action, status, refusal)
            else:
                assert refusal is not None and refusal.code == "state", (action, status)


# -- available_actions gives what the hand-written rules gave -------------------------------------------------------
def _allowed(check, user, case) -> bool:
    try:
        check(user, case)
    except PermissionDenied:
        return False
    return True


def rules_before_the_registry(user, case) -> list[str]:
    """``services.available.available_actions`` as it was written by hand before the registry
    (commit f9f47fe), kept here as the reference the registry's answer must equal."""
    queue_actions = {Status.REPORTED: ["accept", "reject", "escalate"], Status.ACCEPTED: ["dispatch", "escalate"]}
    handler_actions = {Status.DISPATCHED: ["acknowledge", "return"],
                       Status.ACKNOWLEDGED: ["handle", "escalate", "request_extension"]}
    assisting_actions = {"dispatched": ["acknowledge", "return"], "acknowledged": ["handle"]}
    suspendable = [Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.ACKNOWLEDGED, Status.HANDLED]
    found: list[str] = []
    if actors.is_dispatcher(user, case):
        found += queue_actions.get(case.status, [])
        if case.status in suspendable:
            found += ["suspend", "merge"]
        if case.status == Status.MERGED and lifecycle.merge_undoable(case):
            found.append("unmerge")  # issue 17, item 7: added after the registry
        if case.status == Status.SUSPENDED:
            found.append("resume")
        if case.status == Status.ACKNOWLEDGED and case.extensions.filter(granted__isnull=True).exists():
            found.append("decide_extension")
    assignment = actors.active_assignment(user, case)
    if assignment is not None and not assignment.lead:
        found += assisting_actions.get(assignment.status, [])
    elif actors.is_handler(user, case):
        for action in handler_actions.get(case.status, []):
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


def _report(world, category="small", title="楼下有暴露垃圾"):
    return filing.report(district=world.units["district"], channel="app", title=title,
                         category=world.categories[category], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=world.users["resident"].person, reported_by=world.users["resident"])


def _cases_in_every_state(world):
    """One case in each state a user meets: the small loop at each step, a department case with an
    assisting department at each step (and a pending extension), whistled, suspended, merged,
    rejected, closed, rated."""
    u, L = world.users, lifecycle
    dispatcher, worker, lead, police = u["street_dispatcher"], u["grid_worker"], u["dept_chengguan"], u["police"]
    chengguan, gongan = world.departments["chengguan"], world.departments["gongan"]

    def small(steps):
        case = _report(world)
        for step in [lambda c: L.acknowledge(worker, c), lambda c: L.handle(worker, c, "已清运"),
                     lambda c: L.verify(u["community_staff"], c, True), lambda c: L.rate(u["resident"], c, "satisfied")][:steps]:
            case = step(case)
        return case

    def departments(steps):
        case = L.dispatch(dispatcher, L.accept(dispatcher, _report(world, "big")), lead=chengguan, assisting=[gongan])
        for step in [lambda c: L.acknowledge(lead, c), lambda c: L.request_extension(lead, c, 2, "等待材料"),
                     lambda c: L.acknowledge(police, c)][:steps]:
            case = step(case)
        return case

    accepted = L.accept(dispatcher, _report(world, "big"))
    return {
        "small dispatched": small(0), "small acknowledged": small(1), "small handled": small(2),
        "small closed": small(3), "small rated": small(4),
        "reported": _report(world, "big"),
        "rejected": L.reject(dispatcher, _report(world, "big"), "invalid"),
        "accepted": accepted,
        "suspended": L.suspend(dispatcher, L.accept(dispatcher, _report(world, "big")), "等待法院"),
        "merged": L.merge(dispatcher, _report(world, "big"), accepted),
        "departments dispatched": departments(0), "lead acknowledged": departments(1),
        "extension pending": departments(2), "assisting acknowledged": departments(3),
        "whistled": whistles.whistle(dispatcher, L.accept(dispatcher, _report(world, "big")), [chengguan]),
        "whistled closed": L.verify(u["community_staff"], L.handle(worker, L.acknowledge(worker, whistles.whistle(
            dispatcher, _report(world), [gongan])), "已清运"), True),
    }


def test_available_actions_equal_the_rules_they_replace_for_every_state_and_role(world):
    police = User.objects.create_user("police")
    RoleAssignment.objects.create(user=police, role=Role.DEPARTMENT_STAFF, unit=world.units["district"],
                                  department=world.departments["gongan"])
    world.users["police"] = police
    world.users["root"] = User.objects.create_superuser("root")
    cases = _cases_in_every_state(world)
    assert {case.status for case in cases.values()} == set(Status)  # every state is tried
    compared = set()
    for label, case in cases.items():
        case = Case.objects.get(pk=case.pk)
        for username, user in world.users.items():
            user = User.objects.get(pk=user.pk)  # no roles remembered from the steps above
            expected = rules_before_the_registry(user, case)
            assert available_actions(user, case) == expected, (label, username)
            compared.update(expected)
    # Every registered action was offered to someone somewhere: the comparison covers them all.
    assert compared == {str(item.action) for item in registry()}
