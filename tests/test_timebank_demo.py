"""The time bank's part of the demo (``demo/timebank_demo.py``), on the small world: donations
within households through the real services (by members themselves or recorded by their staff),
one funding and one community transfer; harmless when nobody holds minutes."""
import pytest

from gridgov.demo import timebank_demo
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Account, AccountKind
from gridgov.people.models import Person
from gridgov.timebank.models import Movement, MovementKind
from gridgov.timebank.services.accounts import community_account, person_account
from tests import timebank_world
from tests.timebank_world import earn, timebank_days_ago


@pytest.fixture
def tb(db):
    return timebank_world.build()


def test_the_demo_donates_within_households_and_transfers_once(tb):
    walker = tb.persons[2]  # in A1-2-1, no sign-in: their community's staff record the donation
    spouse = Person.objects.create(name="老伴", gender="F", unit=walker.unit, household=walker.household)
    earn(tb.resident, 200, at=timebank_days_ago(60))
    earn(walker, 100, at=timebank_days_ago(30))
    summary = timebank_demo.generate()
    assert summary == {"timebank_donations": 2, "timebank_fundings": 1, "timebank_transfers": 1}
    donations = Movement.objects.filter(kind=MovementKind.DONATION)
    assert {(m.giver_id, m.recipient_id) for m in donations} == {(tb.resident.pk, tb.family.pk), (walker.pk, spouse.pk)}
    assert donations.get(giver=walker).actor.username == "community_staff"  # walker lives in A1
    assert donations.get(giver=tb.resident).actor == tb.users["resident"]
    gift = donations.get(giver=walker)
    assert person_account(walker).balance == 100 - gift.minutes and 10 <= gift.minutes <= 40
    assert gift.at > gift.entry.postings.first().account.postings.order_by("pk").first().entry.at
    assert community_account(tb.units["A1"]).balance == timebank_demo.FUNDING - timebank_demo.TRANSFER
    assert ledger.check().ok


def test_the_demo_does_nothing_harmful_when_nobody_has_minutes(tb):
    summary = timebank_demo.generate()
    assert summary["timebank_donations"] == 0
    assert not Account.objects.filter(kind=AccountKind.PERSON).exists()
    assert ledger.check().ok
