"""The assessment board at scale: every figure for every street and community for a month, from the
tallies, against the same counts from a plain GROUP BY over the case table — in one run, on
PostgreSQL, with millions of cases — and a check that the two agree.

    .venv/bin/python bench/assessment.py --cases 10000000 \
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_assessment] [--month 2025-06] [--repeat 5]

Steps (each prints its time):

1. create the database if it is missing, migrate it, and load the demo district's structure (7
   streets, 83 communities, 83 grids, 420 micro-grids, the departments and the logins —
   ``load_demo(cases=0)``) plus one grid worker per micro-grid;
2. generate ``--cases`` cases over three years (2023-01-01 to 2025-12-31) with set-based SQL
   (``INSERT … SELECT … FROM generate_series`` with ``random()`` choices of micro-grid, category,
   fate, durations and ratings), department assignments for the cases resolved at the street or the
   district (with returned lead assignments and assisting ones), the dispatch records (the latest
   dispatch of every dispatched case and a returned one before it for the cases returned once), and
   whistle calls (on time, late, missed). The case table's secondary indexes are dropped during the load and rebuilt after it;
   ``synchronous_commit`` is off and foreign-key triggers are skipped
   (``session_replication_role = replica``) — the rows are built consistent;
3. build the tallies with one set-based ``INSERT … SELECT … GROUP BY`` per month of events (over
   the window of cases reported early enough to have an event in it; months never share a key, so
   no upsert is needed), inserted in key order with the tally's indexes dropped and rebuilt after.
   This SQL is a *third, independent formulation* of ``measures.contributions``
   (the incremental path — ``services.tally`` adding each case's difference at every transition —
   is the one proven by tests/test_assessment_tallies.py; the figures by tests/test_assessment_figures.py);
   the check in step 4 compares it with ``recount.plain_sums``, the second formulation;
4. roll the tallies up by month into ``MonthTally`` (one ``INSERT … SELECT … GROUP BY``, as
   ``tally.rebuild`` does); the product keeps it by the same differences as the tallies;
5. time ``totals.board(district, month, by="street")`` and ``by="community"`` (``--repeat`` times,
   min and median; boards of a month, quarter or year read the monthly rollup) and
   ``recount.plain_sums`` for the same, print both, print the tally and case counts and the
   ``EXPLAIN (ANALYZE, BUFFERS)`` of the board's query, check that ``totals.sums(...) ==
   recount.plain_sums(...)`` for both groupings, and time the quarter's and the year's boards.

The generated database is kept: a second run with the same ``--cases`` reuses it (``--fresh``
regenerates it, ``--drop`` drops it at the end). Timings are reported, never judged: the script
exits non-zero only when setup fails or the two computations disagree (it prints the difference).

Stored durations (``ack_seconds``, ``close_seconds``) are drawn directly rather than computed
with the working-day calendar: the figures read them as stored, and both sides of the check read
the same columns.
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_assessment"
START, END = "2023-01-01", "2026-01-01"  # local dates; the cases' reports fall in [START, END)
TZ = "Asia/Shanghai"
SLICE = 1_000_000  # cases per generation statement and per tally statement
SEED = 0.510113

T0 = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - T0:8.1f}s] {message}", flush=True)


# -- database and Django ---------------------------------------------------------------------------
def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        sys.exit("--database-url must name a database, e.g. postgresql://postgres@127.0.0.1:5432/bench_assessment")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created database {name}")


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def run(sql_text: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql_text, params)
        return cursor.rowcount


def one(sql_text: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql_text, params)
        return cursor.fetchone()


def meta_get(key: str):
    row = one("SELECT value FROM bench_assessment_meta WHERE key = %s", [key])
    return json.loads(row[0]) if row else None


def meta_set(key: str, value) -> None:
    run("INSERT INTO bench_assessment_meta (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", [key, json.dumps(value)])


# -- step 1: structure -----------------------------------------------------------------------------
def prepare_structure() -> str:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from gridgov.accounts.models import Role, RoleAssignment
    from gridgov.demo.services import DISTRICT, is_loaded, load_demo
    from gridgov.structure.models import Unit, UnitKind

    call_command("migrate", verbosity=0)
    run("CREATE TABLE IF NOT EXISTS bench_assessment_meta (key text PRIMARY KEY, value text NOT NULL)")
    if not is_loaded():
        say("loading the demo district's structure, departments and logins (no demo cases)")
        load_demo(cases=0)
    micro = list(Unit.objects.filter(district_code=DISTRICT, kind=UnitKind.MICROGRID).order_by("code"))
    missing = [m for m in micro if not User.objects.filter(username=f"bench_grid_{m.code}").exists()]
    if missing:
        users = User.objects.bulk_create([User(username=f"bench_grid_{m.code}", password="!") for m in missing])
        RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.GRID_WORKER, unit=m)
                                            for u, m in zip(users, missing)])
        say(f"created {len(users)} grid workers, one per micro-grid")
    return DISTRICT


def lookup_tables(district: str) -> None:
    """Numbered micro-grids (with their street, community and worker), categories and departments,
    for the generator's ``random()`` picks."""
    run("DROP TABLE IF EXISTS bench_units, bench_categories, bench_departments")
    run("""
        CREATE TABLE bench_units AS
        SELECT row_number() OVER (ORDER BY m.code)::int AS n, m.id, m.code, s.id AS street_id, c.id AS community_id,
               ra.user_id AS worker_id
        FROM structure_unit m
        JOIN structure_unit s ON s.code = left(m.code, 9)
        JOIN structure_unit c ON c.code = left(m.code, 12)
        JOIN accounts_roleassignment ra ON ra.unit_id = m.id AND ra.role = 'grid_worker'
        JOIN auth_user au ON au.id = ra.user_id AND au.username = 'bench_grid_' || m.code
        WHERE m.district_code = %s AND m.kind = 'microgrid'""", [district])
    run("""
        CREATE TABLE bench_categories AS
        SELECT row_number() OVER (ORDER BY c.code)::int AS n, c.id, c.response_limit_hours,
               c.resolution_limit_days::float AS limit_days
        FROM catalogue_category c
        WHERE c.active AND NOT EXISTS (SELECT 1 FROM catalogue_category k WHERE k.parent_id = c.id)""")
    run("""
        CREATE TABLE bench_departments AS
        SELECT row_number() OVER (ORDER BY d.code)::int AS n, d.id
        FROM structure_department d JOIN structure_unit u ON u.id = d.district_id WHERE u.code = %s""", [district])
    for table in ("bench_units", "bench_categories", "bench_departments"):
        run(f"CREATE UNIQUE INDEX ON {table} (n)")
        run(f"ANALYZE {table}")


