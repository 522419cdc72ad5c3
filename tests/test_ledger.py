"""The double-entry ledger (docs/ledger.md): zero sum, idempotency, floors, reversals, the check,
the database's own rules on PostgreSQL and two spenders racing for the last points."""
import datetime as dt
import os
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from gridgov.ledger import services
from gridgov.ledger.models import (
    Account,
    AccountKind,
    Entry,
    ExpiryRule,
    Immutable,
    MeasureUnit,
    Posting,
    SystemAccount,
)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="deferred constraint triggers and row locks between "
                                    "concurrent connections need PostgreSQL: run with DATABASE_URL=postgresql://…")
DISTRICT = "510113"


def _issuance(unit=MeasureUnit.POINTS):
    return Account.objects.create(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE, district_code=DISTRICT,
                                  unit=unit, floor=None)


def _person(owner, unit=MeasureUnit.POINTS):
    return Account.objects.create(kind=AccountKind.PERSON, owner_key=f"person:{owner}", district_code=DISTRICT,
                                  unit=unit)


@pytest.fixture
def accounts(db):
    issuance, alice, bob = _issuance(), _person(1), _person(2)
    services.post([(issuance, -100), (alice, 100)], key="issue:alice", memo="服务积分")
    return issuance, alice, bob


def _counts():
    return Entry.objects.count(), Posting.objects.count()


def test_a_balanced_entry_moves_the_balances(accounts):
    issuance, alice, bob = accounts
    entry = services.post([(alice, -30), (bob, 30)], key="gift:1", memo="转赠")
    assert sorted(entry.postings.values_list("amount", flat=True)) == [-30, 30]
    assert (services.balance(issuance), services.balance(alice), services.balance(bob)) == (-100, 70, 30)


@pytest.mark.parametrize(("lines", "code"), [
    ([(0, -10), (1, 9)], "unbalanced"),
    ([(0, 10)], "one_sided"),
    ([], "one_sided"),
    ([(0, -10), (0, 10)], "one_sided"),
    ([(0, -1.5), (1, 1.5)], "not_integer"),
    ([(0, True), (1, -1)], "not_integer"),
    ([(0, 0), (1, 0)], "zero"),
])
def test_what_is_not_a_balanced_entry_of_whole_numbers_is_refused_and_nothing_written(accounts, lines, code):
    issuance, alice, _bob = accounts
    before = _counts()
    with pytest.raises(ValidationError) as refusal:
        services.post([((issuance, alice)[i], amount) for i, amount in lines], key="bad", memo="坏账")
    assert refusal.value.code == code
    assert _counts() == before and services.balance(alice) == 100


def test_points_and_minutes_never_mix(accounts):
    _issuance_account, alice, _bob = accounts
    minutes = _person(1, MeasureUnit.MINUTES)
    with pytest.raises(ValidationError) as refusal:
        services.post([(alice, -60), (minutes, 60)], key="convert", memo="积分换时长")
    assert refusal.value.code == "mixed_units"
    assert not Entry.objects.filter(idempotency_key="convert").exists()


def test_the_same_key_twice_posts_once(accounts):
    issuance, alice, _bob = accounts
    before = _counts()
    first = services.post([(issuance, -5), (alice, 5)], key="service:42:verified", memo="服务核实")
    second = services.post([(issuance, -5), (alice, 5)], key="service:42:verified", memo="服务核实")
    assert first.pk == second.pk
    assert _counts() == (before[0] + 1, before[1] + 2)
    assert services.balance(alice) == 105


def test_a_key_reused_for_different_lines_is_refused(accounts):
    issuance, alice, _bob = accounts
    with pytest.raises(ValidationError) as refusal:
        services.post([(issuance, -7), (alice, 7)], key="issue:alice", memo="又一次")
    assert refusal.value.code == "key_reused"


def test_an_overdraft_is_refused_with_a_clear_message_and_nothing_written(accounts):
    _issuance_account, alice, bob = accounts
    before = _counts()
    with pytest.raises(ValidationError) as refusal:
        services.post([(alice, -101), (bob, 101)], key="spend:too-much", memo="兑换")
    assert refusal.value.code == "insufficient_balance"
    message = refusal.value.messages[0]
    assert "Insufficient balance" in message or "余额不足" in message
    assert "101" in message and "100" in message
    assert _counts() == before
    assert (services.balance(alice), services.balance(bob)) == (100, 0)
    # The last point can be spent; the issuance account has no floor.
    services.post([(alice, -100), (bob, 100)], key="spend:all", memo="兑换")
    assert services.balance(alice) == 0


