"""Two people decide the same promise, or record the same planned visit, at the same moment:
exactly one wins, the other is refused (the row lock, then the state checked again). Needs
PostgreSQL."""
import datetime as dt
import os
import threading

import pytest
from django.db import connection

from gridgov.core.errors import InvalidTransition
from gridgov.visits.models import PromiseEntry, Visit, VisitEntry
from gridgov.visits.services import planning, promises, visits

from .visits_world import build

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


def _one_winner(outcomes):
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, InvalidTransition)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    return winners[0]


@pytest.mark.django_db(transaction=True)
def test_a_promise_decided_twice_at_once(world):
    w = build(world)
    promise = promises.make(w.staff, unit=w.community, text="答复", due=dt.date(2099, 1, 1))
    winner = _one_winner(_race({"kept": lambda: promises.decide(w.staff, promise, kept=True),
                                "not": lambda: promises.decide(w.admin, promise, kept=False, note="不行")}))
    promise.refresh_from_db()
    assert promise.outcome == {"kept": "kept", "not": "not_kept"}[winner]
    assert PromiseEntry.objects.filter(promise=promise, action="decide").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_visit_recorded_and_cancelled_at_once(world):
    w = build(world)
    planning.save_rule(w.staff, unit=w.community)
    planning.plan()
    visit = Visit.objects.get(household=w.h11)
    _one_winner(_race({"record": lambda: visits.record(w.worker, visit, findings="好"),
                       "cancel": lambda: visits.cancel(w.staff, visit, "外出")}))
    visit.refresh_from_db()
    assert (visit.visited_at is None) != (visit.cancelled_at is None)
    assert VisitEntry.objects.filter(visit=visit).exclude(action="plan").count() == 1
