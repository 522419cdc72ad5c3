"""Writing the 双报到 journal: :func:`record` appends one entry to a subject's chain, and
``transition(Model)`` makes a service a transition of that model (locked, re-read through the
actor's scope, one transaction)."""
from gridgov.accounts.scope import visible
from gridgov.core import clock, journal

from ..models import ReportinEntry


def transition(model, related=()):
    return journal.transition(model, visible=visible, related=related)


def record(subject, actor, action, *, from_status: str = "", to_status: str = "", note: str = "",
           data: dict | None = None):
    return journal.append(subject, actor, action, journal=ReportinEntry, from_status=from_status,
                          to_status=to_status, at=clock.now(), note=note, data=data)