def test_the_database_refuses_a_balance_below_the_floor(accounts):
    _issuance_account, alice, _bob = accounts
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=alice.pk).update(balance=-1)


def test_a_reversal_posts_the_opposite_once(accounts):
    issuance, alice, bob = accounts
    gift = services.post([(alice, -40), (bob, 40)], key="gift:2", memo="转赠")
    reversal = services.reverse(gift, key="gift:2:reversed", memo="撤销转赠")
    assert reversal.reverses == gift and gift.reversed_by == reversal
    assert sorted(reversal.postings.values_list("account_id", "amount")) == sorted([(alice.pk, 40), (bob.pk, -40)])
    assert (services.balance(alice), services.balance(bob)) == (100, 0)
    assert services.reverse(gift, key="gift:2:reversed", memo="撤销转赠") == reversal  # idempotent
    before = _counts()
    with pytest.raises(ValidationError) as refusal:
        services.reverse(gift, key="gift:2:reversed-again", memo="再撤销")
    assert refusal.value.code == "already_reversed"
    with pytest.raises(ValidationError) as refusal:
        services.reverse(reversal, key="gift:2:undo-undo", memo="撤销的撤销")
    assert refusal.value.code == "reverse_reversal"
    assert _counts() == before


def test_a_reversal_cannot_take_back_points_already_spent(accounts):
    issuance, alice, bob = accounts
    services.post([(alice, -100), (bob, 100)], key="spend", memo="兑换")
    with pytest.raises(ValidationError) as refusal:
        services.reverse(Entry.objects.get(idempotency_key="issue:alice"), key="undo-issue", memo="撤销发放")
    assert refusal.value.code == "insufficient_balance"


def test_entries_and_postings_are_never_changed_or_deleted(accounts):
    entry = Entry.objects.get(idempotency_key="issue:alice")
    posting = entry.postings.first()
    for action in (entry.save, entry.delete, posting.save, posting.delete,
                   lambda: Entry.objects.all().delete(), lambda: Posting.objects.update(amount=1),
                   lambda: Entry.objects.update(memo="改")):
        with pytest.raises(Immutable):
            action()


def test_an_actor_who_posted_cannot_be_deleted(accounts):
    issuance, alice, _bob = accounts
    user = get_user_model().objects.create_user("volunteer_admin")
    services.post([(issuance, -1), (alice, 1)], key="by-actor", memo="发放", actor=user)
    with pytest.raises(Exception, match="protected"):
        user.delete()


def test_ledger_check_is_clean_then_finds_a_tampered_cache(accounts, capsys):
    issuance, alice, bob = accounts
    services.post([(alice, -30), (bob, 30)], key="gift:3", memo="转赠")
    call_command("ledger_check")
    out = capsys.readouterr().out
    assert "points" in out and "+130 -130 = 0" in out
    report = services.check()
    assert report.ok and len(report.accounts) == 3 and report.entries == 2

    Account.objects.filter(pk=bob.pk).update(balance=31)
    with pytest.raises(CommandError) as failure:
        call_command("ledger_check")
    assert failure.value.returncode == 1
    out = capsys.readouterr().out
    assert f"#{bob.pk}: cached 31, postings sum to 30" in out or f"#{bob.pk}" in out
    assert [row.account.pk for row in services.check().differences] == [bob.pk]


@pytest.mark.skipif(ON_POSTGRES, reason="on PostgreSQL the trigger refuses this insert (the next test)")
def test_ledger_check_finds_an_unbalanced_entry_written_by_hand_on_sqlite(accounts):
    issuance, alice, _bob = accounts
    entry = Entry.objects.create(memo="手写", idempotency_key="by-hand")
    Posting.objects.create(entry=entry, account=alice, amount=5)
    report = services.check()
    assert [problem.entry_id for problem in report.unbalanced] == [entry.pk]
    with pytest.raises(CommandError):
        call_command("ledger_check")


