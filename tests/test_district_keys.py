"""The path past one machine (issue 16, item 8; docs/deployment.md, "Past one machine"): every
statement the hot paths send about a hot table names its district, so that the hot tables can be
distributed by ``district_code`` (Citus) or partitioned by it (PostgreSQL), and each statement still
goes to the one node (or partition) holding that district.

The hot paths — a report filed through the API in the small loop and in the big loop, its
acceptance and dispatch to departments, a dispatcher's queues, a grid worker's tasks, the case
page, the assessment board, the command screen's data, a round of the worker's deadline watch —
run under ``CaptureQueriesContext``; every captured statement is parsed, and each hot table it
reads, updates or deletes must be constrained by an ``AND``-ed ``district_code = …`` or
``district_code IN (…)`` in its ``WHERE`` or its join's ``ON`` (an ``OR``-ed one routes nothing);
an ``INSERT`` into one must set the column. A read by primary key is no exception: a distributed
database finds a row's node by the distribution column, not by its id. The checker is itself
tested on statements written by hand, so a statement it should refuse is refused.
"""
import datetime as dt
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.models import ApiToken
from gridgov.assessment.models import CaseTally
from gridgov.cases.models import Assignment, TimelineEntry
from gridgov.cases.services import lifecycle, watch
from gridgov.core import clock

from . import test_cases_lifecycle
from .test_api_cases import act, api, media, ok, report  # noqa: F401 — the fixtures

#: The tables every report, dispatch and count writes or reads, which grow with the cases: they are
#: distributed by district (docs/deployment.md). The set-up tables the hot paths join them to
#: (units, categories, departments, users) are small, change rarely and are read by every district:
#: reference tables, copied to every node, and not listed here. A table that becomes hot is added.
HOT_TABLES = frozenset({
    "cases_case", "cases_timelineentry", "cases_assignment", "cases_dispatch",
    "assessment_tally", "assessment_monthtally", "assessment_casetally",
})

_CLAUSE_END = r"\b(?:GROUP BY|ORDER BY|HAVING|LIMIT|OFFSET|FOR UPDATE|FOR NO KEY UPDATE|RETURNING|UNION)\b"
_KEYWORDS = {"WHERE", "ON", "SET", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "JOIN", "ORDER", "GROUP",
             "LIMIT", "FOR", "VALUES", "USING", "HAVING"}


def _subqueries(sql: str) -> tuple[str, list[str]]:
    """``sql`` with every parenthesised ``SELECT`` replaced by ``(?)``, and those subqueries."""
    out, found, i = [], [], 0
    while i < len(sql):
        if sql[i] == "(" and re.match(r"\(\s*SELECT\b", sql[i:]):
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(sql[j], 0)
                if depth == 0:
                    break
                j += 1
            found.append(sql[i + 1:j])
            out.append("(?)")
            i = j + 1
        else:
            out.append(sql[i])
            i += 1
    return "".join(out), found


def _split(expr: str, word: str) -> list[str]:
    """``expr`` cut at ``word`` (AND, OR) outside parentheses and quotes."""
    parts, depth, start, quoted = [], 0, 0, False
    for i, char in enumerate(expr):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "()":
            depth += 1 if char == "(" else -1
        elif not quoted and depth == 0 and expr[i:i + len(word) + 2].upper() == f" {word} ":
            parts.append(expr[start:i])
            start = i + len(word) + 2
    return [*parts, expr[start:]]


def _unwrap(expr: str) -> str:
    expr = expr.strip()
    while expr.startswith("(") and expr.endswith(")") and _balanced(expr[1:-1]):
        expr = expr[1:-1].strip()
    return expr


def _balanced(expr: str) -> bool:
    depth = 0
    for char in expr:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _conjuncts(expr: str) -> list[str]:
    """The conditions ``expr`` ANDs together, nested AND groups opened; an OR stays one condition."""
    expr = _unwrap(expr)
    parts = _split(expr, "AND")
    if len(parts) == 1:
        return [expr]
    return [c for part in parts for c in _conjuncts(part)]


