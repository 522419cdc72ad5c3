"""Two people decide the same promise, or record the same planned visit, at the same moment:
exactly one wins, the other is refused (the row lock, then the state checked again). Needs
PostgreSQL."""
import datetime as dt

import pytest

from gridgov.visits.models import PromiseEntry, Visit, VisitEntry
from gridgov.visits.services import planning, promises, visits

from .races import POSTGRES_ONLY, one_winner, race
from .visits_world import build

pytestmark = POSTGRES_ONLY






@pytest.mark.django_db(transaction=True)
def test_a_promise_decided_twice_at_once(world):
    w = build(world)
    promise = promises.make(w.staff, unit=w.community, text="答复", due=dt.date(2099, 1, 1))
    winner = one_winner(race({"kept": lambda: promises.decide(w.staff, promise, kept=True),
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
    one_winner(race({"record": lambda: visits.record(w.worker, visit, findings="好"),
                       "cancel": lambda: visits.cancel(w.staff, visit, "外出")}))
    visit.refresh_from_db()
    assert (visit.visited_at is None) != (visit.cancelled_at is None)
    assert VisitEntry.objects.filter(visit=visit).exclude(action="plan").count() == 1
