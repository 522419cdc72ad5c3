"""The party-building services: the kite plan, training (attendance is not completion, credits and
their expiry), vanguard posts and pledges — each rule tried, each refusal tried and nothing written."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gridgov.core import journal
from gridgov.core.errors import InvalidTransition
from gridgov.partybuilding.actions import PartyAction as A
from gridgov.partybuilding.models import (
    Attendance,
    Contact,
    Credit,
    LifeAttendance,
    MobileMember,
    PartyEntry,
    Pledge,
    VanguardPost,
)
from gridgov.partybuilding.services import kite, notices, pledges, posts, training
from gridgov.partybuilding.services.members import own_org

from . import partybuilding_world as pw

D = dt.date


@pytest.fixture
def w(district):
    with translation.override("en"):
        yield pw.build(district)


def _entries(subject, action):
    return PartyEntry.objects.filter(kind=subject._meta.model_name, object_id=subject.pk, action=action).count()


# -- kite plan -----------------------------------------------------------------------------------
def _mobile(w, since=D(2026, 1, 10)):
    with pw.on(D(2026, 3, 2)):
        return kite.register_mobile(w.staff, person=w.p2, home_org=w.branch2, city="深圳", province="广东",
                                    employer="某物流公司", since=since, liaison=w.staff)


def test_a_mobile_member_must_belong_to_the_home_branch_and_be_a_member(w):
    with pw.on(D(2026, 3, 2)):
        with pytest.raises(ValidationError, match="does not belong"):
            kite.register_mobile(w.staff, person=w.p2, home_org=w.branch, city="深圳", since=D(2026, 1, 1))
        with pytest.raises(ValidationError, match="not a party member"):
            kite.register_mobile(w.staff, person=w.outsider, home_org=w.branch, city="深圳", since=D(2026, 1, 1))
        with pytest.raises(PermissionDenied):
            kite.register_mobile(w.member, person=w.p2, home_org=w.branch2, city="深圳", since=D(2026, 1, 1))
    assert not MobileMember.objects.exists()
    mobile = _mobile(w)
    with pw.on(D(2026, 3, 2)), pytest.raises(ValidationError, match="already on the kite plan"):
        kite.register_mobile(w.staff, person=w.p2, home_org=w.branch2, city="广州", since=D(2026, 1, 1))
    assert own_org(w.p1) == w.branch and mobile.status == "away"


def test_a_contact_dated_in_the_future_is_refused(w):
    mobile = _mobile(w)
    with pw.on(D(2026, 3, 2)):
        with pytest.raises(ValidationError, match="future"):
            kite.record_contact(w.staff, mobile, kind="call", on=D(2026, 3, 3))
        with pytest.raises(ValidationError, match="Unknown kind"):
            kite.record_contact(w.staff, mobile, kind="telepathy", on=D(2026, 3, 1))
        with pytest.raises(ValidationError, match="after the member left"):
            kite.record_contact(w.staff, mobile, kind="call", on=D(2025, 12, 1))
        assert not Contact.objects.exists()
        kite.record_contact(w.staff, mobile, kind="dues", on=D(2026, 3, 2), note="线上交纳党费")
    assert Contact.objects.get().kind == "dues" and journal.verify(mobile, PartyEntry)


def test_the_liaison_is_told_once_per_threshold_and_a_contact_starts_again(w):
    mobile = _mobile(w, since=D(2026, 3, 1))
    with pw.on(D(2026, 3, 20)):
        assert kite.watch_contacts(pw.clock.now()) == 0  # 19 days: nobody told
    with pw.on(D(2026, 3, 31)):
        assert kite.watch_contacts(pw.clock.now()) == 1  # 30 days
        assert kite.watch_contacts(pw.clock.now()) == 0  # a second round tells nobody again
    with pw.on(D(2026, 4, 20)):
        assert kite.watch_contacts(pw.clock.now()) == 0
    with pw.on(D(2026, 5, 30)):
        assert kite.watch_contacts(pw.clock.now()) == 1  # 90 days: the second threshold
    mobile.refresh_from_db()
    assert _entries(mobile, A.NOT_CONTACTED) == 2 and mobile.alerted_days == 90
    users, text = notices.recipients(mobile, A.NOT_CONTACTED)[0]
    assert users == [w.staff] and "90" in text and w.p2.name in text
    with pw.on(D(2026, 5, 31)):
        kite.record_contact(w.staff, mobile, kind="visit", on=D(2026, 5, 31))
    with pw.on(D(2026, 7, 1)):
        assert kite.watch_contacts(pw.clock.now()) == 1  # 31 days after the visit: told again
        kite.mark_returned(w.staff, mobile, on=D(2026, 7, 1))
        with pytest.raises(InvalidTransition):
            kite.mark_returned(w.staff, mobile, on=D(2026, 7, 1))
    with pw.on(D(2026, 12, 1)):
        assert kite.watch_contacts(pw.clock.now()) == 0  # returned: no more alerts


def test_organisation_life_attendance_once_per_member(w):
    with pw.on(D(2026, 3, 2)):
        session = kite.create_life_session(w.staff, org=w.branch2, on=D(2026, 3, 2), topic="线上主题党日")
        kite.record_life_attendance(w.staff, session, person=w.p2, mode="online")
        with pytest.raises(ValidationError, match="already recorded"):
            kite.record_life_attendance(w.staff, session, person=w.p2, mode="present")
        with pytest.raises(ValidationError, match="not a party member"):
            kite.record_life_attendance(w.staff, session, person=w.outsider, mode="present")
        with pytest.raises(ValidationError, match="is not a member of"):
            kite.record_life_attendance(w.staff, session, person=w.p1, mode="present")  # the other branch's
        kite.record_life_attendance(w.staff, session, person=w.p3, mode="present")
    assert sorted(LifeAttendance.objects.values_list("mode", flat=True)) == ["online", "present"]


# -- training ------------------------------------------------------------------------------------
def _course(w, **extra):
    with pw.on(D(2026, 3, 2)):
        course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="4",
                                        starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31), validity_months=6, **extra)
        first = training.add_session(w.staff, course, on=D(2026, 3, 2), hours="2.5", topic="第一讲").new_session
        second = training.add_session(w.staff, course, on=D(2026, 3, 9), hours="1.5", topic="第二讲").new_session
    return course, first, second


def test_attendance_is_not_completion_and_a_credit_without_the_hours_is_refused(w):
    course, first, second = _course(w)
    with pw.on(D(2026, 3, 2)):
        done = training.record_attendance(w.staff, course, session=first, person=w.p1)
        assert done.new_credit is None  # 2.5 of 4 hours: attended, not completed
        with pytest.raises(ValidationError, match="2.5 of 4.0 hours"):
            training.grant_credit(w.staff, course, person=w.p1)
        with pytest.raises(ValidationError, match="already recorded"):
            training.record_attendance(w.staff, course, session=first, person=w.p1)
        with pytest.raises(ValidationError, match="once the session has taken place"):
            training.record_attendance(w.staff, course, session=second, person=w.p1)
        with pytest.raises(ValidationError, match="not a party member"):
            training.record_attendance(w.staff, course, session=first, person=w.outsider)
    assert not Credit.objects.exists() and Attendance.objects.count() == 1
    with pw.on(D(2026, 3, 9)):
        credit = training.record_attendance(w.staff, course, session=second, person=w.p1).new_credit
    assert credit.basis == "hours" and credit.hours == 4 and credit.expires_on == D(2026, 9, 9)
    with pw.on(D(2026, 3, 9)), pytest.raises(InvalidTransition, match="already holds"):
        training.grant_credit(w.staff, course, person=w.p1)
    assert journal.verify(course, PartyEntry) and _entries(credit, A.GRANT) == 1


def test_a_course_for_some_kinds_only_refuses_the_others(w):
    course, first, _ = _course(w, member_kinds=["secretary"])
    with pw.on(D(2026, 3, 2)):
        with pytest.raises(ValidationError, match="not among the members"):
            training.record_attendance(w.staff, course, session=first, person=w.p2)
        training.record_attendance(w.staff, course, session=first, person=w.p3)
    with pw.on(D(2026, 3, 2)), pytest.raises(ValidationError, match="Unknown kind of member"):
        training.create_course(w.staff, org=w.committee, title="x", hours=1, starts_on=D(2026, 1, 1),
                               ends_on=D(2026, 2, 1), member_kinds=["chairman"])


@pytest.mark.parametrize("bad", [{"hours": "0"}, {"hours": "abc"}, {"hours": "1.25"}, {"title": " "},
                                 {"ends_on": D(2025, 1, 1)}, {"pass_mark": 0}, {"validity_months": 0}])
def test_course_input_is_checked(w, bad):
    values = {"title": "t", "hours": "2", "starts_on": D(2026, 1, 1), "ends_on": D(2026, 12, 31), **bad}
    with pw.on(D(2026, 3, 2)), pytest.raises(ValidationError):
        training.create_course(w.staff, org=w.committee, **values)


def test_a_passed_test_completes_and_a_failed_one_does_not(w):
    course, first, _ = _course(w, pass_mark=60)
    with pw.on(D(2026, 3, 2)):
        assert training.record_result(w.staff, course, person=w.p4, score=59, taken_on=D(2026, 3, 2)).new_credit is None
        credit = training.record_result(w.staff, course, person=w.p4, score=80, taken_on=D(2026, 3, 2)).new_credit
        with pytest.raises(ValidationError, match="future"):
            training.record_result(w.staff, course, person=w.p5, score=80, taken_on=D(2026, 3, 3))
    assert credit.basis == "test"


def test_expiring_credits_are_told_ahead_and_expired_ones_recorded_once(w):
    course, first, second = _course(w)
    with pw.on(D(2026, 3, 9)):
        training.record_attendance(w.staff, course, session=first, person=w.p1)
        credit = training.record_attendance(w.staff, course, session=second, person=w.p1).new_credit
    with pw.on(D(2026, 8, 1)):
        assert training.watch_credits(pw.clock.now()) == {"warned": 0, "expired": 0}
    with pw.on(D(2026, 8, 15)):
        assert training.watch_credits(pw.clock.now()) == {"warned": 1, "expired": 0}
        assert training.watch_credits(pw.clock.now()) == {"warned": 0, "expired": 0}
    users, text = notices.recipients(credit, A.EXPIRING)[0]
    assert users == [w.member] and "2026-09-09" in text
    with pw.on(D(2026, 9, 9)):
        assert training.watch_credits(pw.clock.now()) == {"warned": 0, "expired": 1}
        assert training.watch_credits(pw.clock.now()) == {"warned": 0, "expired": 0}
    credit.refresh_from_db()
    assert credit.expired_at is not None and not credit.valid_on(D(2026, 9, 9)) and credit.valid_on(D(2026, 9, 8))
    assert notices.recipients(credit, A.EXPIRE)[0][0] == [w.member]
    # The old hours do not earn a new credit: only sessions after the last credit count.
    with pw.on(D(2026, 9, 10)), pytest.raises(ValidationError, match="0 of 4.0 hours"):
        training.grant_credit(w.staff, course, person=w.p1)


# -- posts and pledges ---------------------------------------------------------------------------
def test_a_post_holder_must_be_a_party_member(w):
    with pw.on(D(2026, 3, 2)):
        post = posts.create_post(w.staff, unit=w.d.units["A1-1"], title="党员示范岗", place="便民服务站",
                                 duties="代办、调解")
        with pytest.raises(ValidationError, match="is not one"):
            posts.assign_holder(w.staff, post, person=w.outsider, held_from=D(2026, 3, 2))
        with pytest.raises(ValidationError, match="ends after it starts"):
            posts.assign_holder(w.staff, post, person=w.p1, held_from=D(2026, 3, 2), held_to=D(2026, 3, 1))
        assert VanguardPost.objects.get().holder is None
        posts.assign_holder(w.staff, post, person=w.p1, held_from=D(2026, 3, 2))
        shown = posts.public_posts(w.d.units["A1"])
    assert shown == [{"title": "党员示范岗", "place": "便民服务站", "duties": "代办、调解", "holder": w.p1.name,
                      "unit": w.d.units["A1-1"].short_name}]
    with pw.on(D(2026, 3, 2)), pytest.raises(PermissionDenied):
        posts.create_post(w.member, unit=w.d.units["A1-1"], title="x")


def test_pledges_overdue_fulfilment_and_reminder(w):
    with pw.on(D(2026, 3, 2)):
        pledge = pledges.make_pledge(w.member, person=w.p1, org=w.branch, text="每月走访10户", due_on=D(2026, 3, 31))
        with pytest.raises(ValidationError, match="today or later"):
            pledges.make_pledge(w.member, person=w.p1, org=w.branch, text="x", due_on=D(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            pledges.make_pledge(w.member, person=w.p4, org=w.branch, text="x", due_on=D(2026, 3, 31))
        with pytest.raises(ValidationError, match="not a party member of"):
            pledges.make_pledge(w.staff, person=w.p2, org=w.branch, text="x", due_on=D(2026, 3, 31))
        with pytest.raises(PermissionDenied):
            pledges.record_fulfilment(w.member, pledge, fulfilled=True, evidence="照片")
    assert not pledges.is_overdue(pledge, D(2026, 3, 31)) and pledges.is_overdue(pledge, D(2026, 4, 1))
    assert list(Pledge.objects.filter(pledges.overdue_q(D(2026, 4, 1)))) == [pledge]
    with pw.on(D(2026, 3, 25)):
        assert pledges.watch_pledges(pw.clock.now()) == 1
        assert pledges.watch_pledges(pw.clock.now()) == 0
    assert notices.recipients(pledge, A.DUE_SOON)[0][0] == [w.member]
    with pw.on(D(2026, 4, 2)):
        with pytest.raises(ValidationError, match="needs its evidence"):
            pledges.record_fulfilment(w.staff, pledge, fulfilled=True)
        pledges.record_fulfilment(w.staff, pledge, fulfilled=True, evidence="走访记录12份", note="超额完成")
        with pytest.raises(InvalidTransition):
            pledges.record_fulfilment(w.staff, pledge, fulfilled=False)
    pledge.refresh_from_db()
    assert pledge.status == "fulfilled" and not pledges.is_overdue(pledge, D(2026, 5, 1))
    assert journal.verify(pledge, PartyEntry) and notices.recipients(pledge, A.FULFIL) == []
