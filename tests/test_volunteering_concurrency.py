"""Two volunteers take the same published order at the same moment: exactly one wins; and two
volunteers sign up for the last place of an activity at once: one gets it, the other waits.

The transitions lock the order's (the activity's) row and check the state after the lock, so the
second waits for the first to commit and then finds it taken (the place gone). Needs PostgreSQL."""
import os
import threading

import pytest
from django.db import connection

from gridgov.core.errors import InvalidTransition
from gridgov.volunteering.models import OrderEntry, SignUp
from gridgov.volunteering.services import activities, orders

from . import volunteering_world as vw

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
        except InvalidTransition as refusal:
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


@pytest.mark.django_db(transaction=True)
def test_two_volunteers_take_the_same_order_exactly_one_wins(district):
    assert connection.vendor == "postgresql"
    w = vw.build(district)
    order = vw.run_order(w, until="published")
    outcomes = _race({"vol1": lambda: orders.take(w.u1, order), "vol2": lambda: orders.take(w.u2, order)})
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, InvalidTransition)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    order.refresh_from_db()
    assert order.status == "taken" and order.taker == {"vol1": w.v1, "vol2": w.v2}[winners[0]]
    assert OrderEntry.objects.filter(order=order, action="take").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_for_the_last_place_one_waits(district):
    w = vw.build(district)
    act = vw.activity(w, limit=1)
    outcomes = _race({"vol1": lambda: activities.sign_up(w.u1, act), "vol2": lambda: activities.sign_up(w.u2, act)})
    assert set(outcomes.values()) == {"ok"}, outcomes
    assert sorted(SignUp.objects.values_list("status", flat=True)) == ["signed_up", "waiting"]
