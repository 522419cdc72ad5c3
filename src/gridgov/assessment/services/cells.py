"""A figure's value as the pages and the workbook show it, and its change from the previous period."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import figures as figure_defs
from . import scoring


# -- cells: a figure's value as shown ----------------------------------------------------------
def show(key: str, value) -> str:
    """A figure's value as text: 85.0%, 3.2 h, or — for no data."""
    if value is None:
        return "—"
    if key == "score":
        return f"{value:.1f}"
    if figure_defs.BY_KEY[key].unit == "%":
        return f"{value:.1f}%"
    return _("%(hours)s h") % {"hours": f"{value:.1f}"}


@dataclass(frozen=True)
class Change:
    """A change: its arrow follows the number (``direction``), its colour what it means (``tone``) —
    a return rate falling is ▼ in green, never a "▼ +0.1"."""

    value: float | None
    text: str
    tone: str  # "better", "worse", "same" or "" (no comparison)

    @property
    def direction(self) -> str:
        """"up", "down" or "" (no change, or nothing to compare)."""
        if not self.value:
            return ""
        return "up" if self.value > 0 else "down"


def change(key: str, now, before) -> Change:
    """The change from the previous period, and whether it is for the better (``key``: a figure, or
    ``score``, or any other percentage where higher is better)."""
    if now is None or before is None:
        return Change(None, "", "")
    delta = round(now - before, 1)
    if not delta:
        return Change(0.0, "±0", "same")
    figure = figure_defs.BY_KEY.get(key)
    higher_is_better = figure is None or figure.higher_is_better
    text = f"{delta:+.1f}"
    if figure is not None and figure.unit == "h":
        text = _("%(hours)s h") % {"hours": text}
    return Change(delta, text, "better" if (delta > 0) == higher_is_better else "worse")


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    unit: str
    current: float | None
    previous: float | None
    weight: int
    higher_is_better: bool
    sample: int | None = None  # how many cases the current rate rests on (None: not a rate)
    counted: bool = True  # whether it counts towards the score (enough cases)

    @property
    def current_text(self):
        return show(self.key, self.current)

    @property
    def previous_text(self):
        return show(self.key, self.previous)

    @property
    def change(self) -> Change:
        return change(self.key, self.current, self.previous)


def figure_rows(current: dict, previous: dict, chosen: dict[str, int]) -> list[FigureRow]:
    samples = getattr(current, "samples", {})
    return [FigureRow(f.key, str(f.label), f.unit, current.get(f.key), previous.get(f.key), chosen.get(f.key, 0),
                      f.higher_is_better, samples.get(f.key), scoring.counted(current, f.key))
            for f in figure_defs.FIGURES]
