"""Whether each community has the floor area its standards require (001: a community's party-and-
people service centre of at least 500 m², or 30 m² per 100 households, whichever is larger).

A community's provision of a kind is the floor area of the kind's facilities in service that serve
the community or a grid in it; the requirement is the larger of the kind's minimum and its area per
100 households × the community's households ÷ 100. A kind without an area standard is not checked.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from gridgov.structure import codes
from gridgov.structure.models import Household, Unit, UnitKind

from ..models import Facility, FacilityKind


@dataclass(frozen=True)
class Compliance:
    community: Unit
    kind: FacilityKind
    households: int
    required: Decimal
    provided: Decimal
    facilities: int

    @property
    def meets(self) -> bool:
        return self.facilities > 0 and self.provided >= self.required

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.required - self.provided)


def required(kind: FacilityKind, households: int) -> Decimal:
    per = (kind.area_per_100_households or Decimal(0)) * households / 100
    return max(kind.min_area or Decimal(0), per).quantize(Decimal("0.1"))


def of_communities(communities: list[Unit]) -> list[Compliance]:
    """Every (community, kind with an area standard) of the communities' districts, in code and kind order."""
    if not communities:
        return []
    districts = {c.district_code for c in communities}
    kinds = [k for k in FacilityKind.objects.filter(district__code__in=districts, active=True).select_related("district")
             if k.has_area_standard]
    households = codes.per_subtree(Household.objects.all(), "building__microgrid__code",
                                   [c.code for c in communities], n=Count("pk"))
    provided = defaultdict(lambda: [Decimal(0), 0])
    rows = Facility.objects.filter(active=True, kind__in=kinds, unit__kind__in=[UnitKind.COMMUNITY, UnitKind.GRID],
                                   district_code__in=districts).values("kind", "unit__code") \
        .annotate(area=Sum("floor_area"), n=Count("pk"))
    for row in rows:
        community = codes.prefix(row["unit__code"], "community")
        provided[(community, row["kind"])][0] += Decimal(row["area"] or 0).quantize(Decimal("0.1"))
        provided[(community, row["kind"])][1] += row["n"]
    return [Compliance(community=c, kind=k, households=households[c.code]["n"],
                       required=required(k, households[c.code]["n"]),
                       provided=provided[(c.code, k.pk)][0], facilities=provided[(c.code, k.pk)][1])
            for c in sorted(communities, key=lambda u: u.code) for k in kinds if k.district.code == c.district_code]


def of_unit(unit: Unit) -> list[Compliance]:
    """The compliance of every community in ``unit`` (the community itself, or those below a street
    or district; the community holding a grid)."""
    if unit.kind in (UnitKind.GRID, UnitKind.MICROGRID):
        unit = Unit.objects.get(code=codes.prefix(unit.code, "community"))
    if unit.kind == UnitKind.COMMUNITY:
        return of_communities([unit])
    return of_communities(list(unit.subtree().filter(kind=UnitKind.COMMUNITY).defer("boundary")))
