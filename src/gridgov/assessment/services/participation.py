"""The "taking part" board: the figures the participation apps declare in ``core.figures``, for one
unit in reach and the units directly below it, over a period.

The assessment does not know the apps: it reads the registry, asks each figure set for the unit and
its children at once, and formats what comes back (a share as a percentage, minutes as hours…).
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from gridgov.core import figures
from gridgov.structure.models import Unit

from .access import Access, unit_in_reach
from .periods import Period


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str
    definition: str
    target: float | None


def text(value, kind: str) -> str:
    """A figure as the board shows it; — for no data."""
    if value is None:
        return "—"
    if kind == "share":
        return f"{number_format(value * 100, 1)}%"
    if kind in ("mean", "hours"):
        return number_format(value, 1)
    return number_format(round(value), 0, force_grouping=True)


def chart_value(value, kind: str):
    """The number a chart bar shows: shares in percent, one decimal."""
    if value is None:
        return None
    return round(value * 100, 1) if kind == "share" else round(value, 1)


def target_unit(user, access: Access, code: str | None) -> Unit:
    if access.root is None:
        raise PermissionDenied(_("Only district, street, community and grid staff see the figures of units."))
    return unit_in_reach(user, access, code) if code else access.root


def board(unit: Unit, period: Period) -> list[dict]:
    """Every registered figure set for ``unit`` (the first row) and its children."""
    children = list(Unit.objects.filter(parent=unit).order_by("code"))
    units = [unit, *children]
    codes = [u.code for u in units]
    last_day = period.end - dt.timedelta(days=1)
    sets = []
    for figure_set in figures.registered():
        values = figure_set.compute(codes, period.start, last_day)
        columns = [Column(f.key, str(f.label), f.kind, str(f.definition), f.target) for f in figure_set.figures]
        rows = [{"unit": u, "total": u is unit,
                 "cells": [text(values.get(u.code, {}).get(c.key), c.kind) for c in columns]} for u in units]
        chart = {"names": [u.short_name for u in children],
                 "figures": [{"label": c.label, "kind": c.kind,
                              "target": chart_value(c.target, c.kind) if c.target is not None else None,
                              "data": [chart_value(values.get(u.code, {}).get(c.key), c.kind) for u in children]}
                             for c in columns]}
        sets.append({"key": figure_set.key, "label": str(figure_set.label), "columns": columns, "rows": rows,
                     "chart": chart})
    return sets
