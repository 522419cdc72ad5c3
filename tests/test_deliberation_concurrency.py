"""Races that must have exactly one winner (PostgreSQL): the same resident supporting twice at once
(one support, counted once); the same attendee's vote cast on the phone while the staff record it
(one vote); two staff answering one proposal at once (one answer). The transitions lock the
subject's row and re-check after the lock; the database's unique constraints back them."""
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gridgov.deliberation.models import Proposal, ProposalEntry, Support, Vote
from gridgov.deliberation.services import meetings, proposals

from . import deliberation_world as world

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="row locks between concurrent connections need PostgreSQL: "
                                       "run with DATABASE_URL=postgresql://…")


def _race(calls):
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes = {}

    def run(name, call):
        try:
            barrier.wait()
            call()
            outcomes[name] = "ok"
        except ValidationError as refusal:
            outcomes[name] = refusal
        except Exception as error:  # noqa: BLE001 — reported by the assertions
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _one_winner(outcomes):
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ValidationError)]
    assert len(winners) == 1 and len(losers) == len(outcomes) - 1, outcomes


@pytest.mark.django_db(transaction=True)
def test_one_support_per_resident_under_a_race(district):
    assert connection.vendor == "postgresql"
    w = world.build(district)
    p = proposals.propose(w.resident, title="加装雨棚")
    _one_winner(_race({f"tap{i}": (lambda: proposals.support(w.users[1], p)) for i in range(3)}))
    assert Support.objects.filter(proposal=p).count() == 1 and Proposal.objects.get(pk=p.pk).support_count == 1
    assert ProposalEntry.objects.filter(proposal=p, action="support").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_vote_per_attendee_under_a_race(district):
    w = world.build(district)
    m = world.meeting(w, "bench")
    item = meetings.add_agenda_item(w.staff, m, title="议题")
    meetings.open_meeting(w.staff, m)
    meetings.check_in(w.resident, m)
    _one_winner(_race({"phone": lambda: meetings.vote(w.resident, m, item, "for"),
                       "staff": lambda: meetings.vote(w.staff, m, item, "against", w.person)}))
    assert Vote.objects.filter(item=item).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_answer_under_a_race(district):
    w = world.build(district)
    p = proposals.propose(w.resident, title="修缮凉亭")
    street = w.d.users["street_dispatcher"]
    _one_winner(_race({"community": lambda: proposals.answer(w.staff, p, answer="accepted", reason="同意"),
                       "street": lambda: proposals.answer(street, p, answer="not_accepted", reason="不同意")}))
    assert ProposalEntry.objects.filter(proposal=p, action="answer").count() == 1
