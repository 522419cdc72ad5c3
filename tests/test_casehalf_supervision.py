"""Supervision (issue 17, item 9): a handled case is verified by someone other than its handler —
who, the category says (the grid's people, its leader, or the community) — and a grid leader has a
list of their grid's cases with those waiting for verification on top."""
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Status
from gridgov.cases.services import filing, lifecycle
from gridgov.cases.services.available import available_actions
from gridgov.catalogue.models import Verifier
from gridgov.core.errors import NotFound

from .cases_world import IN_A1_1, IN_B1_1, photo
from .factories import PASSWORD


def report(world, category="small", at=IN_A1_1):
    resident = world.users["resident"]
    return filing.report(district=world.units["district"], channel="app", title="楼下有暴露垃圾",
                         category=world.categories[category], lat=at[0], lng=at[1], reporter=resident.person,
                         reported_by=resident)


def handled(world, category="small", at=IN_A1_1):
    """A small-loop case the grid worker on duty acknowledged and handled."""
    case = report(world, category, at)
    worker = case.handler_user
    return lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "已清运")


def account(world, username, role, unit):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=world.units[unit])
    world.users[username] = user
    return user


def refused(user, case) -> str:
    with pytest.raises(PermissionDenied) as raised:
        lifecycle.verify(user, case, True)
    return str(raised.value)


def test_the_handler_may_not_verify_their_own_handling(world):
    case = handled(world)
    worker = world.users["grid_worker"]
    assert case.status == Status.HANDLED and case.handler_user == worker
    assert "verify" not in available_actions(worker, case)
    assert refused(worker, case) == gettext("You handled this case: someone else must verify it.")
    assert lifecycle.verify(world.users["community_staff"], case, True).status == Status.CLOSED


def test_another_worker_of_the_grid_verifies_under_the_default_rule(world):
    colleague = account(world, "colleague", Role.GRID_WORKER, "A1-1")
    case = handled(world)
    assert case.category.verifier == Verifier.GRID
    assert "verify" not in available_actions(world.users["grid_worker2"], case)  # the next grid's worker
    with pytest.raises(NotFound):  # outside their scope altogether
        lifecycle.verify(world.users["grid_worker2"], case, True)
    assert "verify" in available_actions(colleague, case)
    closed = lifecycle.verify(colleague, case, True)
    assert closed.status == Status.CLOSED
    assert closed.timeline.get(action=CaseAction.VERIFY).actor == colleague


def test_the_handler_may_not_pass_a_rework_either(world):
    case = handled(world)
    staff, worker = world.users["community_staff"], world.users["grid_worker"]
    case = lifecycle.verify(staff, case, False, "还有垃圾")
    case = lifecycle.handle(worker, case, "再次清运")
    refused(worker, case)


def test_verification_by_the_grid_leader(world):
    category = world.categories["small"]
    category.verifier = Verifier.GRID_LEADER
    category.save()
    leader = account(world, "leader", Role.GRID_LEADER, "A1-1")
    colleague = account(world, "colleague", Role.GRID_WORKER, "A1-1")
    other_leader = account(world, "other_leader", Role.GRID_LEADER, "A1-2")
    case = handled(world)
    with translation.override("en"):
        assert refused(colleague, case) == "Only the grid leader or the community may verify this case."
    with pytest.raises(NotFound):  # another grid's leader does not even see it
        lifecycle.verify(other_leader, case, True)
    assert "verify" in available_actions(leader, case)
    assert lifecycle.verify(leader, case, True).status == Status.CLOSED


def test_verification_by_the_community_only(world):
    category = world.categories["small"]
    category.verifier = Verifier.COMMUNITY
    category.save()
    leader = account(world, "leader", Role.GRID_LEADER, "A1-1")
    case = handled(world)
    with translation.override("en"):
        assert refused(leader, case) == "Only the community's staff may verify this case."
    assert lifecycle.verify(world.users["community_staff"], case, True).status == Status.CLOSED


def test_closing_on_the_spot_is_the_platforms_check_on_the_photo_not_the_workers(world):
    worker = world.users["grid_worker"]
    case = filing.report(district=world.units["district"], channel="patrol", title="路边垃圾",
                         category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1], reported_by=worker,
                         close_now=True, photos=[photo()], handling_note="当场清理")
    assert case.status == Status.CLOSED
    assert case.timeline.get(action=CaseAction.HANDLE).actor == worker
    assert case.timeline.get(action=CaseAction.VERIFY).actor is None


def test_refused_verification_on_the_page_says_why(client, world):
    case = handled(world)
    client.force_login(world.users["grid_worker"])
    response = client.post(reverse("case-action", args=[case.code, "verify"]), {"result": "pass"},
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    with translation.override("zh-hans"):
        assert gettext("You handled this case: someone else must verify it.") in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.HANDLED


def test_a_grid_leader_has_a_queue_of_their_grids_cases_to_verify_first(client, world):
    leader = account(world, "leader", Role.GRID_LEADER, "A1-1")
    waiting = report(world)  # dispatched, not handled yet
    to_verify = handled(world)
    elsewhere = report(world, at=IN_B1_1)  # another street's grid
    client.force_login(leader)
    html = client.get(reverse("case-queues"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert to_verify.code in html and waiting.code in html and elsewhere.code not in html
    assert html.index(to_verify.code) < html.index(waiting.code)  # the case to verify on top
    verify_tab = client.get(reverse("case-queues"), {"tab": "verify"}).content.decode()
    assert to_verify.code in verify_tab and waiting.code not in verify_tab
