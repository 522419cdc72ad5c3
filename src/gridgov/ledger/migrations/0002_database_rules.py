"""The ledger's rules in the database itself, on PostgreSQL (docs/ledger.md).

- ``ledger_entry_balanced``: a constraint trigger, DEFERRABLE INITIALLY DEFERRED, on every posting
  and every entry written: at commit, the entry has postings, they sum to zero and they are all in
  one unit of measure — otherwise the transaction fails.
- ``ledger_*_immutable``: UPDATE and DELETE of entries and postings are refused.

SQLite cannot defer a trigger to the commit, so there the service checks each entry before writing
it and ``gridgov ledger-check`` re-checks them all.
"""
from django.db import migrations

FORWARD = """
CREATE FUNCTION ledger_check_entry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    the_entry bigint;
    lines integer;
    total numeric;
    units integer;
BEGIN
    IF TG_TABLE_NAME = 'ledger_posting' THEN
        the_entry := NEW.entry_id;
    ELSE
        the_entry := NEW.id;
    END IF;
    SELECT count(*), coalesce(sum(p.amount), 0), count(DISTINCT a.unit)
      INTO lines, total, units
      FROM ledger_posting p JOIN ledger_account a ON a.id = p.account_id
     WHERE p.entry_id = the_entry;
    IF lines < 2 THEN
        RAISE EXCEPTION 'ledger entry % has % posting(s): an entry needs at least two', the_entry, lines
            USING ERRCODE = 'check_violation';
    END IF;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger entry % does not balance: its postings sum to %', the_entry, total
            USING ERRCODE = 'check_violation';
    END IF;
    IF units <> 1 THEN
        RAISE EXCEPTION 'ledger entry % mixes units of measure', the_entry
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_posting_balanced
    AFTER INSERT ON ledger_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();
CREATE CONSTRAINT TRIGGER ledger_entry_balanced
    AFTER INSERT ON ledger_entry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_entry();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% of % refused: ledger rows are never changed, post a reversing entry', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_posting_immutable BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_posting_immutable ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_entry;
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_entry;
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP FUNCTION IF EXISTS ledger_check_entry();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
