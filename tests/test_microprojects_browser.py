"""In headless Chromium, a micro-project from need to evaluation: the community staff list a need,
propose a project meeting it, review it, record the decision (a passing meeting resolution stands
in for deliberation), start it, fund it, record a milestone, accept it and open the evaluation; then
a resident of the served area evaluates it on a phone (390 px wide)."""
import pytest

from gridgov.microprojects.models import Evaluation, Project

from . import microprojects_world as mw

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world, monkeypatch):
    live_world.mp = mw.build(live_world)
    live_world.mp.decision = mw.Decision(monkeypatch)
    mw.set_rules(live_world.mp, minimum=1)
    return live_world


def _submit(page, action):
    page.click(f"[data-action={action}]")
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_need_to_project_to_a_residents_evaluation_on_a_phone(sign_in, live_server, live_world):
    w = live_world.mp
    staff = sign_in("community_staff")
    staff.goto(f"{live_server.url}/microprojects/needs/new/?community=510113002001")
    staff.fill("#need-title", "楼道没有扶手")
    staff.fill("#need-households", "12")
    _submit(staff, "create-need")
    assert staff.locator("#need-status").get_attribute("data-status") == "open"

    staff.goto(f"{live_server.url}/microprojects/?community=510113002001")
    staff.click("#propose summary")
    staff.fill("#p-title", "加装楼道扶手")
    staff.select_option("#p-kind", "renovation")
    staff.fill("#p-budget", "30000")
    staff.fill("#p-start", "2026-06-01")
    staff.fill("#p-end", "2026-07-15")
    staff.select_option("#p-units", str(w.grid.pk))
    staff.select_option("#p-needs", label="楼道没有扶手")
    _submit(staff, "propose")
    assert staff.locator("#project-status").get_attribute("data-status") == "proposed"
    project = Project.objects.get()

    staff.fill("#review-reason", "场地与资金可行")
    _submit(staff, "review")
    w.decision.pass_meeting(project)
    _submit(staff, "decide")
    assert staff.locator("#project-status").get_attribute("data-status") == "approved"
    _submit(staff, "start")
    staff.fill("#fund-allocated", "30000")
    _submit(staff, "fund")
    staff.fill("#milestone-title", "扶手安装完成")
    staff.fill("#milestone-progress", "100")
    _submit(staff, "milestone")
    staff.fill("#accept-note", "验收合格")
    _submit(staff, "accept")
    _submit(staff, "open_evaluation")
    assert staff.locator("#project-status").get_attribute("data-status") == "evaluating"

    resident = sign_in("resident", PHONE)
    resident.goto(f"{live_server.url}/microprojects/mine/")
    assert resident.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    resident.select_option(f"#score-{project.pk}", "4")
    _submit(resident, "evaluate")
    assert Evaluation.objects.get(project=project).score == 4
    assert resident.locator("[data-action=evaluate]").count() == 0