@needs_postgres
@pytest.mark.django_db(transaction=True)  # the deferred trigger runs at the real commit
def test_the_database_refuses_an_unbalanced_entry_written_by_hand(accounts):
    issuance, alice, _bob = accounts
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        entry = Entry.objects.create(memo="手写", idempotency_key="by-hand")
        Posting.objects.create(entry=entry, account=alice, amount=5)
        Posting.objects.create(entry=entry, account=issuance, amount=-4)
    with pytest.raises(IntegrityError, match="at least two"), transaction.atomic():
        Entry.objects.create(memo="空", idempotency_key="empty")
    with pytest.raises(IntegrityError, match="mixes units"), transaction.atomic():
        minutes = _person(1, MeasureUnit.MINUTES)
        entry = Entry.objects.create(memo="混", idempotency_key="mixed")
        Posting.objects.create(entry=entry, account=alice, amount=5)
        Posting.objects.create(entry=entry, account=minutes, amount=-5)
    with pytest.raises(IntegrityError, match="never changed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_posting SET amount = amount + 1")
    with pytest.raises(IntegrityError, match="never changed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_entry")
    assert services.check().ok


def test_points_expire_oldest_first_once_by_the_districts_rule(accounts):
    issuance, alice, bob = accounts
    start = Entry.objects.get(idempotency_key="issue:alice").at
    day = lambda n: start + dt.timedelta(days=n)  # noqa: E731
    services.post([(issuance, -50), (alice, 50)], key="issue:alice:2", memo="服务积分", at=day(200))
    services.post([(alice, -30), (bob, 30)], key="spend:1", memo="兑换", at=day(300))
    # A reversed earning is no lot at all.
    slip = services.post([(issuance, -9), (alice, 9)], key="slip", memo="误发", at=day(1))
    services.reverse(slip, key="slip:reversed", memo="撤销误发")
    assert services.expire(district_code=DISTRICT, as_of=day(400)) == []  # no rule yet
    ExpiryRule.objects.create(district_code=DISTRICT, days=365)

    # Cutoff day 35: of the 100 earned on day 0, 30 were spent (oldest first): 70 expire.
    first = services.expire(district_code=DISTRICT, as_of=day(400))
    assert [sorted(e.postings.values_list("amount", flat=True)) for e in first] == [[-70, 70]]
    assert services.balance(alice) == 50 and services.balance(bob) == 30  # bob's lot is young
    expired = Account.objects.get(name=SystemAccount.EXPIRED, district_code=DISTRICT)
    assert services.balance(expired) == 70 and expired.floor == 0  # a clearing account: never negative
    assert services.expire(district_code=DISTRICT, as_of=day(400)) == []  # idempotent
    assert services.expire(district_code=DISTRICT, as_of=day(401)) == []

    # Cutoff day 235: the day-200 lot of 50 has aged too; bob's day-300 lot has not.
    second = services.expire(district_code=DISTRICT, as_of=day(600))
    assert len(second) == 1 and services.balance(alice) == 0 and services.balance(expired) == 120
    assert services.balance(bob) == 30
    assert services.check().ok


def _race(worker, count):
    barrier = threading.Barrier(count, timeout=30)
    outcomes = {}

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = worker(index)
        except Exception as error:  # noqa: BLE001 — reported by the assertions
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_spenders_of_the_last_points_exactly_one_wins():
    assert connection.vendor == "postgresql"
    issuance, alice = _issuance(), _person(1)
    shops = [Account.objects.create(kind=AccountKind.SYSTEM, name=SystemAccount.SHOP, owner_key=f"shop:{i}",
                                    district_code=DISTRICT, unit=MeasureUnit.POINTS) for i in range(2)]
    services.post([(issuance, -10), (alice, 10)], key="issue", memo="发放")

    outcomes = _race(lambda i: services.post([(alice, -10), (shops[i], 10)], key=f"redeem:{i}", memo="兑换"), 2)

    winners = [o for o in outcomes.values() if isinstance(o, Entry)]
    losers = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == "insufficient_balance"
    assert services.balance(alice) == 0
    assert sum(services.balance(shop) for shop in shops) == 10
    assert Entry.objects.count() == 2 and services.check().ok


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_key_posted_at_once_posts_once():
    issuance, alice = _issuance(), _person(1)

    outcomes = _race(lambda i: services.post([(issuance, -5), (alice, 5)], key="verified:7", memo="核实"), 3)

    assert all(isinstance(o, Entry) for o in outcomes.values()), outcomes
    assert len({o.pk for o in outcomes.values()}) == 1
    assert services.balance(alice) == 5 and Entry.objects.count() == 1 and services.check().ok
