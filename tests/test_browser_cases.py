"""Both loops walked through in headless Chromium: a resident reports from a phone, the grid worker
closes it from theirs, the resident rates it; a street dispatcher sends a department matter to 城管,
which acknowledges and gives feedback. Screenshots go to test-artifacts/."""
import io
from pathlib import Path

import pytest
from PIL import Image

from gridgov.cases.models import Case, Status

from .cases_world import IN_A1_1

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "scene.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"cases-{name}.png", full_page=True)


def card(page, case):
    return page.locator(f"[data-case-panel][data-case='{case.code}']")


def press(page, case, action):
    """Tap an action's button on a case's card or panel (opening its form, or doing it at once)."""
    card(page, case).locator(f"button[data-action='{action}']").click()


def open_form(page, case, action):
    """Tap the button that unfolds an action's form, and wait until it has finished unfolding."""
    press(page, case, action)
    card(page, case).locator(f"#act-{case.pk}-{action}.show").wait_for()


def submit(page, case, action):
    card(page, case).locator(f"#act-{case.pk}-{action} button[type=submit]").click()


def wait_for_action(page, case, action):
    """Wait until the redrawn card offers ``action`` and htmx has wired its forms (a click before
    that would post the plain way and leave the page)."""
    card(page, case).locator(f"button[data-action='{action}']").wait_for()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


@pytest.mark.browser
def test_small_loop_from_a_phone(sign_in, live_server, live_world, picture):
    category = live_world.categories["small"]
    resident = sign_in("resident", PHONE)
    resident.goto(f"{live_server.url}/cases/report/")
    resident.wait_for_selector("#report-map[aria-busy=false]")

    resident.click("[data-category-fold] > summary")  # folded on a phone: the page stays short
    resident.fill("[data-category-search]", category.plain_name)
    resident.click(f"label[for=category-{category.pk}]")
    assert resident.input_value("#id_title") == category.plain_name  # suggested from the category
    resident.fill("#id_title", "3栋楼下暴露垃圾")
    resident.click("details:has(#id_description) > summary")
    resident.fill("#id_description", "单元门口右侧，已经两天没人清理。")
    # The words bring a suggestion and "already reported?" (htmx, after a pause) into the page above
    # the map: let them land before measuring where on the screen the point is.
    resident.wait_for_load_state("networkidle")

    chart = "echarts.getInstanceByDom(document.getElementById('report-map'))"
    lat, lng = IN_A1_1
    resident.locator("#report-map").scroll_into_view_if_needed()
    x, y = resident.evaluate(f"(p) => {chart}.convertToPixel({{geoIndex: 0}}, p)", [lng, lat])
    box = resident.locator("#report-map").bounding_box()
    resident.mouse.click(box["x"] + x, box["y"] + y)
    assert abs(float(resident.input_value("#id_lat")) - lat) < 0.002
    assert abs(float(resident.input_value("#id_lng")) - lng) < 0.002
    assert live_world.units["A1-1"].short_name in resident.inner_text("[data-pick-status]")
    resident.set_input_files("#id_photos", picture)
    shot(resident, "report-phone")
    resident.click("button[type=submit]:has-text('提交')")
    resident.wait_for_url(f"{live_server.url}/cases/5101*/")
    case = Case.objects.get()
    assert case.unit == live_world.units["A1-1"] and case.status == Status.DISPATCHED
    assert case.photos.count() == 1
    shot(resident, "reported-phone")

    worker = sign_in("grid_worker", PHONE)
    worker.goto(f"{live_server.url}/cases/tasks/")
    assert "3栋楼下暴露垃圾" in card(worker, case).inner_text()
    shot(worker, "tasks-phone")
    press(worker, case, "acknowledge")
    wait_for_action(worker, case, "handle")
    open_form(worker, case, "handle")
    worker.fill(f"#id_{case.pk}_handle_note", "已联系保洁清运，现场已清理干净。")
    worker.set_input_files(f"#id_{case.pk}_handle_photos", picture)
    shot(worker, "handle-phone")
    submit(worker, case, "handle")
    card(worker, case).locator(".gg-status-handled").wait_for()
    assert card(worker, case).locator("button[data-action='verify']").count() == 0  # not their own handling

    staff = sign_in("community_staff", PHONE)  # someone other than the handler verifies
    staff.goto(f"{live_server.url}/cases/tasks/")
    open_form(staff, case, "verify")
    submit(staff, case, "verify")
    card(staff, case).locator(".gg-status-closed").wait_for()
    assert Case.objects.get().status == Status.CLOSED and case.photos.filter(stage="handle").count() == 1

    resident.goto(f"{live_server.url}/cases/mine/")
    open_form(resident, case, "rate")
    resident.click(f"label[for=id_{case.pk}_rate_rating_0]")  # 满意
    shot(resident, "rate-phone")
    submit(resident, case, "rate")
    card(resident, case).locator(".alert-success").wait_for()
    assert Case.objects.get().rating == "satisfied"

    resident.goto(f"{live_server.url}/cases/{case.code}/")
    timeline = resident.inner_text(".gg-timeline")
    for step in ("上报", "派遣", "签收", "处置", "核查", "结案", "评价"):
        assert step in timeline, step
    assert resident.locator("[data-timeline-intact]").is_visible()
    resident.wait_for_selector(".gg-case-map[aria-busy=false]")
    shot(resident, "case-phone")
    resident.set_viewport_size(DESKTOP)
    shot(resident, "case-desktop")


@pytest.mark.browser
def test_big_loop_through_a_department(sign_in, live_server, live_world):
    from gridgov.cases.services import filing

    resident = live_world.users["resident"]
    case = filing.report(district=live_world.units["district"], channel="app", title="6栋楼顶违章搭建彩钢棚",
                         category=live_world.categories["big"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=resident.person, reported_by=resident)

    dispatcher = sign_in("street_dispatcher", DESKTOP)
    dispatcher.goto(f"{live_server.url}/cases/queues/")
    press(dispatcher, case, "accept")
    wait_for_action(dispatcher, case, "dispatch")
    open_form(dispatcher, case, "dispatch")
    form = card(dispatcher, case).locator(f"#act-{case.pk}-dispatch")
    assert form.locator("input[name=target][value=department]").is_checked()  # preset from the catalogue
    assert form.locator("select[name=lead]").input_value() == str(live_world.departments["chengguan"].pk)
    form.locator("textarea[name=note]").fill("请依法拆除，公安协助维持秩序。")
    shot(dispatcher, "dispatch-desktop")
    submit(dispatcher, case, "dispatch")
    card(dispatcher, case).locator(".gg-status-dispatched").wait_for()
    assert set(Case.objects.get().assignments.values_list("department__code", flat=True)) == {"chengguan", "gongan"}

    department = sign_in("dept_chengguan", PHONE)
    department.goto(f"{live_server.url}/cases/department/")
    press(department, case, "acknowledge")
    wait_for_action(department, case, "handle")
    open_form(department, case, "handle")
    department.fill(f"#id_{case.pk}_handle_note", "已责令拆除，现场复查完毕。")
    shot(department, "department-phone")
    submit(department, case, "handle")
    card(department, case).locator(".gg-status-closed").wait_for()
    assert Case.objects.get().status == Status.CLOSED

    dispatcher.goto(f"{live_server.url}/cases/{case.code}/")
    assert "城管" in dispatcher.inner_text("#case-panel")
    shot(dispatcher, "big-loop-case-desktop")
