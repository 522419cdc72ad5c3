"""Headless Chromium: the staff record a member's attendance session by session; attendance alone
gives no credit, reaching the course's hours does; the committee's coverage changes from 0% to 20%
(one of its five members, counted once); the member sees the credit on their phone."""
import datetime as dt

import pytest

from gridgov.partybuilding.models import Credit
from gridgov.partybuilding.services import training
from gridgov.partybuilding.services.common import today

from . import partybuilding_world as pw

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world):
    w = live_world.pb = pw.build(live_world)
    day = today()
    w.course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="3",
                                      starts_on=dt.date(day.year, 1, 1), ends_on=dt.date(day.year, 12, 31))
    w.first = training.add_session(w.staff, w.course, on=day, hours="2", topic="第一讲").new_session
    w.second = training.add_session(w.staff, w.course, on=day, hours="1", topic="第二讲").new_session
    return live_world


def _coverage(page) -> str:
    return page.locator("#pb-coverage tbody tr").first.locator("td").last.inner_text().strip()


@pytest.mark.browser
def test_attendance_reaches_the_hours_a_credit_appears_and_coverage_changes(sign_in, live_server, live_world):
    w = live_world.pb
    staff = sign_in("community_staff")
    staff.goto(f"{live_server.url}/partybuilding/orgs/{w.committee.pk}/")
    assert _coverage(staff) == "0%"
    assert staff.evaluate("() => window.partybuildingChart.getOption().series[0].data[0]") == 0
    staff.goto(f"{live_server.url}/partybuilding/courses/{w.course.pk}/")
    for session in (w.first, w.second):
        staff.select_option("#pb-attendance select[name=session]", str(session.pk))
        staff.select_option("#pb-attendance select[name=person]", str(w.p1.pk))
        staff.click("#pb-attendance button")
        staff.wait_for_load_state("networkidle")
        if session == w.first:
            assert not Credit.objects.exists()  # two hours of three: attended, not completed
            assert "2.0 / 3.0" in staff.inner_text("#pb-progress")
    assert w.p1.name in staff.inner_text("#pb-credits")
    staff.goto(f"{live_server.url}/partybuilding/orgs/{w.committee.pk}/")
    assert _coverage(staff) == "20%"

    member = sign_in("member1", PHONE)
    member.goto(f"{live_server.url}/partybuilding/me/")
    assert "党章学习" in member.inner_text("#pb-my-credits")
    assert member.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
