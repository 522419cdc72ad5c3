"""The background work ``gridgov worker`` runs: each app registers its periodic jobs in its
``AppConfig.ready()`` (the case engine its deadline watch, the ledger its points expiry), so the
worker belongs to no app and a new app adds its reminders or expiries without touching it.

A job is called with the platform's "now" and returns something printable (its report). One job
failing is logged and does not stop the others: an expiry that breaks must not stop the deadlines.
"""
import logging
from collections.abc import Callable

from . import clock, stamps

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable] = {}


def register(name: str, run: Callable) -> None:
    """Add ``run(now)`` to every round of the worker (idempotent by name)."""
    _JOBS[name] = run


def registered() -> dict[str, Callable]:
    return dict(_JOBS)


def run_round(now=None) -> list[tuple[str, object]]:
    """Run every job once, in registration order; a failed job reports its error instead."""
    now = now or clock.now()
    stamps.new_round()  # the caches follow what other processes changed since the last round
    reports = []
    for name, run in _JOBS.items():
        try:
            reports.append((name, run(now)))
        except Exception as error:  # noqa: BLE001 - one broken job must not stop the others
            log.exception("worker job %s failed", name)
            reports.append((name, f"failed: {error}"))
    return reports
