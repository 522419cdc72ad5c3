"""The last item cannot be sold twice: buyers racing for the same item on PostgreSQL (row locks
between real connections; skipped on SQLite, which serialises every writer anyway)."""
import os
import threading

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection

from gridgov.accounts.models import Role
from gridgov.ledger import services as ledger
from gridgov.people.models import Person
from gridgov.shop.models import Item, Order
from gridgov.shop.services import items, orders
from gridgov.shop.services.accounts import points_balance

from .shop_world import build, issue, user

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = [
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks between concurrent connections need PostgreSQL: "
                                               "run with DATABASE_URL=postgresql://…"),
    pytest.mark.django_db(transaction=True),
]


def race(worker, count):
    barrier = threading.Barrier(count, timeout=30)
    outcomes = {}

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = worker(index)
        except Exception as error:  # noqa: BLE001 — reported by the assertions
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_buyers_of_the_last_towel_exactly_one_gets_it(district):
    w = build(district)
    buyers = [w.alice, w.bob]
    outcomes = race(lambda i: orders.place_order(User.objects.get(pk=buyers[i].pk), w.towel, 1), 2)

    won = [o for o in outcomes.values() if isinstance(o, Order)]
    lost = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].code == "stock" and "0" in lost[0].messages[0]
    assert Item.objects.get(pk=w.towel.pk).stock == 0 and Order.objects.count() == 1
    loser = w.bob_person if won[0].person_id == w.alice_person.pk else w.alice_person
    assert points_balance(loser) == {w.alice_person.pk: 100, w.bob_person.pk: 50}[loser.pk]  # kept
    assert ledger.balance(w.escrow) == 10 and ledger.check().ok


def test_many_buyers_on_a_stock_of_four(district):
    w = build(district)
    buyers = []
    for n in range(8):  # eight residents of community A1, 40 points each
        person = Person.objects.create(name=f"买家{n}", gender="F", unit=w.units["A1-2-1"])
        buyers.append(user(f"buyer{n}", Role.RESIDENT, person.unit, person=person))
        issue(person, 40, f"race:{person.pk}")
    lamp = items.create_item(w.keeper, w.a1, name="台灯", price=25, stock=4)

    outcomes = race(lambda i: orders.place_order(User.objects.get(pk=buyers[i].pk), lamp, 1), len(buyers))

    won = [o for o in outcomes.values() if isinstance(o, Order)]
    lost = [o for o in outcomes.values() if isinstance(o, ValidationError)]
    assert len(won) == 4 and len(lost) == 4, {i: repr(o) for i, o in outcomes.items()}
    assert all(error.code == "stock" for error in lost)
    assert Item.objects.get(pk=lamp.pk).stock == 0
    assert ledger.balance(w.escrow) == 4 * 25 and ledger.check().ok
