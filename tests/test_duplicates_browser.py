"""“Already reported” followed through on a phone (issue 17, item 7), in headless Chromium: a grid
worker on patrol writes a report, the form lists the open cases nearby of the same and of a related
category; they open one to take it over (its page, with its acknowledge button), and add their
observation to the other instead of filing a duplicate. Screenshots go to /tmp/dups-shots/."""
from pathlib import Path

import pytest

from gridgov.cases.models import Case, Status
from gridgov.cases.services import filing

from .cases_world import IN_A1_1

SHOTS = Path("/tmp/dups-shots")
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def resident_report(world, category, title, at):
    resident = world.users["resident"]
    return filing.report(district=world.units["district"], channel="app", title=title,
                         category=world.categories[category], lat=at[0], lng=at[1], reporter=resident.person,
                         reported_by=resident)


def write_report(page, live_server, world, title):
    """The grid worker's report form, filled up to the place: the “already reported” list follows."""
    category = world.categories["small"]
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#report-map[aria-busy=false]")
    page.click("[data-category-fold] > summary")  # folded on a phone
    page.fill("[data-category-search]", category.plain_name)
    page.click(f"label[for=category-{category.pk}]")
    page.fill("#id_title", title)
    page.wait_for_load_state("networkidle")
    chart = "echarts.getInstanceByDom(document.getElementById('report-map'))"
    page.locator("#report-map").scroll_into_view_if_needed()
    # The view centred on the reports' place first (as the worker would drag it there); the tap is
    # tried again while the map is still settling from the move.
    page.evaluate(f"(p) => {chart}.setOption({{geo: {{center: p}}}})", [IN_A1_1[1], IN_A1_1[0]])
    for _attempt in range(5):
        page.wait_for_timeout(300)
        x, y = page.evaluate(f"(p) => {chart}.convertToPixel({{geoIndex: 0}}, p)", [IN_A1_1[1], IN_A1_1[0]])
        box = page.locator("#report-map").bounding_box()
        page.mouse.click(box["x"] + x, box["y"] + y)
        if page.input_value("#id_lat"):
            break
    page.locator("[data-already-reported]").wait_for()
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


@pytest.mark.browser
def test_a_grid_worker_opens_and_takes_over_an_already_reported_case_on_a_phone(sign_in, live_server, live_world):
    rubbish = resident_report(live_world, "small", "3栋楼下暴露垃圾没人清理", IN_A1_1)  # dispatched to the grid
    posters = resident_report(live_world, "quick", "3栋楼下暴露垃圾旁边贴满小广告", (IN_A1_1[0] + 0.0005, IN_A1_1[1]))
    assert rubbish.status == posters.status == Status.DISPATCHED

    worker = sign_in("grid_worker", PHONE)
    write_report(worker, live_server, live_world, "3栋楼下暴露垃圾堆了两天")
    listed = worker.locator("[data-already-reported]")
    # The same category and a related one (小广告, the same parent as 暴露垃圾) are both offered.
    assert listed.locator(f"[data-similar-case='{rubbish.code}']").count() == 1
    assert listed.locator(f"[data-similar-case='{posters.code}']").count() == 1
    assert worker.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    listed.scroll_into_view_if_needed()
    shot(worker, "already-reported-phone")

    # Open it to take it over: its page, where the worker acknowledges it.
    listed.locator(f"[data-open='{rubbish.code}']").click()
    worker.wait_for_url(f"{live_server.url}/cases/{rubbish.code}/")
    panel = worker.locator(f"[data-case-panel][data-case='{rubbish.code}']")
    panel.locator("button[data-action='acknowledge']").click()
    panel.locator(".gg-status-acknowledged").wait_for()
    assert Case.objects.get(pk=rubbish.pk).handler_user == live_world.users["grid_worker"]
    shot(worker, "taken-over-phone")

    # Or add what they see to the other one, instead of a second case for a dispatcher to merge.
    write_report(worker, live_server, live_world, "3栋楼下小广告贴满了墙")
    worker.click("details:has(#id_description) > summary")  # folded on a phone
    worker.fill("#id_description", "单元门两侧都是，已拍照。")
    worker.locator(f"[data-join='{posters.code}']").click()
    worker.wait_for_url(f"{live_server.url}/cases/{posters.code}/")
    observation = Case.objects.get(merged_into=posters)
    assert observation.reported_by == live_world.users["grid_worker"] and observation.status == Status.MERGED
    assert observation.description == "单元门两侧都是，已拍照。"
    assert not Case.objects.filter(merged_into__isnull=True, reported_by=live_world.users["grid_worker"]).exists()
    worker.locator(".alert-success").wait_for()
    shot(worker, "observation-added-phone")

    # The resident who reported the rubbish is not offered “me too” on their own report.
    resident = sign_in("resident", PHONE)
    write_report(resident, live_server, live_world, "3栋楼下暴露垃圾堆了两天")
    own = resident.locator(f"[data-similar-case='{rubbish.code}']")
    assert own.locator("[data-own-report]").count() == 1 and own.locator("[data-join]").count() == 0
    shot(resident, "own-report-phone")


