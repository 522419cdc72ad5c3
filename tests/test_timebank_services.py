"""The time bank's services (docs/timebank.md): donations within a household, community transfers,
members' moves cleared through both communities, funding, the points expiry rule, the scope of
ledger accounts and movements, running balances — each refusal tried, and nothing written."""
import os
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gridgov.accounts.scope import visible
from gridgov.core import jobs, journal
from gridgov.core.errors import NotFound
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Account, AccountKind, Entry, ExpiryRule, Posting
from gridgov.timebank.actions import TimebankAction
from gridgov.timebank.models import ExpiryRuleEntry, Movement, MovementKind
from gridgov.timebank.services import expiry, movements
from gridgov.timebank.services.accounts import community_account, history, issuance, person_account
from tests import timebank_world
from tests.timebank_world import earn, spend

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def tb(db):
    return timebank_world.build()


def _written():
    return Movement.objects.count(), Entry.objects.count(), Posting.objects.count(), Account.objects.count()


def _balance(account):
    return ledger.balance(account)


# -- donations ------------------------------------------------------------------------------------
def test_a_member_gives_minutes_to_a_family_member(tb):
    earn(tb.resident, 120)
    movement = movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=45, note="给家人")
    assert (_balance(person_account(tb.resident)), _balance(person_account(tb.family))) == (75, 45)
    assert movement.kind == MovementKind.DONATION and movement.giver == tb.resident and movement.minutes == 45
    assert movement.entry.idempotency_key == f"timebank:movement:{movement.pk}"
    assert movement.entry.kind == "timebank.donation"
    assert sorted(movement.entry.postings.values_list("amount", flat=True)) == [-45, 45]
    [entry] = movement.journal.all()
    assert entry.action == TimebankAction.DONATE and entry.data["minutes"] == 45 and journal.verify(movement)
    assert ledger.check().ok


@pytest.mark.parametrize("minutes", [0, -5, 1.5, "30", True, movements.MAX_MINUTES + 1])
def test_a_donation_of_no_whole_positive_number_is_refused_and_nothing_written(tb, minutes):
    earn(tb.resident, 120)
    before = _written()
    with pytest.raises(ValidationError):
        movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=minutes)
    assert _written() == before


def test_a_donation_beyond_the_balance_is_refused_and_nothing_written(tb):
    earn(tb.resident, 30)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=31)
    assert "Insufficient balance" in str(refused.value) or "余额不足" in str(refused.value)
    assert _written() == before and _balance(person_account(tb.resident)) == 30


def test_a_donation_without_minutes_opens_no_account(tb):
    before = _written()
    with pytest.raises(ValidationError):
        movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=1)
    assert _written() == before


@pytest.mark.parametrize("whom", ["self", "neighbour", "nobody"])
def test_a_donation_outside_the_household_or_to_oneself_is_refused(tb, whom):
    earn(tb.resident, 60)
    recipient = {"self": tb.resident.pk, "neighbour": tb.neighbour.pk, "nobody": 10**9}[whom]
    before = _written()
    with pytest.raises(ValidationError) as refused:
        movements.donate(tb.users["resident"], recipient_id=recipient, minutes=10)
    assert refused.value.code == ("to_self" if whom == "self" else "not_family")
    assert _written() == before


def test_only_a_resident_or_party_member_donates(tb):
    before = _written()
    with pytest.raises(PermissionDenied):
        movements.donate(tb.users["community_staff"], recipient_id=tb.family.pk, minutes=10)
    assert _written() == before


# -- community transfers --------------------------------------------------------------------------
def test_staff_transfer_minutes_from_their_community_to_another(tb):
    a1, b1 = tb.units["A1"], tb.units["B1"]
    movements.fund(tb.users["district_admin"], community_code=a1.code, minutes=500)
    movement = movements.transfer(tb.users["community_staff"], from_code=a1.code, to_code=b1.code, minutes=200)
    assert (_balance(community_account(a1)), _balance(community_account(b1))) == (300, 200)
    assert movement.kind == MovementKind.TRANSFER and (movement.from_code, movement.to_code) == (a1.code, b1.code)
    assert movement.journal.get().action == TimebankAction.TRANSFER
    assert community_account(b1).owner_key == f"unit:{b1.code}" and community_account(b1).place_code == b1.code
    assert ledger.check().ok


