"""The benchmark's floor: gridgov's own WSGI application plus one extra route that stores the same
case row with a single ORM insert — no scope, no routing, no deadline, no timeline, no
notifications. It exists only for ``bench/intake.py``, which serves it with the same gunicorn
settings as ``gridgov serve``, against the same database, in the same run. It is not part of the
product: ``gridgov serve`` never loads it.

``POST /bench/bare-insert`` takes the body ``POST /api/v1/cases`` takes (title, description,
category code, lat, lng, channel) and answers 201 with the new row's id.
"""
import itertools
import json
import os
import threading

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
django.setup()  # the models below are imported before gridgov.wsgi would set Django up

from django.core import signals  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gridgov.cases.models import Case  # noqa: E402
from gridgov.catalogue.models import Category  # noqa: E402
from gridgov.structure.models import Unit  # noqa: E402
from gridgov.wsgi import application as gridgov_application  # noqa: E402

DISTRICT = os.environ.get("BENCH_DISTRICT", "510113")
PATH = "/bench/bare-insert"
_numbers = itertools.count(1)
_lock = threading.Lock()
_cache: dict = {}


def _lookups():
    """The district unit and the category ids, read once per worker process."""
    if not _cache:
        _cache["district"] = Unit.objects.get(code=DISTRICT)
        _cache["categories"] = dict(Category.objects.values_list("code", "pk"))
    return _cache


def _insert(body: dict) -> int:
    lookups = _lookups()
    with _lock:
        number = next(_numbers)
    district = lookups["district"]
    now = timezone.now()
    # Its code starts with its district's, as every case's does (Case.by_code): 24 characters.
    case = Case(district_code=DISTRICT, code=f"{DISTRICT}B{os.getpid():07d}{number:010d}",
                channel=body.get("channel") or "other",
                title=body["title"], description=body.get("description", ""),
                category_id=lookups["categories"][body["category"]], lat=body.get("lat"), lng=body.get("lng"),
                unit=district, queue=district, reported_at=now)
    with transaction.atomic():
        Case.objects.bulk_create([case])
    return case.pk


def _bare_insert(environ, start_response):
    # Django's handler sends these around every request; they open and close the database
    # connection by CONN_MAX_AGE, so the floor pays what a real request pays for its connection.
    signals.request_started.send(sender=None, environ=environ)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
        pk = _insert(body)
        status, payload = "201 Created", {"id": pk}
    except (KeyError, ValueError, TypeError) as error:
        status, payload = "400 Bad Request", {"detail": f"{type(error).__name__}: {error}"}
    finally:
        signals.request_finished.send(sender=None)
    data = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def application(environ, start_response):
    if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "POST":
        return _bare_insert(environ, start_response)
    return gridgov_application(environ, start_response)
