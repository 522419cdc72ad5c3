"""Adding to counter rows in one statement: ``INSERT … ON CONFLICT (key) DO UPDATE SET n = n + …``.

A counter row (a case number's daily sequence, an assessment tally) is found by its key and added
to, or inserted when the key is new. Read-then-write costs two or three statements and, for a new
key, a savepoint to survive losing the race to insert it; the upsert is one statement on SQLite
(3.24+; ``RETURNING`` 3.35+) and PostgreSQL alike, and takes the row's lock as it adds, so two
writers at once both count. The key must be exactly the columns of a unique constraint of the table.
"""
from django.db import connection


def add(model, key: dict, counts: dict[str, int], returning: str | None = None):
    """Add ``counts`` (field name → amount) to the row of ``model`` with ``key`` (field name →
    value), inserting it with ``counts`` (and every other field's default) when there is none.
    With ``returning``, the field's value after the addition is returned."""
    meta, ops = model._meta, connection.ops
    given = {**key, **counts}
    fields = {name: meta.get_field(name) for name in given}
    named = set(fields.values())
    for field in meta.concrete_fields:  # the defaults are Django's, not the table's: they are written
        if not field.primary_key and field not in named:
            fields[field.attname], given[field.attname] = field, field.get_default()
    columns = {name: ops.quote_name(field.column) for name, field in fields.items()}
    values = [fields[name].get_db_prep_value(value, connection) for name, value in given.items()]
    table = ops.quote_name(meta.db_table)
    added = ", ".join(f"{columns[name]} = {table}.{columns[name]} + EXCLUDED.{columns[name]}" for name in counts)
    sql = (f"INSERT INTO {table} ({', '.join(columns.values())}) VALUES ({', '.join(['%s'] * len(values))}) "
           f"ON CONFLICT ({', '.join(columns[name] for name in key)}) DO UPDATE SET {added}")
    if returning:
        sql += f" RETURNING {columns[returning]}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()[0] if returning else None
