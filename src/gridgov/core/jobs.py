"""The background work ``gridgov worker`` runs: each app registers its periodic jobs in its
``AppConfig.ready()`` (the case engine its deadline watch, the ledger its points expiry), so the
worker belongs to no app and a new app adds its reminders or expiries without touching it.

A job is called with the platform's "now" and returns something printable (its report). One job
failing is logged and does not stop the others: an expiry that breaks must not stop the deadlines.

Several workers (processes or hosts) may run at once. Each job runs under a **lease** — a
:class:`~gridgov.core.models.JobLease` row naming its holder and an expiry, taken by one atomic
``UPDATE`` — so only one worker runs a given job at a time; the others skip it that round. A job
calls :func:`step` between the rows it processes: the lease is renewed there, so a long job keeps
it while a killed worker's lease expires after ``GRIDGOV_JOB_LEASE_SECONDS`` and the next worker
to try continues the job. Jobs process each row in its own transaction, re-reading and re-checking
it under its row lock, so a row a killed worker finished is not done again and one it had not
committed is done by the next.
"""
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import clock, stamps
from .models import JobLease

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable] = {}

#: This process, as a lease holder: host, process id and a random part (process ids are reused).
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseLost(Exception):
    """Another worker took the job's lease (this one was too slow to renew it): stop the job."""


class _Running:
    """The job this process is running and when its lease was last renewed (``None`` outside one)."""

    name: str | None = None
    renewed = 0.0


def register(name: str, run: Callable) -> None:
    """Add ``run(now)`` to every round of the worker (idempotent by name)."""
    _JOBS[name] = run


def registered() -> dict[str, Callable]:
    return dict(_JOBS)


def _lease_length():
    return dt.timedelta(seconds=settings.GRIDGOV_JOB_LEASE_SECONDS)


def take_lease(name: str) -> bool:
    """Hold ``name``'s lease if it is free, expired or already ours. Wall-clock time, not the
    platform's clock (which the demo replays): leases are about real processes."""
    now = timezone.now()
    with transaction.atomic():
        JobLease.objects.get_or_create(name=name, defaults={"expires_at": now})
        free = Q(expires_at__lte=now) | Q(holder=HOLDER)
        return bool(JobLease.objects.filter(free, name=name).update(holder=HOLDER, expires_at=now + _lease_length()))


def release_lease(name: str) -> None:
    JobLease.objects.filter(name=name, holder=HOLDER).update(expires_at=timezone.now())


def step() -> None:
    """Called by a job between two rows: renews its lease once a third of it has passed (raising
    :class:`LeaseLost` if another worker took it meanwhile). ``GRIDGOV_WORKER_STEP_DELAY`` slows
    every step down, for the test that kills a worker in the middle of a job."""
    if _Running.name is None:
        return
    if settings.GRIDGOV_WORKER_STEP_DELAY:
        time.sleep(settings.GRIDGOV_WORKER_STEP_DELAY)
    if time.monotonic() - _Running.renewed > settings.GRIDGOV_JOB_LEASE_SECONDS / 3:
        renewed = JobLease.objects.filter(name=_Running.name, holder=HOLDER).update(
            expires_at=timezone.now() + _lease_length())
        if not renewed:
            raise LeaseLost(_Running.name)
        _Running.renewed = time.monotonic()


def _run_leased(name: str, run: Callable, now):
    if not take_lease(name):
        return "skipped: another worker is running it"
    _Running.name, _Running.renewed = name, time.monotonic()
    try:
        return run(now)
    except LeaseLost:
        return "stopped: another worker took it over"
    finally:
        _Running.name = None
        release_lease(name)


def run_round(now=None, only: list[str] | None = None) -> list[tuple[str, object]]:
    """Run every job (or the ``only`` ones) once, in registration order, each under its lease; a
    failed job reports its error instead."""
    now = now or clock.now()
    stamps.new_round()  # the caches follow what other processes changed since the last round
    reports = []
    for name, run in _JOBS.items():
        if only and name not in only:
            continue
        try:
            reports.append((name, _run_leased(name, run, now)))
        except Exception as error:  # noqa: BLE001 - one broken job must not stop the others
            log.exception("worker job %s failed", name)
            reports.append((name, f"failed: {error}"))
    return reports