def _conditions(statement: str) -> list[str]:
    """Every AND-ed condition of the statement's WHERE and of its joins' ON clauses (not a WHERE
    inside parentheses, such as an aggregate's ``FILTER (WHERE …)``)."""
    depth, level = [], 0
    for char in statement:
        level += {"(": 1, ")": -1}.get(char, 0)
        depth.append(level)
    found = []
    for clause in re.finditer(r"\b(?:WHERE|ON)\b(.*?)(?=\b(?:WHERE|(?:INNER|LEFT|RIGHT|FULL|CROSS)?\s*(?:OUTER\s+)?"
                              r"JOIN)\b|" + _CLAUSE_END + r"|$)", statement, re.S):
        if depth[clause.start()] == 0:
            found += [c for c in _conjuncts(clause.group(1)) if len(_split(c, "OR")) == 1]
    return found


def _hot_references(statement: str):
    """(table, the name it goes by) of each hot table the statement reads, updates or deletes from."""
    for match in re.finditer(r'\b(?:FROM|JOIN|UPDATE)\s+"(\w+)"(?:\s+(?:AS\s+)?"?(\w+)"?)?', statement):
        table, alias = match.group(1), match.group(2)
        if table in HOT_TABLES:
            yield table, alias if alias and alias.upper() not in _KEYWORDS else table


def unrouted(sql: str) -> list[str]:
    """The hot tables ``sql`` touches without naming their district; empty when it is routable."""
    insert = re.match(r'\s*INSERT INTO "(\w+)"\s*\(([^)]*)\)', sql)
    if insert:
        return [] if insert.group(1) not in HOT_TABLES or '"district_code"' in insert.group(2) else [insert.group(1)]
    statement, nested = _subqueries(sql)
    conditions = _conditions(statement)
    missing = []
    for table, alias in _hot_references(statement):
        column = rf'"?{alias}"?\."district_code"'
        if not any(re.fullmatch(rf"{column}\s*(?:=\s*.+|IN\s*\(.*\))|.+=\s*{column}", c, re.S) for c in conditions):
            missing.append(table)
    return missing + [table for query in nested for table in unrouted(query)]


# -- the checker, on statements written by hand --------------------------------------------------
@pytest.mark.parametrize("sql", [
    'SELECT "cases_case"."id" FROM "cases_case" WHERE ("cases_case"."district_code" = %s AND "cases_case"."id" = %s)',
    'SELECT "cases_case"."id" FROM "cases_case" WHERE "cases_case"."district_code" IN (%s, %s)',
    'UPDATE "cases_case" SET "status" = %s WHERE ("cases_case"."id" = %s AND "cases_case"."district_code" = %s)',
    'INSERT INTO "cases_timelineentry" ("case_id", "district_code", "seq") VALUES (%s, %s, %s)',
    'SELECT T3."id" FROM "cases_assignment" T3 INNER JOIN "cases_case" ON (T3."case_id" = "cases_case"."id" '
    'AND T3."district_code" = "cases_case"."district_code") WHERE "cases_case"."district_code" = %s',
    'SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" = %s',  # no hot table
    'SELECT (SELECT COUNT(U0."id") FROM "cases_case" U0 WHERE (U0."district_code" = %s AND U0."handler_user_id" '
    '= ("auth_user"."id"))) AS "load" FROM "auth_user"',
])
def test_the_checker_passes_a_statement_naming_the_district(sql):
    assert unrouted(sql) == []


