"""The queue search in headless Chromium (issue 17, item 6): a district dispatcher on the phone with a
caller types the number, then narrows by place and category; the URL keeps the search, the results
swap in without reloading the page, and the page jump works. Screenshots go to test-artifacts/."""
from pathlib import Path

import pytest

from gridgov.cases.services import filing
from gridgov.people.models import RevealLog

from .cases_world import IN_A1_1, IN_B1_1

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"casehalf-{name}.png", full_page=True)


def report(world, title, at=IN_A1_1, **extra):
    return filing.report(district=world.units["district"], channel="hotline", title=title,
                         category=world.categories["big"], lat=at[0], lng=at[1],
                         reported_by=world.users["district_dispatcher"], **extra)


@pytest.mark.browser
def test_a_dispatcher_finds_a_callers_case_in_a_long_queue(sign_in, live_server, live_world):
    for n in range(45):
        report(live_world, f"道路积水{n}号点", at=IN_B1_1 if n % 2 else IN_A1_1)
    callers = report(live_world, "工地夜间施工噪音", contact_phone="13912345678", address="金牛大道88号")

    page = sign_in("district_dispatcher", DESKTOP)
    page.goto(f"{live_server.url}/cases/queues/?tab=all")
    page.locator("[data-page-jump] input[name=page]").fill("3")
    page.locator("[data-page-jump] button").click()
    page.wait_for_url(lambda url: "page=3" in url)
    assert page.locator(".gg-case-card").count() == 6  # 46 cases, 20 a page
    shot(page, "queue-pages")

    page.goto(f"{live_server.url}/cases/queues/?tab=all")
    page.fill("[data-case-search] input[name=q]", "139 1234 5678")
    page.press("[data-case-search] input[name=q]", "Enter")
    page.wait_for_url(lambda url: "q=139" in url)
    page.locator(f"[data-case='{callers.code}']").wait_for()
    assert page.locator(".gg-case-card").count() == 1
    assert RevealLog.objects.filter(kind=RevealLog.Kind.SEARCH, result_count=1).count() == 1
    shot(page, "queue-phone-search")

    page.fill("[data-case-search] input[name=q]", "积水")
    page.locator("[data-case-search] summary").click()
    page.select_option("[data-case-search] select[name=unit]", live_world.units["B"].code)
    page.wait_for_function(f"() => location.search.includes('unit={live_world.units['B'].code}')")
    page.wait_for_function("() => document.querySelectorAll('.gg-case-card').length === 20")
    assert "unit=" in page.url and "q=" in page.url
    assert all("道路积水" in text for text in page.locator(".gg-case-title").all_inner_texts())
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")
    assert page.locator("[data-page-jump] input[name=page]").get_attribute("max") == "2"  # 22 in street B
    shot(page, "queue-filtered")

    phone = sign_in("street_dispatcher", PHONE)
    phone.goto(f"{live_server.url}/cases/queues/?tab=all&q=%E7%A7%AF%E6%B0%B4")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(phone, "queue-search-phone")
