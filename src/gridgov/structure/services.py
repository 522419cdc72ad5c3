"""Rules about the structure that views, the API and commands share."""
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from gridgov.core.stamps import StampedCache

from . import codes
from .models import Compound, PartyOrg, Unit, UnitKind

#: The stamp (``core.stamps``) raised whenever a unit, compound or building is saved or deleted:
#: what the per-process indexes built from places (the case engine's spatial index, intake's
#: address index) watch.
PLACES_STAMP = "structure.places"


def _district_units(district_code: str) -> dict[str, Unit]:
    return {unit.code: unit for unit in Unit.objects.filter(district_code=district_code).defer("boundary")}


_units = StampedCache(PLACES_STAMP, _district_units)


def unit_by_code(code: str) -> Unit | None:
    """The unit with ``code``, from this process's copy of its district's units, kept until the
    places' stamp moves: a report reads its district, its located unit and its queue thousands of
    times a day without a query. The copy is shared by the process's threads — read it, never
    change or save it (its boundary is not loaded: ``Unit.objects`` has it)."""
    return _units.get(codes.prefix(code, "district") or code).get(code)


def compounds_in(unit: Unit):
    """Compounds inside a unit: by their grid for grid and above, by their buildings for a micro-grid."""
    if unit.kind == UnitKind.MICROGRID:
        return Compound.objects.filter(buildings__microgrid=unit).distinct()
    return Compound.objects.filter(codes.subtree_q("grid__code", unit.code))


@dataclass(frozen=True)
class Coverage:
    """"两个覆盖" of a unit's compounds: organisation coverage and work coverage."""

    compounds: int
    organisation_covered: int
    work_covered: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def organisation_share(self) -> float | None:
        return self._share(self.organisation_covered, self.compounds)

    @property
    def work_share(self) -> float | None:
        return self._share(self.work_covered, self.compounds)

    def as_dict(self) -> dict:
        return {
            "compounds": self.compounds,
            "organisation_covered": self.organisation_covered,
            "work_covered": self.work_covered,
            "organisation_share": self.organisation_share,
            "work_share": self.work_share,
        }


def coverage(unit: Unit) -> Coverage:
    """Count a unit's compounds covered by a party organisation (organisation coverage) and those
    where a party organisation or an assigned party-building instructor works (work coverage)."""
    has_org = Exists(PartyOrg.compounds.through.objects.filter(compound_id=OuterRef("pk")))
    figures = compounds_in(unit).annotate(has_org=has_org).aggregate(
        total=Count("pk"),
        organisation=Count("pk", filter=Q(has_org=True)),
        work=Count("pk", filter=Q(has_org=True) | Q(instructor__isnull=False)),
    )
    return Coverage(figures["total"], figures["organisation"], figures["work"])


def child_counts(unit: Unit) -> dict[str, int]:
    """How many units of each kind lie below ``unit`` (the unit itself not counted)."""
    rows = unit.subtree().exclude(pk=unit.pk).values("kind").annotate(n=Count("pk"))
    found = {row["kind"]: row["n"] for row in rows}
    below = codes.KIND_ORDER[codes.KIND_ORDER.index(unit.kind) + 1:]
    return {kind: found.get(kind, 0) for kind in below}
