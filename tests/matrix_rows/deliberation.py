"""The deliberation app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.roles import STAFF_ROLES, Role
from gridgov.deliberation.models import (
    AgendaItem,
    Attendance,
    CommunityThreshold,
    DeliberationSettings,
    Matter,
    Meeting,
    MeetingSeries,
    Notice,
    Proposal,
    Resolution,
    RosterMember,
    Support,
    Vote,
)

EVERY_ROLE = frozenset(Role)
#: The area's resident and the staff over their home.
PERSONAL = STAFF_ROLES | {Role.RESIDENT}


def _proposal(a):
    return Proposal.objects.create(community=a.units["community"], unit=a.units["community"], author=a.person,
                                   title=f"{a.label}提案")


def _meeting(a):
    return Meeting.objects.create(community=a.units["community"], kind="tenth", title=f"{a.label}议事会",
                                  held_on=dt.date(2026, 3, 10), starts_at=timezone.now())


def _item(a):
    return AgendaItem.objects.create(meeting=_meeting(a), title="议题")


def _matter(a):
    return Matter.objects.create(community=a.units["community"], title=f"{a.label}事项")


ROWS: dict = {
    DeliberationSettings: (lambda a: DeliberationSettings.objects.create(district_code=a.units["district"].code),
                           EVERY_ROLE, True),
    CommunityThreshold: (lambda a: CommunityThreshold.objects.create(community=a.units["community"],
                                                                     support_threshold=5), EVERY_ROLE, False),
    Proposal: (_proposal, EVERY_ROLE, False),
    Support: (lambda a: Support.objects.create(proposal=_proposal(a), person=a.person), PERSONAL, False),
    RosterMember: (lambda a: RosterMember.objects.create(community=a.units["community"], roster="committee",
                                                         person=a.person), PERSONAL, False),
    MeetingSeries: (lambda a: MeetingSeries.objects.create(community=a.units["community"], kind="tenth", title="逢十",
                                                           recurrence="tenth", start_time=dt.time(9)),
                    EVERY_ROLE, False),
    Meeting: (_meeting, EVERY_ROLE, False),
    AgendaItem: (_item, EVERY_ROLE, False),
    Attendance: (lambda a: Attendance.objects.create(meeting=_meeting(a), person=a.person), PERSONAL, False),
    Vote: (lambda a: Vote.objects.create(item=_item(a), person=a.person, choice="for"), PERSONAL, False),
    Resolution: (lambda a: (lambda item: Resolution.objects.create(
        item=item, meeting=item.meeting, passed=True, votes_for=1, votes_against=0, abstentions=0, present=1))(_item(a)),
        EVERY_ROLE, False),
    Matter: (_matter, EVERY_ROLE, False),
    Notice: (lambda a: (lambda m: Notice.objects.create(community=m.community, matter=m, kind="resolution", title="公示",
                                                        body="决议", display_until=dt.date(2026, 3, 17)))(_matter(a)),
             EVERY_ROLE, False),
}
ENDPOINTS: dict = {
    "api deliberation proposal": (Proposal, lambda o: f"/api/v1/deliberation/proposals/{o.pk}", 10**9),
    "page deliberation proposal": (Proposal, lambda o: f"/deliberation/proposals/{o.pk}/", 10**9),
    "api deliberation meeting": (Meeting, lambda o: f"/api/v1/deliberation/meetings/{o.pk}", 10**9),
    "page deliberation meeting": (Meeting, lambda o: f"/deliberation/meetings/{o.pk}/", 10**9),
    "api deliberation matter": (Matter, lambda o: f"/api/v1/deliberation/matters/{o.pk}", 10**9),
    "page deliberation matter": (Matter, lambda o: f"/deliberation/matters/{o.pk}/", 10**9),
}
