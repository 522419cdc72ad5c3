"""Races that must have exactly one winner (PostgreSQL: row locks between concurrent connections):
the calls start together behind a barrier, each on its own connection; a refusal is a domain error
(``ValidationError``, which ``InvalidTransition`` is)."""
import contextlib
import os
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

POSTGRES_ONLY = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="row locks between concurrent connections need PostgreSQL: "
                                          "run with DATABASE_URL=postgresql://…")


def race(calls: dict, around=contextlib.nullcontext) -> dict:
    """Run ``calls`` (name → callable) at once, each inside ``around()``; answer name → "ok", the
    refusal, or the unexpected error."""
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes = {}

    def run(name, call):
        try:
            barrier.wait()
            with around():
                call()
            outcomes[name] = "ok"
        except ValidationError as refusal:
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


def one_winner(outcomes: dict) -> str:
    """The name of the one call that won; every other was refused."""
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ValidationError)]
    assert len(winners) == 1 and len(losers) == len(outcomes) - 1, outcomes
    return winners[0]
