"""Meetings: who is entitled, check-in, quorum (a vote without it is refused), votes counted from the
attendees once each, the majority rules, minutes; series and their recurrence; the job is idempotent."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.core.journal import verify
from gridgov.deliberation.actions import DeliberationAction as A
from gridgov.deliberation.models import Meeting, MeetingKind, MeetingStatus, Recurrence, Resolution, Vote
from gridgov.deliberation.services import meetings, notices, series
from gridgov.workdays.models import Holiday

from . import deliberation_world as world
from .deliberation_world import english  # noqa: F401 — autouse


@pytest.fixture
def w(district):
    return world.build(district)


def test_open_meeting_fixes_the_entitled_count_per_kind(w):
    counts = {kind: meetings.open_meeting(w.staff, world.meeting(w, kind)).entitled
              for kind in MeetingKind.values if kind != MeetingKind.JOINT}
    assert counts == {"bench": None, "tenth": None, "committees": 3, "party": 3, "representatives": 5}


def test_a_meeting_whose_list_is_empty_cannot_open(w):
    with pytest.raises(ValidationError, match="list"):
        meetings.open_meeting(w.staff, world.meeting(w, MeetingKind.JOINT))
    assert Meeting.objects.get(title="会议", kind="joint").status == MeetingStatus.SCHEDULED


def test_check_in_by_attendee_and_staff_once_and_only_the_entitled(w):
    m = world.meeting(w, MeetingKind.COMMITTEES)
    with pytest.raises(InvalidTransition):
        meetings.check_in(w.resident, m)  # not in session yet
    meetings.open_meeting(w.staff, m)
    meetings.check_in(w.resident, m)
    with pytest.raises(ValidationError, match="already"):
        meetings.check_in(w.staff, m, w.person)
    with pytest.raises(ValidationError, match="not entitled"):
        meetings.check_in(w.users[3], m)  # people[3] is not on the committee list
    with pytest.raises(PermissionDenied):
        meetings.check_in(w.resident, m, w.people[1])  # a resident cannot check someone else in
    meetings.check_in(w.staff, m, w.people[1])
    assert m.attendances.count() == 2 and verify(m)


def test_a_vote_without_quorum_is_refused_and_changes_nothing(w):
    m = world.meeting(w, MeetingKind.REPRESENTATIVES)
    item = meetings.add_agenda_item(w.staff, m, title="议题")
    meetings.open_meeting(w.staff, m)
    for person in w.people[:2]:  # 2 of 5 entitled: not more than half
        meetings.check_in(w.staff, m, person)
    with pytest.raises(InvalidTransition, match="not quorate"):
        meetings.vote(w.staff, m, item, "for", w.person)
    with pytest.raises(InvalidTransition, match="not quorate"):
        meetings.resolve(w.staff, m, item)
    assert not Vote.objects.exists() and not Resolution.objects.exists()
    meetings.check_in(w.staff, m, w.people[2])  # 3 of 5: quorate
    meetings.vote(w.staff, m, item, "for", w.person)
    assert Vote.objects.count() == 1


def test_votes_are_counted_from_attendees_once_each(w):
    m = world.meeting(w, MeetingKind.TENTH)
    item = meetings.add_agenda_item(w.staff, m, title="议题", subject_ref="project:1")
    meetings.open_meeting(w.staff, m)
    for person in w.people:
        meetings.check_in(w.staff, m, person)
    meetings.vote(w.resident, m, item, "for")
    with pytest.raises(ValidationError, match="already voted"):
        meetings.vote(w.staff, m, item, "against", w.person)
    meetings.vote(w.staff, m, item, "against", w.people[1])
    meetings.vote(w.users[2], m, item, "abstain")
    with pytest.raises(ValidationError, match="checked in"):
        meetings.vote(w.staff, m, meetings.add_agenda_item(w.staff, m, title="另一"), "for", w.extra[0])
    with pytest.raises(ValidationError):
        meetings.vote(w.resident, m, item, "maybe")
    r = meetings.resolve_item(w.staff, m, item, "结论")
    # 1 for of 4 present: not more than half
    assert (r.votes_for, r.votes_against, r.abstentions, r.present, r.passed) == (1, 1, 1, 4, False)
    with pytest.raises(InvalidTransition, match="already resolved"):
        meetings.resolve(w.staff, m, item)
    with pytest.raises(InvalidTransition):
        meetings.vote(w.users[3], m, item, "for")


def test_representatives_need_more_than_half_of_those_entitled(w):
    # 4 of 5 entitled present, 2 for: more than half of those present would be 3, of those entitled 3
    r = world.hold_vote(w, MeetingKind.REPRESENTATIVES, "project:1", attendees=w.people,
                        votes=["for", "for", "abstain", "abstain"])
    assert (r.present, r.entitled, r.votes_for, r.passed) == (4, 5, 2, False)
    r = world.hold_vote(w, MeetingKind.REPRESENTATIVES, "project:1", attendees=w.people,
                        votes=["for", "for", "for", "against"])
    assert r.passed
    # a committees' meeting counts those present: 2 for of 3 present passes
    r = world.hold_vote(w, MeetingKind.COMMITTEES, "project:2", attendees=w.people[:3], votes=["for", "for"])
    assert (r.present, r.entitled, r.passed) == (3, 3, True)


def test_minutes_close_and_cancel(w):
    m = world.meeting(w, MeetingKind.BENCH)
    with pytest.raises(ValidationError):
        meetings.record_minutes(w.staff, m, "")
    with pytest.raises(PermissionDenied):
        meetings.record_minutes(w.resident, m, "纪要")
    with pytest.raises(InvalidTransition):
        meetings.close(w.staff, m)
    meetings.open_meeting(w.staff, m)
    meetings.record_minutes(w.staff, m, "讨论了停车问题")
    m = meetings.close(w.staff, m)
    assert (m.status, m.minutes) == (MeetingStatus.HELD, "讨论了停车问题")
    other = world.meeting(w, MeetingKind.BENCH)
    with pytest.raises(ValidationError):
        meetings.cancel(w.staff, other, "")
    assert meetings.cancel(w.staff, other, "下雨").status == MeetingStatus.CANCELLED
    assert list(m.journal.values_list("action", flat=True)) == [A.SCHEDULE, A.OPEN, A.MINUTES, A.CLOSE]


def test_attendees_are_told_of_a_meeting_and_proposal_authors_of_their_item(w):
    m = world.meeting(w, MeetingKind.COMMITTEES)
    [(users, text)] = notices.recipients(m, A.SCHEDULE)
    assert {u.person for u in users} == set(w.people[:3]) and m.place in text
    assert notices.recipients(world.meeting(w, MeetingKind.BENCH), A.SCHEDULE) == []
    from gridgov.deliberation.services import proposals

    p = proposals.support(w.users[1], proposals.propose(w.resident, title="停车"))
    meetings.add_agenda_item(w.staff, m, title="停车", subject_ref=p.ref)
    entry = m.journal.order_by("-seq").first()
    [(users, text)] = notices.recipients(m, A.ADD_ITEM, entry)
    assert set(users) == {w.resident, w.users[1]} and "停车" in text


# -- series ------------------------------------------------------------------------------------------
def _series(w, recurrence, **kw):
    return series.MeetingSeries(community=w.community, kind="tenth", title="逢十", recurrence=recurrence,
                                start_time=dt.time(9), **kw)


def test_tenth_days_february_uses_its_last_day_and_holidays_move_on(w):
    s = _series(w, Recurrence.TENTH)
    days = series.occurrences(s, dt.date(2027, 2, 1), dt.date(2027, 3, 31))
    nominal = [n for n, _held in days]
    assert nominal == [dt.date(2027, 2, 10), dt.date(2027, 2, 20), dt.date(2027, 2, 28), dt.date(2027, 3, 10),
                       dt.date(2027, 3, 20), dt.date(2027, 3, 30)]
    held = dict(days)
    # 2027-02-20 is a Saturday → Monday 22nd; 2027-02-28 a Sunday → Monday 1 March; 2027-03-10 a Wednesday
    assert held[dt.date(2027, 2, 20)] == dt.date(2027, 2, 22)
    assert held[dt.date(2027, 2, 28)] == dt.date(2027, 3, 1)
    assert held[dt.date(2027, 3, 10)] == dt.date(2027, 3, 10)
    Holiday.objects.create(date=dt.date(2027, 3, 10), kind="holiday", name="测试假日")
    assert dict(series.occurrences(s, dt.date(2027, 3, 1), dt.date(2027, 3, 15)))[dt.date(2027, 3, 10)] == \
        dt.date(2027, 3, 11)
    leap = [n for n, _h in series.occurrences(s, dt.date(2028, 2, 1), dt.date(2028, 2, 29))]
    assert leap[-1] == dt.date(2028, 2, 29)


def test_weekly_and_monthly_rules(w):
    weekly = _series(w, Recurrence.WEEKLY, weekday=2)
    assert [n for n, _ in series.occurrences(weekly, dt.date(2027, 3, 1), dt.date(2027, 3, 20))] == [
        dt.date(2027, 3, 3), dt.date(2027, 3, 10), dt.date(2027, 3, 17)]
    monthly = _series(w, Recurrence.MONTHLY, day_of_month=31)
    assert [n for n, _ in series.occurrences(monthly, dt.date(2027, 1, 1), dt.date(2027, 4, 30))] == [
        dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31), dt.date(2027, 4, 30)]


def test_series_job_keeps_the_horizon_filled_idempotently(w):
    now = timezone.make_aware(dt.datetime(2027, 3, 1, 8))
    with clock.frozen(now):
        s = series.create_series(w.staff, community=w.community, kind="tenth", title="逢十议事会",
                                 recurrence="tenth", start_time=dt.time(9, 30), place="党群服务中心")
        made = Meeting.objects.filter(series=s).count()
        # 8 weeks from 2027-03-01: 10/20/30 March, 10/20 (Tue)/30 (Fri) April → up to 26 April
        assert made == 5
        assert series.materialise(now) == 0
    later = now + dt.timedelta(days=30)
    with clock.frozen(later):
        assert series.materialise(later) == 3
        assert series.materialise(later) == 0
    first = Meeting.objects.filter(series=s).order_by("held_on").first()
    assert timezone.localtime(first.starts_at).time() == dt.time(9, 30)
    with pytest.raises(ValidationError):
        series.create_series(w.staff, community=w.community, kind="tenth", title="x", recurrence="weekly",
                             start_time=dt.time(9))
    with pytest.raises(PermissionDenied):
        series.create_series(w.resident, community=w.community, kind="tenth", title="x", recurrence="tenth",
                             start_time=dt.time(9))
