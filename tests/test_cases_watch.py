"""The deadline watch (gridgov worker), the resolution-level figures, and notification channels."""
import datetime as dt
import http.server
import json
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.totals import Subject, figures_for
from gridgov.cases.models import Case, Level, Light, Status
from gridgov.cases.services import lifecycle, watch
from gridgov.core import clock
from gridgov.notifications.channels import WebhookChannel
from gridgov.notifications.models import Notification
from gridgov.workdays.services import add_working_days

from .test_cases_lifecycle import close_small_case, report


def test_lights_turn_yellow_then_red_and_the_policy_applies(world, django_capture_on_commit_callbacks):
    start = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))  # a Monday; limit 1 working day
    case = report(world, reported_at=start)
    assert watch.tick(now=start + dt.timedelta(hours=1)).yellow == 0
    assert Case.objects.get(pk=case.pk).light == Light.GREEN
    # 20 h of 24 used: 83% → yellow, and the handler is told (once the case's round commits).
    with django_capture_on_commit_callbacks(execute=True):
        report_yellow = watch.tick(now=start + dt.timedelta(hours=20))
    assert report_yellow.yellow == 1 and Case.objects.get(pk=case.pk).light == Light.YELLOW
    assert Notification.objects.filter(user=world.users["grid_worker"], kind="near_due").count() == 1
    # 25 h: overdue → red, handlers and dispatchers told, the small-loop case escalated and supervised.
    with django_capture_on_commit_callbacks(execute=True):
        report_red = watch.tick(now=start + dt.timedelta(hours=25))
    case = Case.objects.get(pk=case.pk)
    assert (report_red.red, report_red.escalated) == (1, 1)
    assert case.light == Light.RED and case.supervised and case.queue == world.units["A1"]
    assert case.status == Status.ACCEPTED and case.level == Level.COMMUNITY
    assert Notification.objects.filter(user=world.users["community_staff"], kind="overdue").exists()
    # Nothing changes on the next round: no repeated notifications.
    told = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = watch.tick(now=start + dt.timedelta(hours=26))
    assert (again.yellow, again.red, again.escalated) == (0, 0, 0)
    assert Notification.objects.count() == told


def test_unacknowledged_dispatch_is_reminded_once(world):
    case = report(world)
    later = case.response_due + dt.timedelta(minutes=1)
    assert watch.tick(now=later).reminded == 1
    assert watch.tick(now=later).reminded == 0


def test_a_round_finding_the_dispatch_unanswered_and_the_case_overdue_records_both_in_order(world):
    """The missed response is recorded before what turning red does (escalate, supervise): at the
    round's moment, on the case as dispatched — not after the escalation, on a stale copy."""
    start = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))
    with clock.frozen(start):
        case = report(world)  # small loop: dispatched to the grid worker, who never answers
    report_round = watch.tick(now=start + dt.timedelta(hours=25))
    assert (report_round.reminded, report_round.red, report_round.escalated) == (1, 1, 1)
    entries = list(case.timeline.order_by("seq").values_list("action", "from_status", "to_status", "at"))
    assert [e[0] for e in entries[-4:]] == ["response_overdue", "overdue", "escalate", "supervise"]
    assert entries[-4][1:3] == ("dispatched", "dispatched")
    assert [e[3] for e in entries] == sorted(e[3] for e in entries)
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_suspended_case_keeps_its_light(world):
    start = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))
    case = lifecycle.suspend(world.users["community_staff"], report(world, reported_at=start), "等待",
                             now=start + dt.timedelta(hours=1))
    watch.tick(now=start + dt.timedelta(days=30))
    assert Case.objects.get(pk=case.pk).light == Light.GREEN


def test_worker_command_runs_one_round(world, capsys):
    report(world)
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "deadlines: checked 1 open cases" in out and "points-expiry: 0 expiry entries" in out


def test_a_failing_job_does_not_stop_the_others(world, capsys, monkeypatch):
    from gridgov.core import jobs

    monkeypatch.setattr(jobs, "_JOBS", {"broken": lambda now: 1 / 0, **jobs.registered()})
    report(world)
    call_command("worker", "--once")
    out = capsys.readouterr().out
    assert "broken: failed: division by zero" in out and "deadlines: checked 1 open cases" in out


def test_resolution_levels_by_hand(world):
    # Two closed at the grid, one at the street (a department case), one open: 3 closed.
    close_small_case(world)
    close_small_case(world)
    dispatcher = world.users["street_dispatcher"]
    big = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, "big")),
                             lead=world.departments["chengguan"])
    chengguan = world.users["dept_chengguan"]
    lifecycle.handle(chengguan, lifecycle.acknowledge(chengguan, big), "已处理")
    report(world)  # still open
    month = Period.containing("month", timezone.localdate())
    figures = figures_for("510113", month)
    assert (figures["counts"]["closures"], figures["counts"]["at_grid"], figures["counts"]["at_community"],
            figures["counts"]["at_street"]) == (3, 2, 0, 1)
    assert figures["current"]["within_grid"] == 66.7
    assert figures["current"]["within_community"] == 66.7
    assert figures["current"]["within_street"] == 100.0
    assert figures_for("510113", month, Subject(within=world.units["B"].code))["current"]["within_grid"] is None
    assert figures_for("510113", month.next())["counts"]["closures"] == 0


def test_deadline_is_computed_from_the_original_report_time(world):
    reported = timezone.make_aware(dt.datetime(2024, 12, 31, 15, 0))  # the year's last working day
    case = report(world, "big", reported_at=reported)
    assert case.resolution_due == add_working_days(reported, 5)
    assert case.resolution_due.year == 2025


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.received = []
    yield f"http://127.0.0.1:{server.server_port}/send"
    server.shutdown()


def test_webhook_channel_posts_to_the_gateway(world, gateway):
    resident = world.users["resident"]
    WebhookChannel(gateway).send(resident, "您的诉求已办结")
    assert _Recorder.received == [{"to": resident.person.phone, "text": "您的诉求已办结"}]


def test_webhook_failure_is_logged_not_raised(world, caplog):
    WebhookChannel("http://127.0.0.1:9/unreachable", timeout=1).send(world.users["resident"], "x")
    assert "failed" in caplog.text
