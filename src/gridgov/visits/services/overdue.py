"""The ONE definition of "overdue" every screen, list, job, notice and figure uses.

A visit or a promise is overdue at a moment ``at`` when its deadline day (a visit's ``latest``
date, a promise's ``due`` date) is before ``at``'s local date and it had not been closed by ``at``
(a visit done or cancelled, a promise decided). "Before ``at``" rather than "now" lets a figure
ask how things stood at the end of a past period; the screens ask with the clock's now. Each model
names its deadline and closing fields (``DEADLINE_FIELD``, ``CLOSING_FIELDS``); this module is the
only reader of them."""
from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from gridgov.core import clock

#: A deadline this many days away (or nearer) is "coming due".
DUE_SOON_DAYS = 3


def _open_at(model, at: dt.datetime) -> Q:
    q = Q()
    for name in model.CLOSING_FIELDS:
        q &= Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gt": at})
    return q


def overdue_q(model, at: dt.datetime | None = None) -> Q:
    """Rows of ``model`` overdue at ``at`` (now by default)."""
    at = at or clock.now()
    return Q(**{f"{model.DEADLINE_FIELD}__lt": timezone.localdate(at)}) & _open_at(model, at)


def due_soon_q(model, at: dt.datetime | None = None) -> Q:
    """Rows still open whose deadline is today or within :data:`DUE_SOON_DAYS` days."""
    at = at or clock.now()
    day = timezone.localdate(at)
    return (Q(**{f"{model.DEADLINE_FIELD}__gte": day,
                 f"{model.DEADLINE_FIELD}__lte": day + dt.timedelta(days=DUE_SOON_DAYS)}) & _open_at(model, at))


def with_overdue(rows: QuerySet, at: dt.datetime | None = None) -> QuerySet:
    """``rows`` each with an ``overdue`` attribute computed by :func:`overdue_q`."""
    return rows.annotate(overdue=ExpressionWrapper(overdue_q(rows.model, at), output_field=BooleanField()))


def is_overdue(obj, at: dt.datetime | None = None) -> bool:
    """Whether one stored row is overdue, asked of the database through :func:`overdue_q`."""
    return type(obj)._default_manager.filter(overdue_q(type(obj), at), pk=obj.pk).exists()
