"""A figure's value as the pages and the workbook show it, and its change from the previous period."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import figures as figure_defs


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
    value: float | None
    text: str
    tone: str  # "better", "worse", "same" or "" (no comparison)


def change(key: str, now, before) -> Change:
    """The change from the previous period, and whether it is for the better."""
    if now is None or before is None:
        return Change(None, "", "")
    delta = round(now - before, 1)
    if not delta:
        return Change(0.0, "±0", "same")
    higher_is_better = key == "score" or figure_defs.BY_KEY[key].higher_is_better
    text = f"{delta:+.1f}"
    if key != "score" and figure_defs.BY_KEY[key].unit == "h":
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
    return [FigureRow(f.key, str(f.label), f.unit, current.get(f.key), previous.get(f.key), chosen.get(f.key, 0),
                      f.higher_is_better) for f in figure_defs.FIGURES]