# -- step 2: cases ---------------------------------------------------------------------------------
CASE_TABLES = ["cases_case", "cases_assignment", "cases_dispatch", "cases_whistle", "cases_whistlecall"]


def secondary_indexes(table: str) -> list[dict]:
    """The table's indexes other than the primary key, as statements to drop and recreate them."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
            FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype IN ('u', 'x')
                 AND c.conrelid = i.indrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisprimary""", [table])
        out = []
        for index, indexdef, constraint, constraintdef in cursor.fetchall():
            if constraint:
                out.append({"name": index, "drop": f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"',
                            "create": f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {constraintdef}'})
            else:
                out.append({"name": index, "drop": f'DROP INDEX "{index}"', "create": indexdef})
        return out


def index_exists(name: str) -> bool:
    return one("SELECT to_regclass(%s) IS NOT NULL", [name])[0]


def restore_indexes() -> None:
    """Recreate any saved index a previous, interrupted run dropped."""
    for entry in meta_get("dropped_indexes") or []:
        if not index_exists(entry["name"]):
            say(f"  rebuilding index {entry['name']}")
            run(entry["create"])
    meta_set("dropped_indexes", [])


def generate_cases(district: str, count: int) -> None:
    say("emptying the case tables")
    run("TRUNCATE cases_case, cases_assignment, cases_dispatch, cases_whistle, cases_whistlecall, assessment_tally, "
        "assessment_monthtally, assessment_casetally RESTART IDENTITY CASCADE")
    restore_indexes()
    dropped = [entry for table in CASE_TABLES for entry in secondary_indexes(table)]
    meta_set("dropped_indexes", dropped)
    for entry in dropped:
        run(entry["drop"])
    say(f"dropped {len(dropped)} secondary indexes of {', '.join(CASE_TABLES)} for the load")
    run("SET synchronous_commit = off")
    run("SET jit = off")
    run("SET session_replication_role = replica")  # no foreign-key triggers: the rows are built consistent
    run("SELECT setseed(%s)", [SEED])
    units, categories = one("SELECT count(*) FROM bench_units")[0], one("SELECT count(*) FROM bench_categories")[0]
    departments = one("SELECT count(*) FROM bench_departments")[0]
    dispatcher = one("SELECT id FROM auth_user WHERE username = 'street_dispatcher'")[0]
    started = time.monotonic()
    for low in range(1, count + 1, SLICE):
        high = min(count, low + SLICE - 1)
        run(CASES_SQL, {"low": low, "high": high, "count": count, "units": units, "categories": categories,
                        "district": district, "start": START, "end": END, "tz": TZ})
        done = high
        rate = done / (time.monotonic() - started)
        say(f"  cases {done:>11,} / {count:,}  ({rate:,.0f}/s)")
    say("  department assignments")
    run(ASSIGNMENTS_SQL, {"departments": departments})
    say("  dispatch records")
    run(DISPATCHES_SQL)
    say("  whistles and calls")
    run(WHISTLES_SQL, {"dispatcher": dispatcher})
    run(CALLS_SQL, {"departments": departments})
    run("RESET ALL")
    for table in CASE_TABLES:
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce((SELECT max(id) FROM {table}), 1))")
    say(f"rebuilding {len(dropped)} indexes")
    for entry in dropped:
        run(entry["create"])
    meta_set("dropped_indexes", [])
    for table in CASE_TABLES:
        run(f"ANALYZE {table}")


# One row per case. ``g`` draws the random numbers once; ``f`` decides the case's fate and times;
# the outer SELECT writes the columns. Fates (share): waiting for acceptance 3 %, rejected 4 %,
# merged 1 %, suspended 1 %, accepted and waiting for a dispatch 2 %, dispatched 2 %, acknowledged
# 2 %, handled 1 %, closed 84 %. Levels: grid 55 %, community 25 %, street 15 %, district 5 %; the
# street and district ones are dispatched to a lead department (assignments below), the others to
# the micro-grid's worker. 8 % of dispatched cases were returned once before; 5 % reworked once;
# 3 % of closed cases reopened once besides those rated 不满意 (60 % of closed cases are rated: 70 %
# 满意, 20 % 基本满意, 10 % 不满意 — a final 不满意 comes after a reopening).
CASES_SQL = """
INSERT INTO cases_case (
    id, district_code, code, channel, external_id, contact_name, contact_phone, contact_phone_hash, title, description,
    category_id,
    address, unit_id, queue_id, status, status_before_suspension, level, handler_user_id, reported_by_id,
    reported_at, accepted_at, dispatched_at, acknowledged_at, handled_at, closed_at, response_due, resolution_due,
    extension_days, suspended_at, suspended_seconds, dispatch_count, ack_seconds, close_seconds, light,
    closed_on_time, rating, rated_at, supervised, response_reminded, whistled, reopen_count, rework_count,
    return_count, escalation_count, small_loop, reject_reason)
SELECT
    f.i, %(district)s,
    %(district)s || to_char(f.reported_at AT TIME ZONE %(tz)s, 'YYYYMMDD') || lpad(f.i::text, 10, '0'),
    CASE WHEN f.patrol THEN 'patrol' WHEN f.r_channel < 0.5 THEN 'hotline' ELSE 'app' END, '', '', '', '',
    '压测案件', '', f.category_id, '', f.unit_id,
    CASE WHEN f.level = 'community' THEN f.community_id ELSE f.street_id END,
    f.status, CASE WHEN f.status = 'suspended' THEN 'accepted' ELSE '' END, f.level,
    CASE WHEN f.dispatched_at IS NOT NULL AND f.level IN ('grid', 'community') THEN f.worker_id END,
    CASE WHEN f.patrol THEN f.worker_id END,
    f.reported_at, f.accepted_at, f.dispatched_at, f.acknowledged_at, f.handled_at, f.closed_at,
    f.dispatched_at + make_interval(hours => f.response_limit_hours),
    f.reported_at + make_interval(secs => f.limit_days * 86400),
    0, CASE WHEN f.status = 'suspended' THEN f.accepted_at + interval '1 hour' END, 0,
    f.dispatch_count,
    CASE WHEN f.acknowledged_at IS NOT NULL THEN f.ack_seconds END,
    CASE WHEN f.closed_at IS NOT NULL THEN f.close_seconds END,
    'green',
    CASE WHEN f.closed_at IS NOT NULL
         THEN f.closed_at <= f.reported_at + make_interval(secs => f.limit_days * 86400) END,
    CASE WHEN f.rated THEN f.rating ELSE '' END,
    CASE WHEN f.rated THEN f.closed_at + make_interval(secs => f.r_rated * 3 * 86400) END,
    f.reopen_count > 0,
    f.dispatched_at IS NOT NULL AND coalesce(f.acknowledged_at, 'infinity') > f.dispatched_at
        + make_interval(hours => f.response_limit_hours),
    f.level IN ('street', 'district') AND f.accepted_at IS NOT NULL AND f.r_whistle < 0.2,
    f.reopen_count, f.rework_count, f.return_count, CASE WHEN f.level = 'district' THEN 1 ELSE 0 END,
    f.level = 'grid', CASE WHEN f.status = 'rejected' THEN 'invalid' ELSE '' END
FROM (
    SELECT g.*, u.id AS unit_id, u.street_id, u.community_id, u.worker_id, k.id AS category_id,
           k.response_limit_hours, k.limit_days,
           CASE WHEN g.status IN ('dispatched', 'acknowledged', 'handled', 'closed')
                THEN 1 + (g.r_return < 0.08)::int WHEN g.status = 'accepted' AND g.r_return < 0.5 THEN 1 ELSE 0 END
               AS dispatch_count,
           CASE WHEN g.status IN ('dispatched', 'acknowledged', 'handled', 'closed') THEN (g.r_return < 0.08)::int
                WHEN g.status = 'accepted' AND g.r_return < 0.5 THEN 1 ELSE 0 END AS return_count,
           CASE WHEN g.status IN ('acknowledged', 'handled', 'closed') AND g.r_rework < 0.05 THEN 1 ELSE 0 END
               AS rework_count,
           -- every final 不满意 follows a reopening (the first 不满意 reopens a case)
           CASE WHEN g.status = 'closed' AND (g.r_reopen < 0.03 OR (g.r_rated < 0.6 AND g.r_rating >= 0.9))
                THEN 1 ELSE 0 END AS reopen_count,
           g.status = 'closed' AND g.r_rated < 0.6 AS rated,
           CASE WHEN g.r_rating < 0.7 THEN 'satisfied' WHEN g.r_rating < 0.9 THEN 'basically' ELSE 'unsatisfied' END
               AS rating,
           g.reported_at + make_interval(secs => g.r_accept * 7200) AS accepted_at_raw
    FROM (
        SELECT i, random() AS r_unit, random() AS r_category, random() AS r_channel, random() AS r_return,
               random() AS r_rework, random() AS r_reopen, random() AS r_rated, random() AS r_rating,
               random() AS r_whistle, random() AS r_accept, random() AS r_dispatch, random() AS r_ack,
               random() AS r_handle, random() AS r_close, random() AS r_tail,
               random() < 0.4 AS patrol,
               CASE WHEN s < 0.03 THEN 'reported' WHEN s < 0.07 THEN 'rejected' WHEN s < 0.08 THEN 'merged'
                    WHEN s < 0.09 THEN 'suspended' WHEN s < 0.11 THEN 'accepted' WHEN s < 0.13 THEN 'dispatched'
                    WHEN s < 0.15 THEN 'acknowledged' WHEN s < 0.16 THEN 'handled' ELSE 'closed' END AS status,
               CASE WHEN l < 0.55 THEN 'grid' WHEN l < 0.80 THEN 'community' WHEN l < 0.95 THEN 'street'
                    ELSE 'district' END AS level,
               (%(start)s::timestamp AT TIME ZONE %(tz)s)
                   + ((i - 1 + random()) / %(count)s) * ((%(end)s::timestamp AT TIME ZONE %(tz)s)
                                                         - (%(start)s::timestamp AT TIME ZONE %(tz)s)) AS reported_at
        FROM (SELECT i, random() AS s, random() AS l FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS i) AS r
    ) AS g
    JOIN bench_units u ON u.n = 1 + floor(g.r_unit * %(units)s)::int
    JOIN bench_categories k ON k.n = 1 + floor(g.r_category * %(categories)s)::int
) AS f0
CROSS JOIN LATERAL (
    SELECT f0.*,
           CASE WHEN f0.status NOT IN ('reported', 'rejected', 'merged') THEN f0.accepted_at_raw END AS accepted_at,
           CASE WHEN f0.status IN ('dispatched', 'acknowledged', 'handled', 'closed')
                THEN f0.accepted_at_raw + make_interval(secs => f0.r_dispatch * 3600) END AS dispatched_at,
           -- working seconds to acknowledge: mostly minutes to a few hours, a long tail to weeks
           CASE WHEN f0.r_tail < 0.05 THEN (f0.r_ack * 40 * 86400)::int
                ELSE (-ln(1 - f0.r_ack) * 5400)::int END AS ack_seconds
) AS f1
CROSS JOIN LATERAL (
    SELECT f1.*,
           CASE WHEN f1.status IN ('acknowledged', 'handled', 'closed')
                THEN f1.dispatched_at + make_interval(secs => f1.ack_seconds) END AS acknowledged_at
) AS f2
CROSS JOIN LATERAL (
    SELECT f2.*,
           CASE WHEN f2.status IN ('handled', 'closed')
                THEN f2.acknowledged_at + make_interval(secs => f2.r_handle * f2.limit_days * 86400) END AS handled_at
) AS f3
CROSS JOIN LATERAL (
    SELECT f3.*,
           CASE WHEN f3.status = 'closed' THEN f3.handled_at + make_interval(secs => f3.r_close * 7200) END AS closed_at
) AS f4
CROSS JOIN LATERAL (
    SELECT f4.*, extract(epoch FROM f4.closed_at - f4.reported_at)::int AS close_seconds
) AS f
"""

# A lead assignment for every case resolved at the street or the district once dispatched (its
# status follows the case's), one returned lead assignment before it for the cases returned once,
# and an assisting department for a fifth of them.
ASSIGNMENTS_SQL = """
INSERT INTO cases_assignment (case_id, department_id, lead, status, dispatched_at, acknowledged_at, handled_at,
                              note, returned_at, return_reason)
SELECT c.id, d.id, a.lead, a.status, a.dispatched_at,
       CASE WHEN a.status IN ('acknowledged', 'handled') THEN c.acknowledged_at END,
       CASE WHEN a.status = 'handled' THEN c.handled_at END, '',
       CASE WHEN a.status = 'returned' THEN a.dispatched_at + interval '30 minutes' END,
       CASE WHEN a.status = 'returned' THEN '非本部门职责' ELSE '' END
FROM cases_case c
CROSS JOIN LATERAL (VALUES
    (true, CASE c.status WHEN 'dispatched' THEN 'dispatched' WHEN 'acknowledged' THEN 'acknowledged'
                         ELSE 'handled' END, c.dispatched_at, c.dispatched_at IS NOT NULL, 0),
    (true, 'returned', coalesce(c.dispatched_at, c.accepted_at) - interval '1 hour', c.return_count > 0, 1),
    (false, 'acknowledged', c.dispatched_at, c.dispatched_at IS NOT NULL AND c.id %% 5 = 0, 2)
) AS a(lead, status, dispatched_at, wanted, slot)
CROSS JOIN LATERAL (SELECT 1 + ((c.id * 7 + a.slot * 3) %% %(departments)s)::int AS n) AS pick
JOIN bench_departments d ON d.n = pick.n
WHERE c.level IN ('street', 'district') AND c.status NOT IN ('reported', 'rejected', 'merged') AND a.wanted
"""

# The dispatch records (cases.Dispatch): the latest dispatch of every dispatched case, to its
# handler or to its active lead department, as the case row tells it (acknowledged, limit passed,
# handled, reworked); and for the cases returned once, a returned dispatch before it (sent at the
# acceptance, returned 30 minutes later, unacknowledged) to the same person or to the returned lead.
DISPATCHES_SQL = """
INSERT INTO cases_dispatch (case_id, district_code, seq, user_id, grid_id, department_id, sent_at, response_due,
                            acknowledged_at, ack_seconds, response_missed, returned_at, handled_at, reworks, "end",
                            ended_at)
SELECT c.id, c.district_code, x.seq, c.handler_user_id, NULL,
       (SELECT a.department_id FROM cases_assignment a WHERE a.case_id = c.id AND a.lead
        AND (a.status = 'returned') = x.returned LIMIT 1),
       x.sent_at, x.response_due, x.acknowledged_at, x.ack_seconds, x.missed,
       CASE WHEN x.returned THEN x.sent_at + interval '30 minutes' END, x.handled_at, x.reworks,
       CASE WHEN x.returned THEN 'returned' WHEN x.handled_at IS NOT NULL THEN 'handled' ELSE '' END,
       CASE WHEN x.returned THEN x.sent_at + interval '30 minutes' ELSE x.handled_at END
FROM cases_case c
CROSS JOIN LATERAL (VALUES
    (c.dispatch_count, false, c.dispatched_at, c.response_due, c.acknowledged_at,
     CASE WHEN c.acknowledged_at IS NOT NULL THEN c.ack_seconds END, c.response_reminded, c.handled_at,
     c.rework_count, c.dispatched_at IS NOT NULL),
    (1, true, c.accepted_at, c.accepted_at + interval '2 hours', NULL, NULL, false, NULL, 0, c.return_count > 0)
) AS x(seq, returned, sent_at, response_due, acknowledged_at, ack_seconds, missed, handled_at, reworks, wanted)
WHERE c.status NOT IN ('reported', 'rejected', 'merged') AND x.wanted
"""

WHISTLES_SQL = """
INSERT INTO cases_whistle (case_id, by_id, at, limit_minutes, note)
SELECT id, %(dispatcher)s, accepted_at + interval '10 minutes', 30, '' FROM cases_case WHERE whistled
"""

# One or two departments called per whistle: 80 % report in on time, 10 % late, 10 % miss it.
CALLS_SQL = """
INSERT INTO cases_whistlecall (whistle_id, department_id, due_at, reported_at, reported_by_id, late, missed, score)
SELECT w.id, d.id, w.at + interval '30 minutes',
       CASE WHEN x.r < 0.8 THEN w.at + make_interval(secs => x.r * 2000)
            WHEN x.r < 0.9 THEN w.at + interval '45 minutes' END,
       NULL, x.r >= 0.8 AND x.r < 0.9, x.r >= 0.9, NULL
FROM cases_whistle w
CROSS JOIN LATERAL (VALUES (0), (1)) AS slot(k)
CROSS JOIN LATERAL (SELECT random() + 0 * w.id AS r) AS x  -- drawn per row, not once
JOIN bench_departments d ON d.n = 1 + ((w.case_id + slot.k * 5) %% %(departments)s)::int
WHERE slot.k = 0 OR w.case_id %% 3 = 0
"""


# -- step 3: tallies -------------------------------------------------------------------------------
def tally_sql() -> str:
    """The tallies of the events of one month, inserted in key order.

    A third formulation of measures.contributions, written independently of it and of recount.py:
    each case contributes rows (day of the event, unit code, category, department, worker, counts)
    per group — report; and unless merged: acceptance cohort, each dispatch record, closure, rating,
    whistle calls, lead assignments — which are summed by key. A group that would count nothing
    makes no row, so the table holds what the incremental path would hold.

    Parameters: the month's bounds ``%(start)s``/``%(end)s`` (aware, local midnight) and the window
    of report times ``%(reported_from)s``/``%(reported_to)s`` that holds every case with an event in
    the month. Months never share a key (the day is part of it), so each month is a plain INSERT.
    """
    from gridgov.assessment.measures import ACK_BUCKETS, BUCKET_HOURS, CLOSE_BUCKETS, MEASURES

    def buckets(column: str, names: list[str]) -> dict[str, str]:
        bounds = [None, *(h * 3600 for h in BUCKET_HOURS), None]
        out = {}
        for index, name in enumerate(names):
            low, high = bounds[index], bounds[index + 1]
            conditions = [f"{column} IS NOT NULL"]
            if low is not None:
                conditions.append(f"{column} > {low}")
            if high is not None:
                conditions.append(f"{column} <= {high}")
            out[name] = f"({' AND '.join(conditions)})::int"
        return out

    def day(column: str) -> str:
        return f"({column} AT TIME ZONE '{TZ}')::date"

    def within(column: str) -> str:
        return f"{column} >= %(start)s AND {column} < %(end)s"

    live = "c.status <> 'merged'"
    groups = [
        # (event time, condition, department, worker, counts)
        ("c.reported_at", "true", "0", "coalesce(c.reported_by_id, 0)",
         {"reported": "1",
          # decided: no longer waiting for acceptance — accepted (an escalation from the queue
          # accepts), rejected or merged; a report suspended before any of these still waits
          "decided": "(c.accepted_at IS NOT NULL OR c.status IN ('rejected', 'merged'))::int",
          "rejected": "(c.status = 'rejected')::int"}),
        ("c.accepted_at", live, "c.lead", "coalesce(c.handler_user_id, 0)",
         {"accepted": "1", "closed": "(c.status = 'closed')::int"}),
        ("c.closed_at", f"{live} AND c.status = 'closed'", "c.lead", "coalesce(c.handler_user_id, 0)",
         {"closures": "1", "closed_on_time": "coalesce(c.closed_on_time, false)::int",
          "reopened": "(c.reopen_count > 0)::int",
          **{f"at_{level}": f"(c.level = '{level}')::int" for level in ("grid", "community", "street", "district")},
          "close_seconds": "coalesce(c.close_seconds, 0)", **buckets("c.close_seconds", CLOSE_BUCKETS)}),
        ("c.rated_at", f"{live} AND c.rating <> ''", "c.lead", "coalesce(c.handler_user_id, 0)",
         {"rated": "1", "satisfied": "(c.rating IN ('satisfied', 'basically'))::int"}),
    ]
    selects = []
    for moment, condition, department, worker, counts in groups:
        columns = ", ".join(counts.get(m, "0") for m in MEASURES)
        selects.append(f"SELECT {day(moment)} AS day, c.unit_code, c.category_id, {department} AS department_id, "
                       f"{worker} AS worker_id, {columns} FROM cases_window c WHERE {within(moment)} AND {condition}")
    calls = {"calls_due": "(k.reported_at IS NOT NULL OR k.missed)::int",
             "calls_on_time": "(k.reported_at IS NOT NULL AND NOT k.late)::int"}
    selects.append(f"SELECT {day('w.at')}, c.unit_code, c.category_id, k.department_id, 0, "
                   + ", ".join(calls.get(m, "0") for m in MEASURES)
                   + " FROM cases_window c JOIN cases_whistle w ON w.case_id = c.id "
                     "JOIN cases_whistlecall k ON k.whistle_id = w.id "
                     f"WHERE {within('w.at')} AND {live} AND (k.reported_at IS NOT NULL OR k.missed)")
    acked = "d.acknowledged_at IS NOT NULL"
    sent = {"dispatches": "1", "returns": "(d.\"end\" = 'returned')::int", "reworks": "d.reworks",
            "handlings": "d.reworks + (d.handled_at IS NOT NULL)::int",
            "response_due": f"({acked} OR d.response_missed)::int",
            "response_on_time": f"({acked} AND d.response_due IS NOT NULL "
                                "AND d.acknowledged_at <= d.response_due)::int",
            "acks": f"({acked} AND d.ack_seconds IS NOT NULL)::int",
            "ack_seconds": f"CASE WHEN {acked} THEN coalesce(d.ack_seconds, 0) ELSE 0 END",
            **{name: f"({acked})::int * {expr}" for name, expr in buckets("d.ack_seconds", ACK_BUCKETS).items()}}
    # each dispatch for its own target; nobody when the target reported the case
    selects.append(f"SELECT {day('d.sent_at')}, c.unit_code, c.category_id, coalesce(d.department_id, 0), "
                   "coalesce(CASE WHEN d.user_id = c.reported_by_id THEN NULL ELSE d.user_id END, 0), "
                   + ", ".join(sent.get(m, "0") for m in MEASURES)
                   + " FROM cases_window c JOIN cases_dispatch d ON d.case_id = c.id "
                     f"WHERE {within('d.sent_at')} AND {live}")
    leads = {"lead_assignments": "1", "lead_returns": "(a.status = 'returned')::int"}
    selects.append(f"SELECT {day('a.dispatched_at')}, c.unit_code, c.category_id, a.department_id, 0, "
                   + ", ".join(leads.get(m, "0") for m in MEASURES)
                   + " FROM cases_window c JOIN cases_assignment a ON a.case_id = c.id "
                     f"WHERE {within('a.dispatched_at')} AND {live} AND a.lead")
    measure_list = ", ".join(MEASURES)
    sums = ", ".join(f"sum({m})" for m in MEASURES)
    key = "day, unit_code, category_id, department_id, worker_id"
    # The window: the cases that may have an event in the month, with their unit's code and the
    # department leading each now (its active lead assignment; 0 when none).
    return (f"WITH cases_window AS MATERIALIZED (SELECT c.*, u.code AS unit_code, coalesce((SELECT a.department_id "
            f"FROM cases_assignment a WHERE a.case_id = c.id AND a.lead AND a.status IN ('dispatched', 'acknowledged', "
            f"'handled') LIMIT 1), 0) AS lead FROM cases_case c JOIN structure_unit u ON u.id = c.unit_id "
            f"WHERE c.district_code = %(district)s AND c.reported_at >= %(reported_from)s "
            f"AND c.reported_at < %(reported_to)s), "
            f"contributions ({key}, {measure_list}) AS ({' UNION ALL '.join(selects)}) "
            f"INSERT INTO assessment_tally (district_code, {key}, {measure_list}) "
            f"SELECT %(district)s, {key}, {sums} FROM contributions GROUP BY {key} ORDER BY {key}")


def event_lags(district: str) -> tuple[dt.timedelta, dt.timedelta]:
    """The earliest and latest any event of a case comes relative to its report, in the data."""
    events = ["c.accepted_at", "c.dispatched_at", "c.acknowledged_at", "c.handled_at", "c.closed_at", "c.rated_at"]
    low, high = one(f"SELECT min(least({', '.join(events)}) - c.reported_at), "
                    f"max(greatest({', '.join(events)}) - c.reported_at) FROM cases_case c "
                    "WHERE c.district_code = %s", [district])
    a_low, a_high = one("SELECT min(a.dispatched_at - c.reported_at), max(a.dispatched_at - c.reported_at) "
                        "FROM cases_assignment a JOIN cases_case c ON c.id = a.case_id WHERE c.district_code = %s",
                        [district])
    w_low, w_high = one("SELECT min(w.at - c.reported_at), max(w.at - c.reported_at) "
                        "FROM cases_whistle w JOIN cases_case c ON c.id = w.case_id WHERE c.district_code = %s",
                        [district])
    lows = [x for x in (low, a_low, w_low, dt.timedelta(0)) if x is not None]
    highs = [x for x in (high, a_high, w_high, dt.timedelta(0)) if x is not None]
    return min(lows), max(highs)


def build_tallies(district: str) -> None:
    from gridgov.assessment.services.periods import Period

    run("DELETE FROM assessment_tally WHERE district_code = %s", [district])
    dropped = secondary_indexes("assessment_tally")
    meta_set("dropped_indexes", dropped)
    for entry in dropped:
        run(entry["drop"])
    run("SET synchronous_commit = off")
    run("SET jit = off")
    run("SET work_mem = '512MB'")
    earliest, latest = event_lags(district)
    first, last = one("SELECT min(reported_at), max(reported_at) FROM cases_case WHERE district_code = %s", [district])
    say(f"  events come from {earliest} to {latest} after their report")
    statement = tally_sql()
    period = Period.containing("month", (first + earliest).astimezone(zoneinfo.ZoneInfo(TZ)).date())
    end = (last + latest).astimezone(zoneinfo.ZoneInfo(TZ)).date()
    started, rows = time.monotonic(), 0
    while period.start <= end:
        start, stop = period.bounds()
        added = run(statement, {"district": district, "start": start, "end": stop,
                                "reported_from": start - latest - dt.timedelta(seconds=1),
                                "reported_to": stop - earliest + dt.timedelta(seconds=1)})
        rows += added
        say(f"  tallies for {period}: {added:>9,} rows  ({rows:,} in {time.monotonic() - started:,.0f} s)")
        period = period.next()
    say(f"rebuilding {len(dropped)} tally indexes")
    for entry in dropped:
        run(entry["create"])
    meta_set("dropped_indexes", [])
    run("RESET ALL")
    run("VACUUM ANALYZE assessment_tally")


def build_month_tallies(district: str) -> None:
    """The monthly rollup (assessment.MonthTally) from the daily tallies, as tally.rebuild does."""
    from gridgov.assessment.measures import MEASURES

    columns = ", ".join(MEASURES)
    sums = ", ".join(f"sum({m})" for m in MEASURES)
    run("DELETE FROM assessment_monthtally WHERE district_code = %s", [district])
    run("SET work_mem = '512MB'")
    started = time.monotonic()
    added = run(f"INSERT INTO assessment_monthtally (district_code, month, unit_code, department_id, {columns}) "
                f"SELECT district_code, date_trunc('month', day)::date, unit_code, department_id, {sums} "
                f"FROM assessment_tally WHERE district_code = %s GROUP BY 1, 2, 3, 4", [district])
    run("RESET ALL")
    run("VACUUM ANALYZE assessment_monthtally")
    say(f"  monthly rollup: {added:,} rows in {time.monotonic() - started:,.0f} s")


# -- step 4: the board against the plain GROUP BY ---------------------------------------------------
def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def explain_board(district: str, period, by: str) -> str:
    """The board's query (totals.sums, grouped) with EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db.models.functions import Substr

    from gridgov.assessment.services.totals import Subject, _rows, _sums_expr
    from gridgov.structure.codes import KIND_LENGTHS

    rows = _rows(district, period, Subject(), by).annotate(key=Substr("unit_code", 1, KIND_LENGTHS[by]))
    return rows.values("key").annotate(**_sums_expr()).order_by("key").explain(analyze=True, buffers=True)


def diff(a: dict, b: dict) -> list[str]:
    out = []
    for key in sorted(set(a) | set(b)):
        left, right = a.get(key), b.get(key)
        if left is None or right is None:
            out.append(f"  {key}: only in {'plain' if left is None else 'tallies'}")
            continue
        for measure in left:
            if left[measure] != right.get(measure):
                out.append(f"  {key} {measure}: tallies {left[measure]} plain {right.get(measure)}")
    return out


def compare(district: str, period, repeat: int, plain_repeat: int) -> bool:
    from gridgov.assessment.services import recount, totals

    agree = True
    for by in ("street", "community"):
        board_times, result = timed(lambda by=by: totals.board(district, period, by=by), repeat)
        plain_times, plain_result = timed(lambda by=by: recount.plain_sums(district, period, by=by), plain_repeat)
        tallies = totals.sums(district, period, by=by)
        print(f"\nboard by {by} for {period}: {len(result)} groups")
        print(f"  tallies (totals.board):     min {min(board_times) * 1000:9.1f} ms   median "
              f"{statistics.median(board_times) * 1000:9.1f} ms   runs: "
              + ", ".join(f"{t * 1000:.0f}" for t in board_times))
        print(f"  plain GROUP BY over cases: min {min(plain_times) * 1000:9.1f} ms   median "
              f"{statistics.median(plain_times) * 1000:9.1f} ms   runs: "
              + ", ".join(f"{t * 1000:.0f}" for t in plain_times))
        ratio = statistics.median(plain_times) / statistics.median(board_times)
        print(f"  ratio plain / tallies (medians): {ratio:,.0f}×")
        if tallies == plain_result:
            print(f"  agree: totals.sums == recount.plain_sums for all {len(tallies)} {by} groups × "
                  f"{len(next(iter(tallies.values()), {}))} counts")
        else:
            agree = False
            print(f"  DISAGREE: totals.sums != recount.plain_sums by {by}")
            print("\n".join(diff(tallies, plain_result)[:50]))
    return agree


def longer_periods(district: str, period, repeat: int) -> None:
    """The same board for the quarter and the year around the month (from the rollup as well)."""
    from gridgov.assessment.services import totals
    from gridgov.assessment.services.periods import Period

    for kind in ("quarter", "year"):
        longer = Period.containing(kind, period.start)
        for by in ("street", "community"):
            times, _ = timed(lambda longer=longer, by=by: totals.board(district, longer, by=by), repeat)
            print(f"  board by {by:9s} for {longer}: min {min(times) * 1000:7.1f} ms   median "
                  f"{statistics.median(times) * 1000:7.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000, help="cases to generate (default 200000)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--month", default="2025-06", help="the board's month (default 2025-06)")
    parser.add_argument("--repeat", type=int, default=5, help="board runs per grouping (default 5)")
    parser.add_argument("--plain-repeat", type=int, default=1, help="plain GROUP BY runs per grouping (default 1)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cases even if the database has them")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("this benchmark needs PostgreSQL")

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from gridgov.assessment.models import Tally
    from gridgov.assessment.services.periods import Period
    from gridgov.cases.models import Case

    period = Period.parse(args.month)
    if period.kind != "month":
        sys.exit("--month is a month, e.g. 2025-06")
    district = prepare_structure()
    say(f"district {district} ready")
    if args.fresh or meta_get("cases") != args.cases or not meta_get("tallies"):
        meta_set("cases", None)
        meta_set("tallies", False)
        meta_set("month_tallies", False)
        lookup_tables(district)
        say(f"generating {args.cases:,} cases from {START} to {END}")
        generate_cases(district, args.cases)
        meta_set("cases", args.cases)
        say("building the tallies (set-based SQL, a third formulation of measures.contributions)")
        build_tallies(district)
        meta_set("tallies", True)
    else:
        restore_indexes()
        say(f"reusing the {args.cases:,} cases and their tallies already in the database (--fresh regenerates)")
    if not meta_get("month_tallies"):
        say("rolling the tallies up by month")
        build_month_tallies(district)
        meta_set("month_tallies", True)

    cases = Case.objects.filter(district_code=district).count()
    tallies = Tally.objects.filter(district_code=district).count()
    month_rows = Tally.objects.filter(district_code=district, day__gte=period.start, day__lt=period.end).count()
    size = one("SELECT pg_size_pretty(pg_total_relation_size('assessment_tally')), "
               "pg_size_pretty(pg_total_relation_size('cases_case'))")
    print(f"\ncases: {cases:,} (table {size[1]});  tally rows: {tallies:,} (table with indexes {size[0]});  "
          f"tally rows in {period}: {month_rows:,}")
    agree = compare(district, period, args.repeat, args.plain_repeat)
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of the board's query (by community, {period}):")
    print(explain_board(district, period, "community"))
    print("\nlonger periods:")
    longer_periods(district, period, args.repeat)
    if args.drop:
        from django.db import connections

        connections.close_all()
        drop_database(args.database_url)
        say("dropped the database")
    if not agree:
        print("\nFAIL: the tallies and the plain GROUP BY disagree", file=sys.stderr)
        return 1
    say("done: the tallies and the plain GROUP BY agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
