"""Tallies under concurrent transactions: increments to the same new row are never lost.

Two transitions at once may both be the first to count something for the same key. The first
inserts the row; the second's insert waits for the first to commit, fails on the unique key, and
falls back to an increment — so the row ends with both counts. This needs real concurrent
connections: PostgreSQL (SQLite serialises all writes)."""
import os
import threading
import time

import pytest
from django.db import connection, transaction

from gridgov.assessment.models import Tally
from gridgov.assessment.services import tally

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="concurrent increments need PostgreSQL: run with DATABASE_URL=postgresql://…")

KEY = ("2024-03-04", "510113002001001", 1, 0, 7)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_counts_for_one_key_all_land():
    assert connection.vendor == "postgresql"
    workers = 6
    barrier = threading.Barrier(workers, timeout=30)
    errors = []

    def count_one():
        try:
            barrier.wait()
            with transaction.atomic():
                tally.apply("510113", {KEY: {"reported": 1, "decided": 1}})
                time.sleep(0.2)  # hold the row (or the pending insert) so the others must wait
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=count_one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    rows = Tally.objects.filter(district_code="510113", unit_code=KEY[1])
    assert rows.count() == 1
    assert (rows.get().reported, rows.get().decided) == (workers, workers)