@pytest.mark.parametrize(("who", "source", "target", "error"), [
    ("community_staff", "A1", "A1", ValidationError),            # to itself
    ("community_staff", "A1", "B1", ValidationError),            # beyond the bank's balance (it holds 100)
    ("community_staff", "A1", "999999999999", ValidationError),  # no such community
    ("community_staff", "A1", "A1-1", ValidationError),          # a grid, not a community
    ("community_staff", "B1", "A1", NotFound),                   # another community, outside the scope
    ("dept_chengguan", "A1", "B1", PermissionDenied),            # sees the structure, runs nothing
    ("resident", "A1", "B1", NotFound),                          # a resident does not see the community
])
def test_refused_transfers_write_nothing(tb, who, source, target, error):
    movements.fund(tb.users["district_admin"], community_code=tb.units["A1"].code, minutes=100)
    minutes = 150 if (source, target) == ("A1", "B1") and who == "community_staff" else 50
    before = _written()
    target_code = tb.units[target].code if target in tb.units else target
    with pytest.raises(error):
        movements.transfer(tb.users[who], from_code=tb.units[source].code, to_code=target_code, minutes=minutes)
    assert _written() == before


# -- a member moving to another district ----------------------------------------------------------
def test_a_members_minutes_follow_them_cleared_through_both_communities(tb):
    old = earn(tb.resident, 90)
    far = tb.units["far"]
    movement = movements.move_member(tb.users["community_staff"], person_id=tb.resident.pk, to_code=far.code)
    new = Account.objects.get(kind=AccountKind.PERSON, owner_key=f"person:{tb.resident.pk}", district_code="510114")
    assert (_balance(old), _balance(new), new.place_code) == (0, 90, far.code)
    source_bank, target_bank = community_account(tb.units["A1"]), community_account(far)
    postings = list(movement.entry.postings.values_list("account_id", "amount"))
    assert postings == [(old.pk, -90), (source_bank.pk, 90), (source_bank.pk, -90), (target_bank.pk, 90),
                        (target_bank.pk, -90), (new.pk, 90)]
    # The clearing shows in both banks' histories and leaves them as they were.
    assert [row.amount for row in history(source_bank, limit=10, offset=0)[1]] == [-90, 90]
    assert (_balance(source_bank), _balance(target_bank)) == (0, 0)
    assert movement.kind == MovementKind.MEMBER_MOVE and ledger.check().ok


def test_a_move_within_the_district_is_refused(tb):
    earn(tb.resident, 90)
    before = _written()
    with pytest.raises(ValidationError) as refused:
        movements.move_member(tb.users["community_staff"], person_id=tb.resident.pk, to_code=tb.units["B1"].code)
    assert refused.value.code == "same_district" and _written() == before


def test_only_the_old_communitys_staff_move_a_member(tb):
    earn(tb.resident, 90)
    before = _written()
    with pytest.raises(NotFound):  # staff of B1 do not see the resident of A1
        movements.move_member(tb.users["staff_b1"], person_id=tb.resident.pk, to_code=tb.units["far"].code)
    with pytest.raises(PermissionDenied):  # the grid worker sees the resident but does not run the community
        movements.move_member(tb.users["grid_worker"], person_id=tb.resident.pk, to_code=tb.units["far"].code)
    with pytest.raises(ValidationError):  # a part larger than the balance
        movements.move_member(tb.users["community_staff"], person_id=tb.resident.pk, to_code=tb.units["far"].code,
                              minutes=91)
    assert _written() == before


# -- funding --------------------------------------------------------------------------------------
def test_district_staff_fund_a_community_and_nobody_else_does(tb):
    a1 = tb.units["A1"]
    movements.fund(tb.users["district_dispatcher"], community_code=a1.code, minutes=300)
    assert (_balance(community_account(a1)), _balance(issuance("510113"))) == (300, -300)
    before = _written()
    for who in ("community_staff", "street_dispatcher"):
        with pytest.raises(PermissionDenied):
            movements.fund(tb.users[who], community_code=a1.code, minutes=10)
    with pytest.raises(ValidationError):  # the district itself is not a community
        movements.fund(tb.users["district_admin"], community_code="510113", minutes=10)
    assert _written() == before


