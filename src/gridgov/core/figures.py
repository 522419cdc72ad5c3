"""The figures apps contribute to the assessment boards and the command screen.

The case figures have their own tallies (``assessment``); every other engine (volunteering, the
points shop, 双报到…) declares a :class:`FigureSet` here from its ``apps.py``: what it measures, and
a function that computes the figures for a list of units over a period, straight from its own
tables. The projections floor (the assessment board's participation tab, the screen's panel) reads
the registry; it never imports the engines' models, and the engines never import the projections.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

#: How a value is shown: a count, a share (0–1, shown as a percentage), a mean, a duration in
#: minutes or hours, or points.
Kind = Literal["count", "share", "mean", "minutes", "hours", "points"]

#: ``compute(unit_codes, start, end)`` → ``{unit_code: {figure_key: value or None}}``; each unit's
#: figures cover its whole subtree, over the days ``start`` to ``end`` inclusive (figures that are a
#: state, such as a registration rate, are taken as of ``end``).
Compute = Callable[[Sequence[str], dt.date, dt.date], dict[str, dict[str, float | int | None]]]


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    kind: Kind
    #: One sentence that says how the figure is computed (shown beside it; docs say it in full).
    definition: str = ""
    #: A target the figure is compared with (a share for shares), if the district sets one.
    target: float | None = None


@dataclass(frozen=True)
class FigureSet:
    key: str
    label: str
    figures: tuple[Figure, ...]
    compute: Compute
    order: int = 100
    #: The keys of the figures the command screen shows (a few headline ones).
    headline: tuple[str, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


_SETS: dict[str, FigureSet] = {}


def register(figure_set: FigureSet) -> None:
    """Declare (or, on a repeated ``ready()``, replace) an app's figure set."""
    _SETS[figure_set.key] = figure_set


def registered() -> list[FigureSet]:
    return sorted(_SETS.values(), key=lambda s: (s.order, s.key))


def get(key: str) -> FigureSet | None:
    return _SETS.get(key)
