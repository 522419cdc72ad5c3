"""Figures about where cases are resolved: "小事不出网格、大事不出社区/镇街".

A closed case is resolved at the level recorded on it when it closed (grid, community, street or
district: see ``Case.level``). The shares are cumulative: "within the community" counts cases
closed at the grid or the community, "within the street" adds the street.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count

from gridgov.structure.codes import subtree_q

from ..models import Case, Level, Status


@dataclass(frozen=True)
class ResolutionLevels:
    closed: int
    grid: int
    community: int
    street: int
    district: int

    def _share(self, n: int) -> float | None:
        return round(n / self.closed, 4) if self.closed else None

    @property
    def within_grid(self) -> float | None:
        return self._share(self.grid)

    @property
    def within_community(self) -> float | None:
        return self._share(self.grid + self.community)

    @property
    def within_street(self) -> float | None:
        return self._share(self.grid + self.community + self.street)


def resolution_levels(unit_code: str, start: dt.datetime | None = None, end: dt.datetime | None = None,
                      cases=None) -> ResolutionLevels:
    """Count the cases located in ``unit_code``'s subtree and closed in [start, end) by level."""
    rows = (cases if cases is not None else Case.objects.all()).filter(subtree_q("unit__code", unit_code),
                                                                      status=Status.CLOSED)
    if start:
        rows = rows.filter(closed_at__gte=start)
    if end:
        rows = rows.filter(closed_at__lt=end)
    counts = dict(rows.values_list("level").annotate(n=Count("pk")).values_list("level", "n"))
    return ResolutionLevels(sum(counts.values()), *(counts.get(level, 0) for level in Level.values))
