"""The party-building figures against numbers worked out by hand from the world below, the roll-up
counting a member once, expiry stopping a credit from counting, and a constant number of queries.

Members (own organisation → its unit): p1 → A1-1 branch (p1 is also in the A1 committee: counted
once, at the branch), p4 → A1-1 branch, p5 → A1-1-1 group, p2 and p3 (secretary) → A1-2 branch.
Courses of 2026: "党章学习" of the committee (4 h, every member); "书记培训" of the A1-2 branch
(secretaries only, p3). Credits: p1 by hours (2.5 h on 2 March + 1.5 h on 9 March, valid to
9 September); p3 by a passed test of "党章学习" — but p3 still lacks "书记培训", so is not covered."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.core import figures
from gridgov.partybuilding.services import kite, pledges, posts, training
from gridgov.partybuilding.services.coverage import coverage_by_org

from . import partybuilding_world as pw
from .figures_check import together_equals_alone

D = dt.date
MARCH = (D(2026, 3, 1), D(2026, 3, 31))


@pytest.fixture
def w(district):
    w = pw.build(district)
    with pw.on(D(2026, 3, 2)):
        course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="4", pass_mark=60,
                                        starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), validity_months=6)
        training.create_course(w.staff, org=w.branch2, title="书记培训", hours="2", member_kinds=["secretary"],
                               starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
        first = training.add_session(w.staff, course, on=D(2026, 3, 2), hours="2.5", topic="一").new_session
        second = training.add_session(w.staff, course, on=D(2026, 3, 9), hours="1.5", topic="二").new_session
        training.record_attendance(w.staff, course, session=first, person=w.p1)
        training.record_attendance(w.staff, course, session=first, person=w.p4)
        training.record_result(w.staff, course, person=w.p3, score=75, taken_on=D(2026, 3, 2))
        for person, org, home, since in [(w.p2, w.branch2, "深圳", D(2026, 1, 10)), (w.p4, w.branch, "成都", D(2026, 2, 1)),
                                         (w.p5, w.group, "上海", D(2026, 2, 20)), (w.p3, w.branch2, "广州", D(2026, 2, 25))]:
            kite.register_mobile(w.staff, person=person, home_org=org, city=home, since=since, liaison=w.staff)
        post1 = posts.create_post(w.staff, unit=district.units["A1-1"], title="示范岗一")
        posts.create_post(w.staff, unit=district.units["A1-2"], title="示范岗二")
        post3 = posts.create_post(w.staff, unit=district.units["A1"], title="示范岗三")
        posts.assign_holder(w.staff, post1, person=w.p1, held_from=D(2026, 3, 2))
        posts.assign_holder(w.staff, post3, person=w.p3, held_from=D(2026, 3, 2), held_to=D(2026, 3, 20))
        made = {}
        for key, person, org, due in [("p1", w.p1, w.branch, D(2026, 3, 20)), ("p4", w.p4, w.branch, D(2026, 3, 25)),
                                      ("p2", w.p2, w.branch2, D(2026, 4, 10)), ("p3", w.p3, w.branch2, D(2026, 3, 28))]:
            made[key] = pledges.make_pledge(w.staff, person=person, org=org, text=f"{key}的承诺", due_on=due)
    with pw.on(D(2026, 3, 9)):
        training.record_attendance(w.staff, course, session=second, person=w.p1)
    with pw.on(D(2026, 3, 5)):
        kite.record_contact(w.staff, w.p2.mobile_record, kind="call", on=D(2026, 3, 5))
    with pw.on(D(2026, 2, 10)):
        kite.record_contact(w.staff, w.p4.mobile_record, kind="dues", on=D(2026, 2, 10))
    with pw.on(D(2026, 3, 21)):
        pledges.record_fulfilment(w.staff, made["p1"], fulfilled=True, evidence="记录")
    with pw.on(D(2026, 3, 26)):
        pledges.record_fulfilment(w.staff, made["p4"], fulfilled=False, note="未完成")
    return w


def _compute(district, labels, start, end):
    codes = {label: district.units[label].code for label in labels}
    result = figures.get("partybuilding").compute(list(codes.values()), start, end)
    return {label: result[code] for label, code in codes.items()}


def test_march_by_hand(w, district):
    f = _compute(district, ["district", "A", "B", "A1", "A1-1", "A1-1-1", "A1-2"], *MARCH)
    # Coverage: 5 members required (p1 once, though also a committee member); covered p1 only
    # (p3 lacks the secretaries' course).
    assert [f[u]["members_required"] for u in ("district", "A1", "A1-1", "A1-1-1", "A1-2")] == [5, 5, 3, 1, 2]
    assert f["A1"]["training_coverage"] == 0.2 and f["district"]["training_coverage"] == 0.2
    assert f["A1-1"]["training_coverage"] == 0.3333 and f["A1-2"]["training_coverage"] == 0.0
    assert f["B"]["training_coverage"] is None and f["B"]["hours_per_member"] is None
    # Hours: p1 2.5 + 1.5, p4 2.5 = 6.5 h over 5 members; A1-1: 6.5 h / 3; A1-2: 0 / 2.
    assert (f["A1"]["hours_per_member"], f["A1-1"]["hours_per_member"], f["A1-2"]["hours_per_member"]) == (1.3, 2.17, 0)
    # Kite plan on 31 March: p2 last contacted 26 days before, p4 49 days, p5 and p3 never (p2 and p3
    # share the A1-2 branch: two members of one unit are two).
    assert (f["A1"]["mobile_members"], f["A1"]["mobile_contacted_30"], f["A1"]["mobile_contacted_90"]) == \
        (4, 0.25, 0.5)
    assert (f["A1-1"]["mobile_contacted_30"], f["A1-1"]["mobile_contacted_90"]) == (0.0, 0.5)
    assert (f["A1-2"]["mobile_members"], f["A1-2"]["mobile_contacted_30"]) == (2, 0.5)
    # Posts on 31 March: only 示范岗一 has a holder (示范岗三's ended on 20 March).
    assert (f["A1"]["posts_staffed"], f["A1-1"]["posts_staffed"], f["A1-2"]["posts_staffed"]) == (0.3333, 1.0, 0.0)
    # Pledges due in March: p1 (fulfilled), p4 (not), p3 (still open, overdue); p2's is due in April.
    assert (f["A1"]["pledges_due"], f["A1"]["pledges_fulfilled"], f["A1-1"]["pledges_fulfilled"],
            f["A1-2"]["pledges_fulfilled"]) == (3, 0.3333, 0.5, 0.0)


def test_the_roll_up_counts_a_member_once(w, district):
    """p1 belongs to the A1-1 branch and to the A1 committee above it: the committee counts five
    members, not six, and its coverage rows agree with the figures."""
    rows = {r["org"].name: r for r in coverage_by_org([w.committee, w.branch, w.branch2, w.group], *MARCH)}
    assert {name: (r["members"], r["required"], r["covered"]) for name, r in rows.items()} == {
        "A1大党委": (5, 5, 1), "A1-1网格党支部": (3, 3, 1), "A1-2网格党支部": (2, 2, 0), "A1-1-1楼栋党小组": (1, 1, 0)}


def test_an_expired_credit_stops_counting(w, district):
    assert _compute(district, ["A1-1"], D(2026, 9, 1), D(2026, 9, 8))["A1-1"]["training_coverage"] == 0.3333
    assert _compute(district, ["A1-1"], D(2026, 9, 1), D(2026, 9, 9))["A1-1"]["training_coverage"] == 0.0


def test_many_units_at_once_equal_each_alone_in_constant_queries(w, district):
    together_equals_alone("partybuilding", [MARCH, (D(2026, 1, 1), D(2026, 12, 31))])
    one = [district.units["district"].code]
    many = one + [district.units[label].code for label in ("A", "B", "A1", "A2", "B1", "B2", "A1-1", "A1-1-1")]

    def cost(codes):
        with CaptureQueriesContext(connection) as queries:
            figures.get("partybuilding").compute(codes, *MARCH)
        return len(queries)

    assert cost(many) == cost(one) <= 8