@pytest.mark.browser
def test_a_merge_is_confirmed_undone_and_followed_on_my_cases(sign_in, live_server, live_world):
    """The dispatcher's one tap on “merge into that one” shows both cases first; the resident whose
    report was merged sees the master's progress on My cases; the merge is undone."""
    master = filing.report(district=live_world.units["district"], channel="patrol", title="3栋楼顶有人违章搭建彩钢棚",
                           category=live_world.categories["big"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                           reported_by=live_world.users["grid_worker"])
    duplicate = filing.report(district=live_world.units["district"], channel="app", title="3栋楼顶违章搭建了彩钢棚",
                              category=live_world.categories["big"], lat=IN_A1_1[0] + 0.0004, lng=IN_A1_1[1],
                              reporter=live_world.persons[0], reported_by=live_world.users["resident"])

    dispatcher = sign_in("street_dispatcher", PHONE)
    dispatcher.goto(f"{live_server.url}/cases/{duplicate.code}/")
    dispatcher.locator(f"[data-merge-into='{master.code}']").click()  # the one tap asks first
    confirm = dispatcher.locator("[data-merge-confirm]")
    confirm.wait_for()
    assert master.code in confirm.inner_text() and duplicate.code in confirm.inner_text()
    assert Case.objects.get(pk=duplicate.pk).status == Status.REPORTED
    confirm.scroll_into_view_if_needed()
    shot(dispatcher, "merge-confirm-phone")
    dispatcher.locator("button[data-confirm-merge]").click()
    dispatcher.locator(".gg-status-merged").first.wait_for()
    assert Case.objects.get(pk=duplicate.pk).merged_into == master

    resident = sign_in("resident", PHONE)
    resident.goto(f"{live_server.url}/cases/mine/")
    followed = resident.locator(f"[data-case='{duplicate.code}'] [data-master='{master.code}']")
    followed.wait_for()
    assert "3栋楼顶有人违章搭建彩钢棚" not in resident.inner_text("main")  # never the master's title
    shot(resident, "my-cases-merged-phone")

    dispatcher.locator("button[data-action='unmerge']").click()
    dispatcher.locator(f"#act-{duplicate.pk}-unmerge.show").wait_for()
    dispatcher.locator(f"#act-{duplicate.pk}-unmerge button[type=submit]").click()
    dispatcher.locator("[data-master]").wait_for(state="detached")  # no longer handled as one
    assert dispatcher.locator(f"[data-similar-cases] [data-merge-into='{master.code}']").count() == 1  # offered again
    assert Case.objects.get(pk=duplicate.pk).merged_into is None
    shot(dispatcher, "unmerged-phone")
