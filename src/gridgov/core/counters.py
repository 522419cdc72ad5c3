"""Adding to counter rows in one statement: ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + …``.

A counter row (a case number's daily sequence, an assessment tally) is found by its key and added
to, or inserted when the key is new. Read-then-write costs two or three statements and, for a new
key, a savepoint to survive losing the race to insert it; the upsert is one statement on SQLite
(3.24+; ``RETURNING`` 3.35+) and PostgreSQL alike, and takes the row's lock as it adds, so two
writers at once both count. The key must be exactly the columns of a unique constraint of the table.
"""
from functools import cache

from django.db import connection


@cache
def _plan(model, key: tuple[str, ...], counts: tuple[str, ...]) -> tuple[str, list, list]:
    """The statement for adding ``counts`` to ``model``'s row with ``key`` (built once per process
    and shape: every report adds to the same few), with the fields whose values it takes in order
    and the other fields, written with their defaults on insert (Django's, not the table's)."""
    meta, ops = model._meta, connection.ops
    given = [meta.get_field(name) for name in (*key, *counts)]
    rest = [field for field in meta.concrete_fields if not field.primary_key and field not in given]
    column = {field: ops.quote_name(field.column) for field in (*given, *rest)}
    table = ops.quote_name(meta.db_table)
    counted = [column[field] for field in given[len(key):]]
    added = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in counted)
    sql = (f"INSERT INTO {table} ({', '.join(column.values())}) VALUES ({', '.join(['%s'] * len(column))}) "
           f"ON CONFLICT ({', '.join(column[field] for field in given[:len(key)])}) DO UPDATE SET {added}")
    return sql, given, rest


def add(model, key: dict, counts: dict[str, int], returning: str | None = None):
    """Add ``counts`` (field name → amount) to the row of ``model`` with ``key`` (field name →
    value), inserting it with ``counts`` (and every other field's default) when there is none.
    With ``returning``, the field's value after the addition is returned."""
    sql, given, rest = _plan(model, tuple(key), tuple(counts))
    values = [field.get_db_prep_value(value, connection) for field, value in zip(given, (*key.values(), *counts.values()))]
    values += [field.get_db_prep_value(field.get_default(), connection) for field in rest]
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(model._meta.get_field(returning).column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()[0] if returning else None
