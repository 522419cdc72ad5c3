"""What one report costs (issue 16, item 1): the queries of a case filed through the API are pinned,
small loop and big loop, so they cannot creep back up unseen; an API token's "last used" is written
at most once a minute, not on every request.

What a report through ``POST /api/v1/cases`` reads and writes (big loop, 14 statements): the token
with its user and resident record, the caller's roles, the stamps of the process's caches (the
district, the units, the category, the intake settings and the classifier come from them), the open
cases alike nearby; the day's counter (one upsert), the case, its report entry, the day's and the
month's tallies (one upsert each) and the case's contribution, the classifier's suggestion; the
answer reads the timeline, the extension requests and the photos. The small loop (27) adds the grid
worker on duty (3), the accept (its update and entry: 2) and the dispatch (the admission check,
its update, the dispatch record and its entry: 4), a second tally row (the worker's), the dispatch
records and assignments the tallies are computed from — once, at the end, for the three steps —
and the answer's assignments (3). The test's own transaction adds a savepoint and its release to
each count (in production they are the BEGIN and COMMIT, which are not counted)."""
import datetime as dt

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import ApiToken
from gridgov.assessment.models import Tally
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.assessment.services.totals import Subject, sums
from gridgov.cases.models import Case, CaseCounter, Status
from gridgov.core import clock, counters, journal

from .test_api_cases import api, media, report  # noqa: F401 — the fixtures

#: Counted on the test world when pinned (2026-12-08; 62 and 34 before issue 16's item 1, then
#: without the duplicate search and the classifier's suggestion); lower them as the intake gets cheaper.
SMALL_LOOP, BIG_LOOP = 29, 16


def _cost(api, category):
    with CaptureQueriesContext(connection) as queries:
        report(api, category=category)
    return len(queries)


def test_a_report_costs_at_most_its_pinned_queries(world, api):
    report(api)  # the token, the caches and the sequences warmed
    assert _cost(api, "9901") <= SMALL_LOOP  # 暴露垃圾: routed to the grid worker
    assert _cost(api, "9903") <= BIG_LOOP  # 违法建设: waits in the street's queue


def test_a_tokens_last_use_is_written_once_a_minute(world):
    key = ApiToken.issue(world.users["resident"])
    first = ApiToken.find(key)
    stamped = ApiToken.objects.get(pk=first.pk).last_used
    assert stamped is not None
    with CaptureQueriesContext(connection) as queries:
        assert ApiToken.find(key) is not None
    assert len(queries) == 1 and ApiToken.objects.get(pk=first.pk).last_used == stamped
    ApiToken.objects.filter(pk=first.pk).update(last_used=timezone.now() - dt.timedelta(minutes=2))
    ApiToken.find(key)
    assert ApiToken.objects.get(pk=first.pk).last_used > stamped


def test_a_counter_row_is_added_to_in_one_statement(db):
    day = dt.date(2026, 12, 8)
    with CaptureQueriesContext(connection) as queries:
        first = counters.add(CaseCounter, {"district_code": "510113", "day": day}, {"value": 1}, returning="value")
    assert (first, len(queries)) == (1, 1)  # a new key: inserted
    assert counters.add(CaseCounter, {"district_code": "510113", "day": day}, {"value": 1}, returning="value") == 2
    assert counters.add(CaseCounter, {"district_code": "510114", "day": day}, {"value": 5}, returning="value") == 5
    key = {"district_code": "510113", "day": day, "unit_code": "510113002", "category_id": 7, "department_id": 0,
           "worker_id": 0}
    counters.add(Tally, key, {"reported": 2, "closed": 1})
    counters.add(Tally, key, {"reported": 1})
    row = Tally.objects.get()
    assert (row.reported, row.closed, row.accepted) == (3, 1, 0)  # the other counts start at their default


def test_a_small_loop_report_is_projected_once_with_its_final_state(world, api, monkeypatch):
    """The report, the accept and the dispatch are one change to the tallies: the projection runs once,
    at the end, on the dispatched case, told the case is new — and the tallies equal a recount."""
    calls = []
    real = journal._recorders[Case]
    monkeypatch.setitem(journal._recorders, Case, [*real, lambda **seen: calls.append(seen)])
    body = report(api, category="9901")
    assert len(calls) == 1
    assert calls[0]["new"] and calls[0]["subject"].status == Status.DISPATCHED and calls[0]["action"] == "dispatch"
    case = Case.objects.get(code=body["code"])
    assert journal.verify(case) and list(case.timeline.values_list("seq", flat=True)) == [1, 2, 3]
    year = Period("year", dt.date(clock.now().year, 1, 1))
    for by in (None, "worker", "grid"):
        assert sums("510113", year, Subject(), by) == plain_sums("510113", year, Subject(), by)


def test_recording_once_blocks_nest_and_a_failure_projects_nothing(world, monkeypatch):
    calls = []
    monkeypatch.setitem(journal._recorders, Case, [lambda **seen: calls.append(seen["action"])])
    case = Case.objects.create(district_code="510113", code="x1", title="t", category=world.categories["small"],
                               unit=world.units["A1-1"], queue=world.units["A"], reported_at=clock.now())
    with journal.recording_once():
        with journal.recording_once():
            journal.append(case, None, "report", first=True)
        journal.append(case, None, "accept")
        assert calls == []  # the outer block holds them
    assert calls == ["accept"]
    try:
        with transaction.atomic(), journal.recording_once():
            journal.append(case, None, "dispatch")
            raise RuntimeError
    except RuntimeError:
        pass
    assert calls == ["accept"] and case.timeline.count() == 2
