"""Each deliberation figure against a number worked out by hand from the data the test makes."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.core import clock, figures
from gridgov.deliberation.models import Meeting, MeetingKind, NoticeKind, Step
from gridgov.deliberation.services import matters, meetings, proposals, series

from . import deliberation_world as world
from .figures_check import together_equals_alone

T0 = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))  # a Monday
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def w(district):
    return world.build(district)


def at(days):
    return clock.frozen(T0 + dt.timedelta(days=days))


def _hold(w, meeting, people):
    meetings.open_meeting(w.staff, meeting)
    for person in people:
        meetings.check_in(w.staff, meeting, person)
    meetings.close(w.staff, meeting)


def _data(w):
    """Proposals (all of community A1): p1 for the community, made 2 March, answered 4 March
    (2 days), published and implemented 5 March; p2 for grid A1-1, made 2 March, answered 6 March
    (4 days); p3 open; p4 made 3 March and withdrawn.

    Meetings: a 逢十 series made on 2 March (10, 20 and 30 March in the month); the 10th held with 4
    present, the 20th held with 3, the 30th cancelled. A committees' meeting (3 entitled, 2 present)
    and a representatives' meeting (5 entitled, 4 present), both held; the meetings the matters'
    votes were taken at stay in session (not held).

    Matters: m1 closed — resolved, resolution published, completed and result published on 2 March
    (on time); m2 resolved on 2 March, resolution published on 12 March (8 working days: late), result
    published on 12 March for a completion that day; m3 in draft."""
    with at(0):
        p1 = proposals.propose(w.resident, title="p1")
        p2 = proposals.propose(w.resident, title="p2", unit=w.d.units["A1-1"])
        proposals.propose(w.resident, title="p3")
        s = series.create_series(w.staff, community=w.community, kind="tenth", title="逢十", recurrence="tenth",
                                 start_time=dt.time(9))
        m1 = world.run_matter(w, title="m1")
        m2 = world.run_matter(w, until=Step.RESOLVED, title="m2")
        matters.open_matter(w.staff, community=w.community, title="m3")
        committees, reps = world.meeting(w, MeetingKind.COMMITTEES), world.meeting(w, MeetingKind.REPRESENTATIVES)
        _hold(w, committees, w.people[:2])
        _hold(w, reps, w.people)
    with at(1):
        proposals.withdraw(w.resident, proposals.propose(w.resident, title="p4"))
    with at(2):
        proposals.answer(w.staff, p1, answer="accepted", reason="好")
    with at(3):
        proposals.publish_answer(w.staff, p1)
        proposals.mark_implemented(w.staff, p1)
    with at(4):
        proposals.answer(w.staff, p2, answer="not_accepted", reason="不属于社区事务")
    with at(10):
        m2 = matters.publish(w.staff, m2, kind=NoticeKind.RESOLUTION, text="决议")
        m2 = matters.advance(w.staff, m2)
        matters.publish(w.staff, m2, kind=NoticeKind.RESULT, text="结果", completed_on=dt.date(2026, 3, 12))
    tenth = {m.held_on.day: m for m in Meeting.objects.filter(series=s, held_on__month=3)}
    _hold(w, tenth[10], w.people)
    _hold(w, tenth[20], w.people[:3])
    meetings.cancel(w.staff, tenth[30], "停电")
    return m1


def test_figures_worked_by_hand(w):
    _data(w)
    grid, a2 = w.d.units["A1-1"].code, w.d.units["A2"].code
    result = figures.get("deliberation").compute([w.community.code, grid, a2, "510113"], *MARCH)
    a1 = result[w.community.code]
    assert (a1["proposals_received"], a1["proposals_answered"], a1["proposals_implemented"]) == (4, 2, 1)
    assert a1["median_days_to_answer"] == 3.0                      # (2 + 4) / 2
    assert (a1["meetings_scheduled"], a1["meetings_held"]) == (3, 4)  # 10th, 20th + committees + reps
    assert a1["series_held_share"] == pytest.approx(2 / 3)
    assert a1["attendance_rate"] == pytest.approx((2 + 4) / (3 + 5))  # the 逢十 meetings have no list
    assert (a1["matters_closed"], a1["matters_result_pub"], a1["matters_draft"], a1["matters_resolved"]) == \
        (1, 1, 1, 0)
    assert a1["publications_on_time"] == 0.5
    assert result["510113"] == a1
    g = result[grid]
    assert (g["proposals_received"], g["proposals_answered"], g["median_days_to_answer"]) == (1, 1, 4.0)
    assert g["meetings_held"] == 0 and g["attendance_rate"] is None and g["publications_on_time"] is None
    assert result[a2]["proposals_received"] == 0 and result[a2]["median_days_to_answer"] is None
    april = figures.get("deliberation").compute([w.community.code], dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert april[w.community.code]["proposals_received"] == 0
    assert april[w.community.code]["matters_closed"] == 1  # a state: as it stands


def test_a_longer_on_time_limit_makes_both_publications_on_time(w):
    from gridgov.deliberation.models import DeliberationSettings

    _data(w)
    DeliberationSettings.objects.create(district_code="510113", publication_days=10)
    assert figures.get("deliberation").compute([w.community.code], *MARCH)[w.community.code][
        "publications_on_time"] == 1.0


def test_figures_together_equal_alone_in_constant_queries(w):
    _data(w)
    together_equals_alone("deliberation", [MARCH])
    compute = figures.get("deliberation").compute
    with CaptureQueriesContext(connection) as one:
        compute([w.community.code], *MARCH)
    with CaptureQueriesContext(connection) as many:
        compute(list(w.d.units[k].code for k in ("A1", "A2", "B1", "B2", "A1-1", "A", "B", "district")), *MARCH)
    assert len(many) == len(one) <= 4
