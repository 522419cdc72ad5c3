"""The ledger under load: posting rate, a balance read at millions of postings, and concurrent
shop redemptions — each against a baseline measured in the same run, printed as a ratio.

    .venv/bin/python bench/ledger_bench.py                                   # SQLite (a temporary file)
    .venv/bin/python bench/ledger_bench.py --database-url postgresql://postgres@127.0.0.1:5432/bench_h
    .venv/bin/python bench/ledger_bench.py --postings 10000000 --database-url postgresql://…/bench_h

Parts (``--parts post,balance,redeem``; ``redeem`` runs on PostgreSQL only):

1. **post** — ``--entries`` entries (issuance → a person, one of 200) through ``ledger.services.post``,
   each in its own transaction as the services call it (row locks on both accounts, the floor check,
   the idempotency key, the balance caches), against a plain ``bulk_create`` of the same entries and
   postings (no locks, no checks, no caches). Prints entries per second for both and the ratio.
2. **balance** — one person's account holding ``--postings`` postings, built with set-based inserts
   (``generate_series`` on PostgreSQL, a recursive CTE on SQLite; entries of ten +1 postings to the
   account and one −10 from issuance, so the ledger holds 1.1 × N postings; on PostgreSQL the
   zero-sum trigger is skipped for the load with ``session_replication_role = replica`` — the rows
   are built balanced), then ``ledger.services.balance`` (the cache: one row by primary key)
   against re-summing its postings (``SUM(amount) WHERE account_id = …``, through the index on
   ``account_id``), ``--repeat`` times each, median.
3. **redeem** — ``--threads`` buyers at once placing shop orders (``shop.services.orders.place_order``:
   the item's row lock, the stock, the order row, the escrow hold, the journal) for ``--seconds``,
   first all against **one** item, then each against **its own** item. Prints orders per second for
   both and the ratio (one item ÷ own items).

The database is created and migrated if missing (SQLite: a temporary file, removed at the end;
PostgreSQL: the named database, whose ledger and shop rows are left for a second look; ``--drop``
drops it). Figures are reported, never judged: the script exits 0 unless setup fails.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = "990001"  # a district code no demo or real data uses
T0 = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - T0:8.1f}s] {message}", flush=True)


def ensure_postgres(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"created database {name}")


def drop_postgres(url: str) -> None:
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
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    say(f"migrated in {time.monotonic() - started:.1f} s")


def sql(text: str, params=None) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.rowcount


def scalar(text: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(text, params)
        return cursor.fetchone()[0]


def accounts(tag: str, persons: int):
    from gridgov.ledger.models import AccountKind, MeasureUnit, SystemAccount
    from gridgov.ledger.services import account_for

    issuance = account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE, district_code=DISTRICT,
                           unit=MeasureUnit.POINTS)
    people = [account_for(kind=AccountKind.PERSON, owner_key=f"person:{tag}{n}", district_code=DISTRICT,
                          unit=MeasureUnit.POINTS, place_code=DISTRICT) for n in range(persons)]
    return issuance, people


# -- 1. posting rate ------------------------------------------------------------------------------
def bench_post(entries: int) -> dict:
    from django.db import transaction

    from gridgov.ledger.models import Entry, Posting
    from gridgov.ledger.services import post

    tag = f"p{int(time.time())}-"
    issuance, people = accounts(tag, 200)
    started = time.monotonic()
    for n in range(entries):
        post([(issuance, -5), (people[n % len(people)], 5)], key=f"bench:{tag}{n}", memo="bench")
    service = entries / (time.monotonic() - started)

    started = time.monotonic()
    with transaction.atomic():  # one transaction: PostgreSQL's zero-sum trigger checks at its commit
        made = Entry.objects.bulk_create(Entry(memo="bench", idempotency_key=f"bench:{tag}bulk{n}")
                                         for n in range(entries))
        if any(entry.pk is None for entry in made):
            made = list(Entry.objects.filter(idempotency_key__startswith=f"bench:{tag}bulk").order_by("pk"))
        Posting.objects.bulk_create(
            posting for n, entry in enumerate(made)
            for posting in (Posting(entry=entry, account=issuance, amount=-5),
                            Posting(entry=entry, account=people[n % len(people)], amount=5)))
    bulk = entries / (time.monotonic() - started)
    # The bulk rows left the caches behind; the service's did not. Bring the caches level again.
    sql("UPDATE ledger_account SET balance = (SELECT COALESCE(SUM(amount), 0) FROM ledger_posting "
        "WHERE account_id = ledger_account.id) WHERE district_code = %s", [DISTRICT])
    say(f"post: {service:,.0f} entries/s through ledger.services.post, {bulk:,.0f} entries/s by bulk insert "
        f"→ the service runs at {service / bulk:.3f} × the bulk insert ({bulk / service:,.0f} × slower)")
    return {"service": service, "bulk": bulk}


# -- 2. balance at N postings ---------------------------------------------------------------------
def bench_balance(postings: int, repeat: int, vendor: str) -> dict:
    from django.db import connection, transaction
    from django.db.models import Sum

    from gridgov.ledger.models import Account, Posting
    from gridgov.ledger.services import balance

    hot_key = f"person:hot{postings}"
    _issuance, (hot,) = accounts(f"hot{postings}-", 1)
    hot = Account.objects.get(pk=hot.pk)
    have = Posting.objects.filter(account=hot).count()
    issuance = _issuance
    per_entry = 10
    missing = postings - have
    if missing > 0:
        entries = -(-missing // per_entry)
        say(f"balance: building {missing:,} postings on {hot_key} ({entries:,} entries) …")
        started = time.monotonic()
        first = (scalar("SELECT COALESCE(MAX(id), 0) FROM ledger_entry") or 0) + 1
        with transaction.atomic():
            if vendor == "postgresql":
                sql("SET LOCAL session_replication_role = replica")
                sql("SET LOCAL synchronous_commit = off")
                sql("INSERT INTO ledger_entry (id, memo, kind, idempotency_key, at) "
                    "SELECT %s + g, 'bench', 'bench', 'bench:hot:' || (%s + g), now() "
                    "FROM generate_series(0, %s - 1) AS g", [first, first, entries])
                sql("SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), %s)", [first + entries])
                sql("INSERT INTO ledger_posting (entry_id, account_id, amount) "
                    "SELECT %s + g / %s, %s, 1 FROM generate_series(0, %s - 1) AS g",
                    [first, per_entry, hot.pk, entries * per_entry])
                sql("INSERT INTO ledger_posting (entry_id, account_id, amount) "
                    "SELECT %s + g, %s, -%s FROM generate_series(0, %s - 1) AS g",
                    [first, issuance.pk, per_entry, entries])
            else:
                series = "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < %s - 1) "
                sql(series + "INSERT INTO ledger_entry (id, memo, kind, idempotency_key, at) "
                    "SELECT %s + n, 'bench', 'bench', 'bench:hot:' || (%s + n), datetime('now') FROM g",
                    [entries, first, first])
                sql(series + "INSERT INTO ledger_posting (entry_id, account_id, amount) "
                    "SELECT %s + n / %s, %s, 1 FROM g", [entries * per_entry, first, per_entry, hot.pk])
                sql(series + "INSERT INTO ledger_posting (entry_id, account_id, amount) "
                    "SELECT %s + n, %s, -%s FROM g", [entries, first, issuance.pk, per_entry])
            added = entries * per_entry
            sql("UPDATE ledger_account SET balance = balance + %s WHERE id = %s", [added, hot.pk])
            sql("UPDATE ledger_account SET balance = balance - %s WHERE id = %s", [added, issuance.pk])
        if vendor == "postgresql":
            sql("ANALYZE ledger_posting")
        say(f"balance: built in {time.monotonic() - started:.1f} s")
    count = Posting.objects.filter(account=hot).count()
    total = Posting.objects.count()

    def timed(fn):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            value = fn()
            times.append(time.perf_counter() - started)
        return statistics.median(times), value

    connection.close()
    cached, cached_value = timed(lambda: balance(hot))
    summed, summed_value = timed(lambda: Posting.objects.filter(account=hot).aggregate(s=Sum("amount"))["s"])
    say(f"balance: {count:,} postings on the account ({total:,} in the ledger): cache {cached * 1000:.3f} ms, "
        f"re-summing {summed * 1000:.1f} ms → re-summing costs {summed / cached:,.0f} × the cached read "
        f"({'same' if cached_value == summed_value else 'DIFFERENT'} value: {cached_value:,})")
    return {"postings": count, "cached_ms": cached * 1000, "summed_ms": summed * 1000}


# -- 3. concurrent redemptions --------------------------------------------------------------------
def redemption_world(threads: int):
    from django.contrib.auth.models import User

    from gridgov.accounts.models import Role, RoleAssignment
    from gridgov.ledger.models import AccountKind, MeasureUnit, SystemAccount
    from gridgov.ledger.services import account_for, post
    from gridgov.people.models import Person
    from gridgov.shop.models import Item
    from gridgov.shop.services.accounts import points_account
    from gridgov.structure.models import Unit

    def unit(code, kind, parent):
        found, _created = Unit.objects.get_or_create(code=code, defaults={"kind": kind, "name": f"bench {kind}",
                                                                         "short_name": kind, "parent": parent})
        return found

    district = unit(DISTRICT, "district", None)
    street = unit(f"{DISTRICT}001", "street", district)
    community = unit(f"{DISTRICT}001001", "community", street)
    grid = unit(f"{DISTRICT}001001001", "grid", community)
    micro = unit(f"{DISTRICT}001001001001", "microgrid", grid)
    issuance = account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE, district_code=DISTRICT,
                           unit=MeasureUnit.POINTS)
    stamp = int(time.time())
    buyers = []
    for n in range(threads):
        user = User.objects.create_user(f"bench{stamp}-{n}")
        RoleAssignment.objects.create(user=user, role=Role.RESIDENT, unit=micro)
        person = Person.objects.create(name=f"买家{n}", gender="F", unit=micro, user=user)
        post([(issuance, -10**9), (points_account(person), 10**9)], key=f"bench:redeem:{stamp}:{n}", memo="bench")
        buyers.append(user.pk)
    shared = Item.objects.create(community=community, name="bench shared", price=1, stock=10**8)
    own = [Item.objects.create(community=community, name=f"bench {n}", price=1, stock=10**8) for n in range(threads)]
    return buyers, shared, own


def run_buyers(buyers, item_for, seconds: float) -> tuple[int, int]:
    from django.contrib.auth.models import User
    from django.db import connection

    from gridgov.shop.services.orders import place_order

    barrier = threading.Barrier(len(buyers))
    done, failed = [0] * len(buyers), [0] * len(buyers)

    def run(index):
        try:
            user = User.objects.get(pk=buyers[index])
            item = item_for(index)
            barrier.wait()
            stop = time.monotonic() + seconds
            while time.monotonic() < stop:
                try:
                    place_order(user, item, 1)
                    done[index] += 1
                except Exception:  # noqa: BLE001 - counted, the rate is what we report
                    failed[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(len(buyers))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done), sum(failed)


def bench_redeem(threads: int, seconds: float) -> dict:
    buyers, shared, own = redemption_world(threads)
    one, one_failed = run_buyers(buyers, lambda i: shared, seconds)
    many, many_failed = run_buyers(buyers, lambda i: own[i], seconds)
    one_rate, many_rate = one / seconds, many / seconds
    say(f"redeem: {threads} buyers for {seconds:.0f} s: one item {one_rate:,.1f} orders/s ({one_failed} refused), "
        f"own items {many_rate:,.1f} orders/s ({many_failed} refused) → one item runs at "
        f"{one_rate / many_rate if many_rate else float('nan'):.2f} × own items")
    return {"one": one_rate, "own": many_rate}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="sqlite",
                        help="sqlite (a temporary file) or a PostgreSQL URL naming a database (created if missing)")
    parser.add_argument("--parts", default="post,balance,redeem")
    parser.add_argument("--entries", type=int, default=2000, help="entries posted in part 1 (default 2000)")
    parser.add_argument("--postings", type=int, default=1_000_000,
                        help="postings on the account read in part 2 (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=20, help="reads of each kind in part 2 (median)")
    parser.add_argument("--threads", type=int, default=8, help="concurrent buyers in part 3")
    parser.add_argument("--seconds", type=float, default=10, help="length of each run of part 3")
    parser.add_argument("--drop", action="store_true", help="drop the PostgreSQL database at the end")
    args = parser.parse_args(argv)
    parts = {part.strip() for part in args.parts.split(",")}

    temporary = None
    url = args.database_url
    if url == "sqlite":
        temporary = Path(tempfile.gettempdir()) / f"gridgov-ledger-bench-{os.getpid()}.sqlite3"
        url = f"sqlite:///{temporary}"
    elif url.startswith("postgres"):
        ensure_postgres(url)
    else:
        sys.exit(f"unknown database URL {url!r}: give sqlite or postgresql://…")
    try:
        setup_django(url)
        from django.db import connection

        vendor = connection.vendor
        say(f"database: {vendor}")
        if "post" in parts:
            bench_post(args.entries)
        if "balance" in parts:
            bench_balance(args.postings, args.repeat, vendor)
        if "redeem" in parts:
            if vendor == "postgresql":
                bench_redeem(args.threads, args.seconds)
            else:
                say("redeem: skipped (SQLite serialises every writer; run it on PostgreSQL)")
    finally:
        if temporary is not None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{temporary}{suffix}").unlink(missing_ok=True)
        elif args.drop:
            from django.db import connections

            connections.close_all()
            drop_postgres(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
