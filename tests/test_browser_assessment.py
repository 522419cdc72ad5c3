"""The assessment pages in headless Chromium: the district administrator's figures and rankings
draw their charts (a canvas with paint on it), and the printable report opens without navigation."""
from pathlib import Path

import pytest

from .canvas import CANVAS_PIXELS
from .test_assessment_reports import MARCH, walk_cases

#: Worked out by hand on a handful of cases: every rate counts whatever its sample (conftest).
pytestmark = pytest.mark.usefixtures("every_rate_counts")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def live_world(live_world):
    return walk_cases(live_world)


def drawn(page, chart_id):
    page.wait_for_selector(f"#{chart_id}[aria-busy=false]")
    figures = page.evaluate(CANVAS_PIXELS, "#" + chart_id)
    assert figures["painted"] > 0.02 and figures["colours"] > 10, (chart_id, figures)
    return figures


@pytest.mark.browser
def test_district_admin_sees_figures_rankings_and_the_printable_report(login, live_server, live_world):
    ARTIFACTS.mkdir(exist_ok=True)
    page = login("district_admin")

    page.goto(f"{live_server.url}/assessment/?period={MARCH}")
    assert "青白江区" in page.locator("h1").inner_text()
    drawn(page, "figures-chart")
    before = drawn(page, "children-chart")
    page.select_option("#children-figure", index=2)  # closure rate: street B's bar halves
    page.wait_for_timeout(600)
    assert page.evaluate(CANVAS_PIXELS, "#children-chart") != before
    page.screenshot(path=ARTIFACTS / "assessment-figures.png", full_page=True)

    page.goto(f"{live_server.url}/assessment/rankings/?by=street&period={MARCH}")
    drawn(page, "ranking-chart")
    assert page.locator("#ranking-table tbody tr").count() == 2
    assert page.locator(".red-list li").count() == 1 and page.locator(".black-list li").count() == 1
    page.screenshot(path=ARTIFACTS / "assessment-rankings.png", full_page=True)

    page.goto(f"{live_server.url}/assessment/reports/{MARCH}/")
    assert page.locator("#report-street tbody tr").count() == 2
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    assert not page.locator("nav.gg-navbar").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 794  # nothing sticks out
    assert not page.locator("#report-xlsx").is_visible()
    assert page.locator("article.gg-report h1").is_visible()
    page.screenshot(path=ARTIFACTS / "assessment-report-print.png", full_page=True)
    page.pdf(path=ARTIFACTS / "assessment-report.pdf", format="A4")
