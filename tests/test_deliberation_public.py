"""The public services micro-projects calls (deliberation/services/public.py)."""
import pytest
from django.core.exceptions import PermissionDenied

from gridgov.deliberation.models import MeetingKind, Resolution, Step
from gridgov.deliberation.services import public

from . import deliberation_world as world


@pytest.fixture
def w(district):
    return world.build(district)


def test_add_agenda_item_about_any_subject(w):
    meeting = world.meeting(w, MeetingKind.TENTH)
    item = public.add_agenda_item(w.staff, meeting, title="口袋公园", subject_ref="project:12", description="改造")
    assert (item.meeting, item.subject_ref, item.position) == (meeting, "project:12", 1)
    with pytest.raises(PermissionDenied):
        public.add_agenda_item(w.resident, meeting, title="x", subject_ref="project:12")


def test_passed_resolution_is_the_latest_passing_one(w):
    assert public.passed_resolution("project:12") is None
    first = world.hold_vote(w, MeetingKind.TENTH, "project:12", attendees=w.people, votes=["for"] * 4)
    failed = world.hold_vote(w, MeetingKind.TENTH, "project:12", attendees=w.people, votes=["against"] * 4)
    assert (first.passed, failed.passed) == (True, False)
    found = public.passed_resolution("project:12")
    assert found == first
    assert isinstance(found, Resolution)
    assert (found.votes_for, found.votes_against, found.abstentions) == (4, 0, 0)
    assert found.meeting.kind == MeetingKind.TENTH and found.meeting.held_on is not None
    assert public.passed_resolution("project:13") is None


def test_open_matter_and_matter_for(w):
    assert public.matter_for("project:7") is None
    matter = public.open_matter(w.staff, community=w.community, title="加装电梯", subject_ref="project:7")
    assert public.matter_for("project:7") == matter
    assert matter.step == Step.DRAFT and matter.resolution_published is False
    later = world.run_matter(w, until=Step.PUBLISHED)
    assert later.resolution_published is True
    with pytest.raises(PermissionDenied):
        public.open_matter(w.resident, community=w.community, title="x")