# -- the points expiry rule -----------------------------------------------------------------------
def test_district_admins_set_the_expiry_rule_journaled(tb):
    rule = expiry.set_rule(tb.users["district_admin"], district_code="510113", days=365, active=True)
    rule = expiry.set_rule(tb.users["district_admin"], district_code="510113", days=180, active=False)
    assert (rule.days, rule.active, rule.unit) == (180, False, "points")
    entries = list(ExpiryRuleEntry.objects.filter(rule=rule).order_by("seq"))
    assert [e.data["days"] for e in entries] == [365, 180] and entries[1].data["before"] == {"days": 365, "active": True}
    assert journal.verify(rule, ExpiryRuleEntry)
    assert "points-expiry" in jobs.registered()  # the worker runs it (the ledger registers the job)


@pytest.mark.parametrize(("who", "days", "error"), [
    ("district_dispatcher", 30, PermissionDenied), ("community_staff", 30, PermissionDenied), ("district_admin", 0, ValidationError),
    ("district_admin", 3651, ValidationError), ("district_admin", 2.5, ValidationError)])
def test_a_refused_expiry_rule_changes_nothing(tb, who, days, error):
    with pytest.raises(error):
        expiry.set_rule(tb.users[who], district_code="510113", days=days, active=True)
    assert not ExpiryRule.objects.exists() and not ExpiryRuleEntry.objects.exists()


# -- scope ----------------------------------------------------------------------------------------
def _seen(user, queryset):
    return set(visible(User.objects.get(pk=user.pk), queryset).values_list("pk", flat=True))


def test_who_sees_which_account(tb):
    mine, families = earn(tb.resident, 10), earn(tb.family, 10)
    neighbours = earn(tb.neighbour, 10)
    movements.fund(tb.users["district_admin"], community_code=tb.units["A1"].code, minutes=5)
    bank, system = community_account(tb.units["A1"]), issuance("510113")
    accounts = Account.objects.all()
    assert _seen(tb.users["resident"], accounts) == {mine.pk}
    assert _seen(tb.users["family"], accounts) == {families.pk}
    assert _seen(tb.users["community_staff"], accounts) == {mine.pk, families.pk, neighbours.pk, bank.pk}
    assert _seen(tb.users["grid_worker"], accounts) == {mine.pk, families.pk, neighbours.pk}  # all in grid A1-1
    assert _seen(tb.users["grid_worker2"], accounts) == set()  # grid A1-2
    assert _seen(tb.users["staff_b1"], accounts) == set()
    assert _seen(tb.users["dept_chengguan"], accounts) == set()
    assert _seen(tb.users["district_admin"], accounts) == {mine.pk, families.pk, neighbours.pk, bank.pk, system.pk}


def test_who_sees_a_donation(tb):
    earn(tb.resident, 60)
    movement = movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=10)
    rows = Movement.objects.all()
    for who, sees in [("resident", True), ("family", True), ("neighbour", False), ("community_staff", True),
                      ("staff_b1", False), ("dept_chengguan", False)]:
        assert (movement.pk in _seen(tb.users[who], rows)) is sees, who


# -- history --------------------------------------------------------------------------------------
def test_history_runs_the_balance_newest_first_across_pages(tb):
    earn(tb.resident, 100)
    spend(tb.resident, 30)
    movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=20)
    earn(tb.resident, 5)
    account = person_account(tb.resident)
    count, rows = history(account, limit=10, offset=0)
    assert count == 4
    assert [(r.amount, r.balance) for r in rows] == [(5, 55), (-20, 50), (-30, 70), (100, 100)]
    _count, second = history(account, limit=2, offset=2)
    assert [(r.amount, r.balance) for r in second] == [(-30, 70), (100, 100)]
    assert rows[1].kind == "timebank.donation" and rows[0].memo == "志愿服务"


# -- two donors racing for the last minutes (PostgreSQL) ------------------------------------------
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks between concurrent connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_donations_of_the_last_minutes_exactly_one_wins():
    tb = timebank_world.build()
    earn(tb.resident, 50)
    results = []
    barrier = threading.Barrier(2)

    def give():
        try:
            barrier.wait()
            movements.donate(User.objects.get(username="resident"), recipient_id=tb.family.pk, minutes=40)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=give) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert (_balance(person_account(tb.resident)), Movement.objects.count()) == (10, 1)
    assert ledger.check().ok
