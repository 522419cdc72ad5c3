"""What one report costs (issue 16, item 1): the queries of a case filed through the API are pinned,
small loop and big loop, so they cannot creep back up unseen; an API token's "last used" is written
at most once a minute, not on every request."""
import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts.models import ApiToken

from .test_api_cases import api, media, report  # noqa: F401 — the fixtures

#: Counted on the test world when pinned (2026-12-07); lower them as the intake gets cheaper.
SMALL_LOOP, BIG_LOOP = 62, 34


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
