"""Several ``gridgov worker`` processes at once (issue 16, item 3): each job runs under a lease one
worker holds at a time; a killed worker's lease expires and another continues; nothing is recorded
twice and nothing is lost. The lease rules are checked on any database; the real thing — worker
processes against one PostgreSQL database, one of them killed — only on PostgreSQL."""
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone

import gridgov
from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case, TimelineEntry
from gridgov.core import clock, jobs
from gridgov.core.models import JobLease

from .test_cases_lifecycle import report


def held_by_another(name, seconds=60):
    JobLease.objects.update_or_create(name=name, defaults={
        "holder": "elsewhere:1:x", "expires_at": timezone.now() + dt.timedelta(seconds=seconds)})


@pytest.mark.django_db
def test_a_job_another_worker_holds_is_skipped_and_taken_once_its_lease_expired(monkeypatch):
    ran = []
    monkeypatch.setattr(jobs, "_JOBS", {"probe": lambda now: ran.append(now) or "done"})
    held_by_another("probe")
    assert jobs.run_round() == [("probe", "skipped: another worker is running it")] and not ran

    JobLease.objects.filter(name="probe").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert jobs.run_round() == [("probe", "done")] and len(ran) == 1
    lease = JobLease.objects.get(name="probe")
    assert lease.holder == jobs.HOLDER and lease.expires_at <= timezone.now()  # released: free for anyone


@pytest.mark.django_db
def test_a_worker_whose_lease_was_taken_over_stops_its_job(monkeypatch, settings):
    settings.GRIDGOV_JOB_LEASE_SECONDS = 0  # every step renews
    done = []

    def slow(now):
        for row in range(3):
            jobs.step()
            done.append(row)
            held_by_another("slow")  # meanwhile its lease expired and another worker took it

    monkeypatch.setattr(jobs, "_JOBS", {"slow": slow})
    assert jobs.run_round() == [("slow", "stopped: another worker took it over")]
    assert done == [0]
    assert JobLease.objects.get(name="slow").holder == "elsewhere:1:x"  # not released: not ours


@pytest.mark.django_db
def test_worker_runs_only_the_jobs_named_and_refuses_unknown_ones(monkeypatch):
    ran = []
    monkeypatch.setattr(jobs, "_JOBS", {name: lambda now, name=name: ran.append(name) for name in ("a", "b")})
    call_command("worker", "--once", "--job", "b", stdout=io.StringIO())
    assert ran == ["b"]
    with pytest.raises(CommandError, match="no such job: c"):
        call_command("worker", "--once", "--job", "c")


def test_step_outside_a_job_does_nothing(settings):
    settings.GRIDGOV_WORKER_STEP_DELAY = 60
    jobs.step()  # no query (no database access allowed here), no sleep


# -- worker processes on PostgreSQL ---------------------------------------------------------
OVERDUE, LATE = 8, 4  # cases overdue (reminded, escalated), cases only not acknowledged in time (reminded)
STEP_SECONDS = 1.5
LEASE_SECONDS = 4


def _database_url():
    db = connection.settings_dict
    return (f"postgresql://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}")


def _worker(step_seconds, **popen):
    """``gridgov worker --once --job deadlines`` in its own process, on this test's database."""
    env = dict(os.environ, DATABASE_URL=_database_url(), DJANGO_SETTINGS_MODULE="gridgov.settings",
               GRIDGOV_JOB_LEASE_SECONDS=str(LEASE_SECONDS), GRIDGOV_WORKER_STEP_DELAY=str(step_seconds),
               PYTHONPATH=os.pathsep.join([str(Path(gridgov.__file__).parents[1]), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "django", "worker", "--once", "--job", "deadlines"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def _wait_for(condition, worker, timeout=90):
    deadline = time.monotonic() + timeout
    while not condition():
        if worker.poll() is not None or time.monotonic() > deadline:
            worker.kill()
            pytest.fail(f"the worker never got there: {worker.communicate()[0]}")
        time.sleep(0.2)


def _per_case(action):
    return dict(TimelineEntry.objects.filter(action=action).values_list("case").annotate(n=Count("pk")))


def _done():
    """How many cases each kind of event has reached so far: (escalated, reminded)."""
    return len(_per_case(CaseAction.ESCALATE)), len(_per_case(CaseAction.RESPONSE_OVERDUE))


@pytest.mark.skipif(django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="several workers need PostgreSQL (row locks, SKIP LOCKED); on SQLite run one worker")
@pytest.mark.django_db(transaction=True)
def test_two_workers_one_killed_mid_run_every_escalation_and_reminder_recorded_exactly_once(world):
    with clock.frozen(timezone.now() - dt.timedelta(days=30)):  # filed green a month ago: overdue now
        overdue = [report(world) for _ in range(OVERDUE)]
        late = [report(world) for _ in range(LATE)]
    # These were reported just now but not acknowledged in time: a reminder only.
    Case.objects.filter(pk__in=[case.pk for case in late]).update(
        reported_at=timezone.now(), response_due=timezone.now() - dt.timedelta(minutes=1))

    first = _worker(STEP_SECONDS)
    _wait_for(lambda: JobLease.objects.filter(name="deadlines", holder__contains=f":{first.pid}:").exists()
              and sum(_done()), first)

    second = _worker(0)  # starts while the first holds the job: skips it
    second_output, _ = second.communicate(timeout=90)
    assert "deadlines: skipped: another worker is running it" in second_output, second_output
    assert first.poll() is None, "the first worker finished too early to be killed mid-run"

    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    escalated, reminded = _done()
    assert 0 < escalated + reminded < OVERDUE + LATE

    expiry = JobLease.objects.get(name="deadlines").expires_at
    time.sleep(max(0.0, (expiry - timezone.now()).total_seconds()) + 0.5)
    third = _worker(0)
    third_output, _ = third.communicate(timeout=90)
    assert f"{OVERDUE - escalated} escalated, {OVERDUE + LATE - reminded} response reminders" in third_output, third_output

    once = {case.pk: 1 for case in overdue}
    assert _per_case(CaseAction.OVERDUE) == _per_case(CaseAction.ESCALATE) == _per_case(CaseAction.SUPERVISE) == once
    assert _per_case(CaseAction.RESPONSE_OVERDUE) == {case.pk: 1 for case in overdue + late}
