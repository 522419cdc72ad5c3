"""Intake throughput: cases accepted per second through the HTTP API (scope, location, routing,
deadline, timeline and notifications included) against a bare insert of the same row through the
same server software, the same database, in the same run.

    .venv/bin/python bench/intake.py [--database-url URL ...] [--seconds 10] [--workers 2] [--clients 4]

For each database (by default a temporary SQLite file and, when it answers, PostgreSQL at
postgresql://postgres@127.0.0.1:5432/ in a fresh database ``gridgov_bench``): migrate, load the demo
district's structure and staff (without its 3,000 cases), then

1. serve gridgov with ``gridgov serve`` (gunicorn) on a free loopback port, get a bearer token for
   the district dispatcher, and POST cases to ``/api/v1/cases`` for ``--seconds`` from ``--clients``
   threads, each over one keep-alive connection;
2. serve ``bench/bare_wsgi.py`` (gridgov's WSGI app plus one route that stores the same row with a
   single ORM insert) with the same gunicorn settings, and POST the same bodies to it.

It prints both rates and their ratio. Only loopback is used; every step has a time limit; slow
figures are reported, never treated as a failure (the exit status is 0 unless setup fails).
"""
import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/"
BENCH_DATABASE = "gridgov_bench"
USERNAME, PASSWORD = "district_dispatcher", "gridgov-demo"
SETUP_SECONDS, START_SECONDS = 900, 90
BODIES = 400


# -- setup, in a child process (settings read DATABASE_URL once, at import) ----------------------
def prepare(bodies_file: str) -> None:
    """Migrate, load the demo structure and staff, and write request bodies: points inside random
    micro-grids with random leaf categories (so both loops are exercised)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from shapely.geometry import Point, shape

    from gridgov.catalogue.models import Category
    from gridgov.demo.services import DISTRICT, load_demo
    from gridgov.structure.models import Unit

    call_command("migrate", verbosity=0)
    load_demo(cases=0)
    rng = random.Random(510113)
    categories = list(Category.objects.leaves().filter(active=True).values_list("code", "plain_name"))
    micros = [shape(b) for b in Unit.objects.filter(district_code=DISTRICT, kind="microgrid")
              .values_list("boundary", flat=True)]
    bodies = []
    while len(bodies) < BODIES:
        polygon = rng.choice(micros)
        minx, miny, maxx, maxy = polygon.bounds
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if not polygon.contains(Point(lng, lat)):
            continue
        code, name = rng.choice(categories)
        bodies.append({"title": f"压测：{name}", "description": f"{name}，请处理。", "category": code,
                       "lat": round(lat, 6), "lng": round(lng, 6), "channel": "hotline"})
    Path(bodies_file).write_text(json.dumps(bodies, ensure_ascii=False))


# -- databases -----------------------------------------------------------------------------------
def postgres_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=2):
            return True
    except OSError:
        return False


def fresh_postgres(url: str) -> str:
    """Drop and create ``gridgov_bench`` on the server of ``url``; return its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def drop_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True, connect_timeout=5) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
    except Exception as error:  # noqa: BLE001 - cleaning up must not hide the figures
        print(f"  (could not drop {BENCH_DATABASE}: {error})")


