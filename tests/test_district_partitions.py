"""The case table can be partitioned by district (issue 16, item 8; docs/deployment.md, "Past one
machine"): PostgreSQL only.

PostgreSQL's declarative partitioning (and Citus's distribution, by the same rule) accepts a unique
key only if it holds the partition column. The test builds, in the test database, a copy of
``cases_case`` partitioned by ``LIST (district_code)`` with a partition per district, gives it every
unique key the real table has — read from the catalogue, so a unique key added later without the
district breaks this test — and the primary key the distributed table would have, (district, id):
the id alone is refused, which is why every statement about a case must name its district
(tests/test_district_keys.py). It then moves real cases of two districts into it and asks EXPLAIN
where the ORM's own re-read of a case goes: to its district's partition alone.
"""
import os

import pytest
from django.db import DatabaseError, connection, transaction

from gridgov.cases.models import Case
from gridgov.core.distribution import row_key

from .cases_world import IN_A1_1, IN_A1_2
from .test_cases_lifecycle import report

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="declarative partitioning is PostgreSQL's: run with DATABASE_URL=postgresql://…")

HERE, THERE = "510113", "510114"  # the world's district, and a second one made from its rows


def _run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def _unique_keys() -> list[str]:
    """The DDL of the real case table's unique keys other than its primary key: constraints
    (``UNIQUE (…)``) and unique indexes with a condition, pointed at the partitioned copy."""
    constraints = [f"ALTER TABLE case_by_district ADD CONSTRAINT {name}_p {definition}" for name, definition in _run(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'cases_case'::regclass AND contype = 'u'")]
    indexes = [definition.replace(f"INDEX {name} ON public.cases_case", f"INDEX {name}_p ON case_by_district")
               for name, definition in _run(
                   "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'cases_case'::regclass "
                   "AND i.indisunique AND NOT i.indisprimary "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)")]
    return constraints + indexes


def _refused(sql) -> str:
    """The error PostgreSQL gives ``sql`` (run in a savepoint, which it rolls back)."""
    try:
        with transaction.atomic():
            _run(sql)
    except DatabaseError as error:
        return str(error)
    raise AssertionError(f"PostgreSQL accepted: {sql}")


def _plan(sql, params) -> str:
    return "\n".join(row[0] for row in _run(f"EXPLAIN {sql}", params))


def test_the_case_table_partitions_by_district(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert connection.vendor == "postgresql"
    cases = [report(world, "small", IN_A1_1), report(world, "big", IN_A1_1), report(world, "big", IN_A1_2)]

    _run("CREATE TABLE case_by_district (LIKE cases_case INCLUDING DEFAULTS) PARTITION BY LIST (district_code)")
    for district in (HERE, THERE):
        _run(f"CREATE TABLE case_{district} PARTITION OF case_by_district FOR VALUES IN ('{district}')")

    # The case's own primary key, the id alone, is refused; with the district it is accepted.
    assert "must include all partitioning columns" in _refused("ALTER TABLE case_by_district ADD PRIMARY KEY (id)")
    _run("ALTER TABLE case_by_district ADD PRIMARY KEY (district_code, id)")
    # Every other unique key of the real table is accepted as it is: each holds the district.
    keys = _unique_keys()
    assert len(keys) >= 2  # the code within the district, the external number per channel
    for key in keys:
        _run(key)

    # The real rows of one district, and the same rows renumbered as a second district's.
    _run("INSERT INTO case_by_district SELECT * FROM cases_case")
    _run("CREATE TEMPORARY TABLE other_district AS SELECT * FROM cases_case")
    _run("UPDATE other_district SET district_code = %s, code = %s || substr(code, 7), id = id + 1000000",
         [THERE, THERE])
    _run("INSERT INTO case_by_district SELECT * FROM other_district")
    assert dict(_run("SELECT tableoid::regclass::text, count(*) FROM case_by_district GROUP BY 1")) == {
        f"case_{HERE}": 3, f"case_{THERE}": 3}
    # A code is unique within its district: a new row (a new id) with a code the district has is refused.
    _run("UPDATE other_district SET id = id + 500")
    assert f"Key (district_code, code)=({THERE}, " in _refused(
        "INSERT INTO case_by_district SELECT * FROM other_district WHERE id = (SELECT min(id) FROM other_district)")

    # The ORM's re-read of a case under lock (journal.transition) goes to its district's partition only;
    # by the id alone it would have to look in every partition.
    case = cases[1]
    sql, params = Case.objects.filter(**row_key(case)).select_for_update().query.sql_with_params()
    sql = sql.replace('"cases_case"', '"case_by_district"')
    plan = _plan(sql, params)
    assert f"case_{HERE}" in plan and f"case_{THERE}" not in plan, plan
    assert [(row[1], row[2]) for row in _run(sql, params)] == [(HERE, case.code)]  # id, district, code
    sql, params = Case.objects.filter(pk=case.pk).query.sql_with_params()
    plan = _plan(sql.replace('"cases_case"', '"case_by_district"'), params)
    assert f"case_{HERE}" in plan and f"case_{THERE}" in plan, plan
