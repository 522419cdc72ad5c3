"""Coverage recomputed when the district's administrator asks, not only when the worker finds it
stale: the run is started at once (so the page can follow its progress) and computed in a thread of
the web process, which then gives its database connection back."""
from __future__ import annotations

import logging
import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.structure.models import Unit

from ..models import CoverageRun, RunStatus
from . import coverage
from .common import require_standards

log = logging.getLogger(__name__)


def running(district_code: str) -> CoverageRun | None:
    """The district's run in progress, if any (the newest)."""
    return CoverageRun.objects.filter(district_code=district_code, status=RunStatus.RUNNING) \
        .order_by("-started_at", "-pk").first()


def _compute(run: CoverageRun) -> None:
    try:
        coverage.compute(run)
    except Exception:  # compute has marked the run failed with its reason; the log keeps the trace
        log.exception("coverage run %s failed", run.pk)
    finally:
        connection.close()


def launch(run: CoverageRun) -> None:
    """Compute ``run`` in the background (the tests replace this to compute in line)."""
    threading.Thread(target=_compute, args=(run,), daemon=True).start()


def recompute(actor, district: Unit) -> CoverageRun:
    """Start a run of the district's coverage now, unless one is running already."""
    require_standards(actor, district)
    if running(district.code) is not None and not coverage.stale(district.code, clock.now()):
        raise ValidationError(_("Coverage is being computed already; wait until it is done."))
    run = coverage.start(district.code, requested_by=actor)  # refused (InvalidTransition) without a network
    launch(run)
    return run