# -- servers -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict, port: int, log) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, cwd=env["GRIDGOV_HOME"], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {process.returncode}); see {log.name}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/login/")
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"the server did not answer within {START_SECONDS} s; see {log.name}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn's arbiter stops its workers on SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def gunicorn_command(app: str, port: int, workers: int) -> list[str]:
    """The command ``gridgov serve`` executes (see gridgov/core/management/commands/serve.py)."""
    return [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--threads", "4", "--access-logfile", "-", "--timeout", "120"]


# -- load ----------------------------------------------------------------------------------------
def token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/api/v1/auth/token", json.dumps({"username": USERNAME, "password": PASSWORD}),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"no token: {response.status} {body}")
    return body["token"]


def hammer(port: int, path: str, headers: dict, bodies: list, seconds: float, clients: int) -> dict:
    """POST bodies from ``clients`` threads over keep-alive connections for ``seconds``; count the
    201s. A request in flight when the time is up still counts if it succeeds."""
    counts = {"ok": 0, "failed": 0}
    errors: list[str] = []
    lock = threading.Lock()
    start_at = time.monotonic()
    stop_at = start_at + seconds

    def client(number: int):
        rng = random.Random(number)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ok = failed = 0
        while time.monotonic() < stop_at:
            body = json.dumps(rng.choice(bodies), ensure_ascii=False).encode()
            try:
                connection.request("POST", path, body, {**headers, "Content-Type": "application/json"})
                response = connection.getresponse()
                text = response.read()
                if response.status == 201:
                    ok += 1
                else:
                    failed += 1
                    if len(errors) < 5:
                        errors.append(f"{response.status} {text[:200]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            except (OSError, http.client.HTTPException) as error:
                failed += 1
                if len(errors) < 5:
                    errors.append(f"{type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()
        with lock:
            counts["ok"] += ok
            counts["failed"] += failed

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 90)
    elapsed = time.monotonic() - start_at
    return {"ok": counts["ok"], "failed": counts["failed"], "seconds": elapsed,
            "rate": counts["ok"] / elapsed if elapsed else 0.0, "errors": errors}


def run_one(label: str, url: str, args) -> dict | None:
    home = Path(tempfile.mkdtemp(prefix="gridgov-bench-"))
    (home / "staticfiles").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT otherwise
    print(f"\n== {label}: {url}")
    try:
        env = {**os.environ, "DATABASE_URL": url, "GRIDGOV_HOME": str(home), "PYTHONPATH": os.pathsep.join(
            [str(HERE), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
               "DJANGO_SETTINGS_MODULE": "gridgov.settings",
               # plain HTTP on the loopback interface, as behind a proxy that ends TLS
               "GRIDGOV_SSL_REDIRECT": "0", "GRIDGOV_ALLOWED_HOSTS": "127.0.0.1"}
        bodies_file = home / "bodies.json"
        # `gridgov serve` refuses the development keys (published in the source): real ones first,
        # so the loaded structure and the served requests use the same.
        subprocess.run([PYTHON, "-m", "gridgov.cli", "keys"], env=env, cwd=home, check=True, timeout=60,
                       stdout=subprocess.DEVNULL)
        started = time.monotonic()
        subprocess.run([PYTHON, str(Path(__file__).resolve()), "--prepare", str(bodies_file)], env=env, cwd=home,
                       check=True, timeout=SETUP_SECONDS)
        print(f"  migrated and loaded the demo structure in {time.monotonic() - started:.0f} s")
        bodies = json.loads(bodies_file.read_text())
        results = {}
        for name, path in [("api", "/api/v1/cases"), ("bare", "/bench/bare-insert")]:
            port = free_port()
            if name == "api":  # the product's own server command
                command = [PYTHON, "-m", "gridgov.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                           "--workers", str(args.workers)]
            else:  # the same gunicorn settings, with the floor's extra route
                command = gunicorn_command("bare_wsgi:application", port, args.workers)
            with open(home / f"{name}.log", "wb") as log:
                server = start(command, env, port, log)
                try:
                    headers = {"Authorization": f"Bearer {token(port)}"} if name == "api" else {}
                    hammer(port, path, headers, bodies, min(2.0, args.seconds), args.clients)  # warm-up
                    results[name] = hammer(port, path, headers, bodies, args.seconds, args.clients)
                finally:
                    stop(server)
            result = results[name]
            print(f"  {name:>4}: {result['ok']:6d} cases in {result['seconds']:.1f} s = {result['rate']:8.1f}/s"
                  + (f"  ({result['failed']} failed: {result['errors'][:2]})" if result["failed"] else ""))
        api, bare = results["api"]["rate"], results["bare"]["rate"]
        ratio = bare / api if api else float("inf")
        print(f"  the API accepts {api:.1f} cases/s against {bare:.1f} bare inserts/s: "
              f"the bare insert is {ratio:.1f}× faster (the API reaches {100 * api / bare if bare else 0:.0f}% of it)")
        return {"database": label, "api": api, "bare": bare, "ratio": ratio}
    except (subprocess.SubprocessError, RuntimeError, OSError) as error:
        print(f"  {label}: skipped — {error}")
        return None
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", default=None,
                        help="sqlite (a temporary file) or a PostgreSQL server URL (its database gridgov_bench is "
                             "dropped and created); repeat for several. Default: sqlite and " + DEFAULT_POSTGRES)
    parser.add_argument("--seconds", type=float, default=10, help="length of each measurement (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--clients", type=int, default=4, help="client threads, one keep-alive connection each")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, SQLite file)")
    parser.add_argument("--prepare", metavar="BODIES_FILE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare)
        return 0
    args.seconds = max(1.0, min(args.seconds, 300.0))
    urls = args.database_url or ["sqlite", DEFAULT_POSTGRES]
    figures = []
    for url in urls:
        if url.startswith("sqlite"):
            path = Path(tempfile.gettempdir()) / f"gridgov-bench-{os.getpid()}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            figures.append(run_one("SQLite", f"sqlite:///{path}", args))
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        elif url.startswith("postgres"):
            if not postgres_answers(url):
                print(f"\n== PostgreSQL: {url} does not answer; skipped")
                continue
            bench_url = fresh_postgres(url)
            try:
                figures.append(run_one("PostgreSQL", bench_url, args))
            finally:
                drop_postgres(url)
        else:
            print(f"unknown database URL {url!r}: give sqlite or postgresql://…")
    print("\nsummary (cases/s)")
    for figure in filter(None, figures):
        print(f"  {figure['database']:<11} API {figure['api']:8.1f}   bare insert {figure['bare']:8.1f}   "
              f"ratio {figure['ratio']:5.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
