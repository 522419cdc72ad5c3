"""Two dispatchers dispatch the same case at the same moment: exactly one wins.

Each transition locks the case row (``select_for_update``) and checks the state after taking the
lock, so the second dispatcher waits for the first to commit and then finds the case already
dispatched. This needs a database with row locks and real concurrent connections: PostgreSQL.
(SQLite serialises whole-database writes instead, and its in-memory test database cannot be shared
between threads.)"""
import os
import threading

import pytest
from django.db import connection

from gridgov.cases.models import Assignment, Case, Status, TimelineEntry
from gridgov.cases.services import filing, lifecycle
from gridgov.core.errors import InvalidTransition

from .cases_world import IN_A1_1

# Decided before any database set-up: the transactional fixture would otherwise flush and reload
# the SQLite test database only to skip.
pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="row locks between concurrent connections need PostgreSQL: "
                                       "run with DATABASE_URL=postgresql://…")


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_exactly_one_wins(world):
    assert connection.vendor == "postgresql"
    case = filing.report(district=world.units["district"], channel="hotline", title="违章搭建",
                         category=world.categories["big"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reported_by=world.users["district_dispatcher"])
    case = lifecycle.accept(world.users["street_dispatcher"], case)
    targets = {"street_dispatcher": world.departments["chengguan"], "district_dispatcher": world.departments["gongan"]}
    barrier = threading.Barrier(len(targets), timeout=30)
    outcomes: dict[str, object] = {}

    def dispatch(username, department):
        try:
            barrier.wait()
            lifecycle.dispatch(world.users[username], case, lead=department, note=f"由{username}派遣")
            outcomes[username] = "dispatched"
        except InvalidTransition as refusal:
            outcomes[username] = refusal
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            outcomes[username] = error
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=dispatch, args=item) for item in targets.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    winners = [name for name, outcome in outcomes.items() if outcome == "dispatched"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, InvalidTransition)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    entries = TimelineEntry.objects.filter(case=case, action="dispatch")
    assert entries.count() == 1 and entries.get().actor.username == winners[0]
    # Only the winner's department got the case.
    assert list(Assignment.objects.filter(case=case).values_list("department", flat=True)) == [
        targets[winners[0]].pk]
    assert Case.objects.get(pk=case.pk).timeline.count() == 3  # report, accept, dispatch