@pytest.mark.parametrize(("sql", "missing"), [
    # By primary key alone: every node would be asked.
    ('SELECT "cases_case"."id" FROM "cases_case" WHERE "cases_case"."id" = %s', ["cases_case"]),
    ('UPDATE "assessment_casetally" SET "rows" = %s WHERE "assessment_casetally"."case_id" = %s',
     ["assessment_casetally"]),
    ('INSERT INTO "cases_assignment" ("case_id", "lead") VALUES (%s, %s)', ["cases_assignment"]),
    # OR-ed with another condition, the district routes nothing.
    ('SELECT "cases_case"."id" FROM "cases_case" WHERE ("cases_case"."district_code" = %s OR '
     '"cases_case"."reporter_id" = %s)', ["cases_case"]),
    # Only in the select list, or only on the other side of a join.
    ('SELECT "cases_case"."district_code" FROM "cases_case" WHERE "cases_case"."code" = %s', ["cases_case"]),
    ('SELECT T3."id" FROM "cases_timelineentry" T3 INNER JOIN "cases_case" ON (T3."case_id" = "cases_case"."id") '
     'WHERE "cases_case"."district_code" = %s', ["cases_timelineentry"]),
    # A subquery is a statement of its own.
    ('SELECT "auth_user"."id" FROM "auth_user" WHERE "auth_user"."id" IN (SELECT U0."handler_user_id" FROM '
     '"cases_case" U0 WHERE U0."status" = %s)', ["cases_case"]),
    # A condition on the aggregate, not on the rows read.
    ('SELECT COUNT("cases_case"."id") FILTER (WHERE "cases_case"."district_code" = %s) FROM "auth_user" LEFT '
     'OUTER JOIN "cases_case" ON ("auth_user"."id" = "cases_case"."handler_user_id")', ["cases_case"]),
])
def test_the_checker_refuses_a_statement_that_does_not(sql, missing):
    assert unrouted(sql) == missing


# -- the hot paths -------------------------------------------------------------------------------
def _unrouted_statements(queries) -> list[str]:
    return [f"{tables}: {query['sql']}" for query in queries.captured_queries if (tables := unrouted(query["sql"]))]


def test_every_hot_path_names_the_district(world, api):
    report(api)  # the caches warmed and the sequences started: what is left is the path's own work
    session, worker = Client(), Client()
    session.force_login(world.users["street_dispatcher"])
    worker.force_login(world.users["grid_worker"])
    board = Client()
    board_token = ApiToken.issue(world.users["district_admin"])
    with CaptureQueriesContext(connection) as queries:
        small = report(api, category="9901")  # 暴露垃圾: the platform accepts and dispatches it to the grid
        big = report(api, category="9903")  # 违法建设: waits in the street's queue
        assert (small["status"], big["status"]) == ("dispatched", "reported")
        ok(api("post", act(big["code"], "accept"), {"note": "受理"}, user="street_dispatcher"))
        dispatched = ok(api("post", act(big["code"], "dispatch"), {"lead": "chengguan", "assisting": ["gongan"]},
                            user="street_dispatcher"))
        assert dispatched["status"] == "dispatched"
        ok(api("post", act(small["code"], "acknowledge"), user="grid_worker"))
        assert session.get("/cases/queues/").status_code == 200
        assert session.get("/cases/queues/", {"tab": "all"}).status_code == 200
        assert session.get(f"/cases/{big['code']}/").status_code == 200
        assert worker.get("/cases/tasks/").status_code == 200
        assert worker.get(f"/cases/{small['code']}/").status_code == 200
        assert board.get("/api/v1/assessment/board", headers={"Authorization": f"Bearer {board_token}"}) \
            .status_code == 200
        assert session.get(f"/screen/{world.units['A'].code}/data.json").status_code == 200
        # The worker's round a month on: the three running cases red, the two at the grid escalated.
        round_ = watch.tick(clock.now() + dt.timedelta(days=30))
        assert (round_.checked, round_.red, round_.escalated) == (3, 3, 2), str(round_)
    touched = {t for q in queries.captured_queries for t in HOT_TABLES if f'"{t}"' in q["sql"]}
    assert touched == HOT_TABLES  # the paths did reach every hot table
    assert _unrouted_statements(queries) == []


# -- the rows already there ----------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_the_migrations_give_the_rows_already_there_their_cases_district(world):
    case = test_cases_lifecycle.report(world, "big", title="违章搭建")
    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, case), lead=world.departments["chengguan"],
                              assisting=[world.departments["gongan"]])
    executor = MigrationExecutor(connection)
    executor.migrate([("assessment", "0002_month_tally"), ("cases", "0012_case_source_datum")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = {model.__name__: set(model.objects.values_list("district_code", flat=True))
            for model in (TimelineEntry, Assignment, CaseTally)}
    assert rows == {"TimelineEntry": {"510113"}, "Assignment": {"510113"}, "CaseTally": {"510113"}}
    assert (TimelineEntry.objects.count(), Assignment.objects.count(), CaseTally.objects.count()) == (3, 2, 1)
