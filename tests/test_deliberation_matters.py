"""四议两公开: every step gated, none skipped, the right meeting's passing resolution, a failed vote
back to draft with the reason, publications never early and never taken down before their period."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.core.journal import verify
from gridgov.deliberation.actions import DeliberationAction as A
from gridgov.deliberation.models import Matter, MeetingKind, Notice, NoticeKind, Step
from gridgov.deliberation.services import board, matters
from gridgov.structure.models import PartyOrg

from . import deliberation_world as world
from .deliberation_world import english  # noqa: F401 — autouse


@pytest.fixture
def w(district):
    return world.build(district)


def _unchanged(matter, step):
    fresh = Matter.objects.get(pk=matter.pk)
    assert fresh.step == step
    return fresh


def test_a_matter_runs_through_every_step_on_the_journal(w):
    matter = world.run_matter(w)
    assert matter.step == Step.CLOSED and verify(matter)
    steps = list(matter.journal.order_by("seq").values_list("to_status", flat=True))
    assert steps == [s.value for s in Step]
    assert Notice.objects.filter(matter=matter).count() == 2
    assert matter.resolution_published and matter.resolved_at and matter.completed_on


def test_proposing_needs_the_communitys_party_organisation(w):
    matter = matters.open_matter(w.staff, community=w.community, title="加装电梯")
    with pytest.raises(ValidationError, match="party organisation"):
        matters.advance(w.staff, matter)
    elsewhere = PartyOrg.objects.create(kind="branch", name="B1支部", unit=w.d.units["B1"])
    with pytest.raises(ValidationError):
        matters.advance(w.staff, matter, party_org=elsewhere)
    with pytest.raises(PermissionDenied):
        matters.advance(w.resident, matter, party_org=w.branch)
    _unchanged(matter, Step.DRAFT)


def test_no_step_can_be_skipped(w):
    matter = world.run_matter(w, until=Step.PROPOSED)
    # a passing representatives' resolution cannot take the matter past the two committees
    resolution = world.hold_vote(w, MeetingKind.REPRESENTATIVES, matter.ref, attendees=w.people,
                                 votes=["for"] * 4)
    with pytest.raises(ValidationError, match="needs a"):
        matters.advance(w.staff, matter, resolution=resolution)
    with pytest.raises(ValidationError, match="needs the resolution"):
        matters.advance(w.staff, matter)
    _unchanged(matter, Step.PROPOSED)


def test_a_resolution_by_a_meeting_of_the_wrong_type_is_refused(w):
    matter = world.run_matter(w, until=Step.DISCUSSED)
    wrong = world.hold_vote(w, MeetingKind.COMMITTEES, matter.ref, attendees=w.people[:3], votes=["for"] * 3)
    with pytest.raises(ValidationError, match="cannot take this step"):
        matters.advance(w.staff, matter, resolution=wrong)
    other = matters.open_matter(w.staff, community=w.community, title="另一事项")
    about_other = world.hold_vote(w, MeetingKind.PARTY_MEMBERS, other.ref, attendees=w.people[:3],
                                  votes=["for"] * 3)
    with pytest.raises(ValidationError, match="another subject"):
        matters.advance(w.staff, matter, resolution=about_other)
    _unchanged(matter, Step.DISCUSSED)


def test_a_failed_vote_returns_the_matter_to_draft_with_the_reason(w):
    matter = world.run_matter(w, until=Step.DELIBERATED)
    failed = world.hold_vote(w, MeetingKind.REPRESENTATIVES, matter.ref, attendees=w.people,
                             votes=["for", "against", "against", "abstain"])
    assert not failed.passed
    matter = _unchanged(matter, Step.DRAFT)
    assert "1" in matter.return_reason and matter.journal.order_by("-seq").first().action == A.RETURN
    with pytest.raises(ValidationError):
        matters.advance(w.staff, matter, resolution=failed)
    # an old passing resolution from before the return cannot be reused
    old = matter.agenda_items.filter(meeting__kind=MeetingKind.COMMITTEES).first().resolution
    matter = matters.advance(w.staff, matter, party_org=w.branch)
    with pytest.raises(ValidationError, match="before the matter reached"):
        matters.advance(w.staff, matter, resolution=old)


def test_a_failed_vote_at_a_meeting_the_matter_is_not_waiting_for_does_not_move_it(w):
    matter = world.run_matter(w, until=Step.PROPOSED)
    world.hold_vote(w, MeetingKind.TENTH, matter.ref, attendees=w.people, votes=["against"] * 4)
    _unchanged(matter, Step.PROPOSED)


def test_a_publication_before_the_resolution_is_refused(w):
    matter = world.run_matter(w, until=Step.DELIBERATED)
    with pytest.raises(InvalidTransition, match="only once the representatives"):
        matters.publish(w.staff, matter, kind=NoticeKind.RESOLUTION, text="决议")
    with pytest.raises(InvalidTransition):
        matters.publish(w.staff, matter, kind=NoticeKind.RESULT, text="结果", completed_on=dt.date(2026, 1, 1))
    assert not Notice.objects.exists()
    matter = world.run_matter(w, until=Step.RESOLVED, title="第二件")
    with pytest.raises(ValidationError):
        matters.publish(w.staff, matter, kind=NoticeKind.RESOLUTION, text="  ")
    matter = matters.publish(w.staff, matter, kind=NoticeKind.RESOLUTION, text="决议全文")
    with pytest.raises(InvalidTransition):
        matters.publish(w.staff, matter, kind=NoticeKind.RESOLUTION, text="再发一次")
    matter = matters.advance(w.staff, matter)
    with pytest.raises(ValidationError, match="completed"):
        matters.publish(w.staff, matter, kind=NoticeKind.RESULT, text="结果")
    assert Notice.objects.count() == 1


def test_a_publication_stays_up_for_its_minimum_period(w):
    start = timezone.make_aware(dt.datetime(2026, 11, 2, 10))
    with clock.frozen(start):
        matter = world.run_matter(w, until=Step.PUBLISHED)
    notice = Notice.objects.get(matter=matter)
    assert notice.display_until == dt.date(2026, 11, 9)
    assert list(board.on_board(w.community)) == [notice]
    with clock.frozen(start + dt.timedelta(days=7)), pytest.raises(ValidationError, match="until"):
        board.take_down(w.staff, notice)
    with clock.frozen(start + dt.timedelta(days=8)):
        with pytest.raises(PermissionDenied):
            board.take_down(w.resident, notice)
        board.take_down(w.staff, notice)
    assert list(board.on_board(w.community)) == []
    assert matter.journal.order_by("-seq").first().action == A.TAKE_DOWN
