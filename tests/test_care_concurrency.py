"""Two people at once, on PostgreSQL: the buddy and the grid worker record the same check-in —
exactly one wins; two workers move the same escalation — the step is recorded once; two people
resolve the same alert — one wins. The services lock the row and re-check after the lock."""
import pytest
from django.db import connection

from gridgov.care.models import CheckInEntry, Escalation, EscalationEntry
from gridgov.care.services import checkins, escalations, watch
from gridgov.core import clock

from . import care_world as cw
from .care_world import at
from .races import POSTGRES_ONLY, race

pytestmark = POSTGRES_ONLY


def _race(calls, moment):
    """The calls at once, each at ``moment``."""
    return race(calls, around=lambda: clock.frozen(moment))


@pytest.mark.django_db(transaction=True)
def test_two_people_record_the_same_check_in_exactly_one_wins(district):
    assert connection.vendor == "postgresql"
    w = cw.build(district)
    first = w.plan.check_ins.get(seq=1)
    outcomes = _race({"buddy": lambda: checkins.record(w.buddy_user, first, result="well"),
                      "worker": lambda: checkins.record(w.worker, first, result="unreachable")}, at(2, 9))
    assert sorted(type(o).__name__ if o != "ok" else o for o in outcomes.values()) == ["InvalidTransition", "ok"]
    assert CheckInEntry.objects.filter(check_in=first, action="check_in").count() == 1
    first.refresh_from_db()
    assert first.done_by == (w.buddy_user if outcomes["buddy"] == "ok" else w.worker)


@pytest.mark.django_db(transaction=True)
def test_two_workers_move_one_escalation_once(district):
    cw.build(district)
    watch.tick(at(2, 20, 1))
    escalation = Escalation.objects.get()
    outcomes = _race({"a": lambda: escalations.advance(None, escalation, at(2, 23)),
                      "b": lambda: escalations.advance(None, escalation, at(2, 23))}, at(2, 23))
    assert set(outcomes.values()) == {"ok"}, outcomes
    assert Escalation.objects.get().step == 2
    assert EscalationEntry.objects.filter(escalation=escalation, action="escalate").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_resolve_one_alert_one_wins(district):
    w = cw.build(district)
    watch.tick(at(2, 20, 1))
    escalation = Escalation.objects.get()
    outcomes = _race({"buddy": lambda: escalations.resolve(w.buddy_user, escalation, outcome="well"),
                      "worker": lambda: escalations.resolve(w.worker, escalation, outcome="away")}, at(2, 21))
    assert sorted(type(o).__name__ if o != "ok" else o for o in outcomes.values()) == ["InvalidTransition", "ok"]
    assert EscalationEntry.objects.filter(escalation=escalation, action="resolve").count() == 1
