"""Who hears of a visit or a promise coming due or overdue: the assignee, the promise's maker."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core import clock
from gridgov.visits.actions import VisitsAction as A
from gridgov.visits.models import Visit
from gridgov.visits.services import planning, promises
from gridgov.visits.services.notices import recipients

from .visits_world import at, build


@pytest.fixture
def w(world):
    w = build(world)
    with clock.frozen(at(dt.date(2026, 5, 12))):
        planning.save_rule(w.staff, unit=w.community)
        planning.plan()
    return w


def test_visit_notices_go_to_the_assignee(w):
    visit = Visit.objects.get(household=w.h11)
    [(users, text)] = recipients(visit, A.DUE_SOON)
    assert users == [w.worker] and "2026-06-30" in text
    [(users, text)] = recipients(visit, A.OVERDUE)
    assert users == [w.worker]
    assert recipients(visit, A.PLAN) == [] and recipients(visit, A.RECORD) == []
    w.worker.is_active = False
    w.worker.save()
    assert recipients(visit, A.OVERDUE) == [([], text)]


def test_promise_notices_go_to_its_maker(w):
    promise = promises.make(w.staff, unit=w.community, text="答复居民", due=timezone.localdate(clock.now()))
    [(users, text)] = recipients(promise, A.OVERDUE)
    assert users == [w.staff] and "答复居民" in text
    assert recipients(promise, A.DUE_SOON)[0][0] == [w.staff]
    assert recipients(promise, A.DECIDE) == []
