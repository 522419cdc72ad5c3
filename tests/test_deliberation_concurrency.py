"""Races that must have exactly one winner (PostgreSQL): the same resident supporting twice at once
(one support, counted once); the same attendee's vote cast on the phone while the staff record it
(one vote); two staff answering one proposal at once (one answer). The transitions lock the
subject's row and re-check after the lock; the database's unique constraints back them."""

import pytest
from django.db import connection

from gridgov.deliberation.models import Proposal, ProposalEntry, Support, Vote
from gridgov.deliberation.services import meetings, proposals

from . import deliberation_world as world
from .races import POSTGRES_ONLY, one_winner, race

pytestmark = POSTGRES_ONLY






@pytest.mark.django_db(transaction=True)
def test_one_support_per_resident_under_a_race(district):
    assert connection.vendor == "postgresql"
    w = world.build(district)
    p = proposals.propose(w.resident, title="加装雨棚")
    one_winner(race({f"tap{i}": (lambda: proposals.support(w.users[1], p)) for i in range(3)}))
    assert Support.objects.filter(proposal=p).count() == 1 and Proposal.objects.get(pk=p.pk).support_count == 1
    assert ProposalEntry.objects.filter(proposal=p, action="support").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_vote_per_attendee_under_a_race(district):
    w = world.build(district)
    m = world.meeting(w, "bench")
    item = meetings.add_agenda_item(w.staff, m, title="议题")
    meetings.open_meeting(w.staff, m)
    meetings.check_in(w.resident, m)
    one_winner(race({"phone": lambda: meetings.vote(w.resident, m, item, "for"),
                       "staff": lambda: meetings.vote(w.staff, m, item, "against", w.person)}))
    assert Vote.objects.filter(item=item).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_answer_under_a_race(district):
    w = world.build(district)
    p = proposals.propose(w.resident, title="修缮凉亭")
    street = w.d.users["street_dispatcher"]
    one_winner(race({"community": lambda: proposals.answer(w.staff, p, answer="accepted", reason="同意"),
                       "street": lambda: proposals.answer(street, p, answer="not_accepted", reason="不同意")}))
    assert ProposalEntry.objects.filter(proposal=p, action="answer").count() == 1
