"""Units in the API: a unit with its child counts and coverage, and a unit's children."""
from ninja import Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible

from .models import Unit
from .services import child_counts, coverage

router = Router(tags=["structure"])


class CoverageOut(Schema):
    compounds: int
    organisation_covered: int
    work_covered: int
    organisation_share: float | None
    work_share: float | None


class UnitOut(Schema):
    code: str
    kind: str
    name: str
    short_name: str
    parent: str | None
    is_village: bool
    center_lat: float | None
    center_lng: float | None


class UnitDetailOut(UnitOut):
    child_counts: dict[str, int]
    coverage: CoverageOut


def _unit_out(unit: Unit) -> dict:
    return {
        "code": unit.code, "kind": unit.kind, "name": unit.name, "short_name": unit.short_name,
        "parent": unit.code[: len(unit.code) - 3] if unit.parent_id else None,
        "is_village": unit.is_village, "center_lat": unit.center_lat, "center_lng": unit.center_lng,
    }


@router.get("/{code}", response=UnitDetailOut)
def unit_detail(request, code: str):
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=code)
    return {**_unit_out(unit), "child_counts": child_counts(unit), "coverage": coverage(unit).as_dict()}


@router.get("/{code}/children", response=list[UnitOut])
def unit_children(request, code: str):
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=code)
    return [_unit_out(child) for child in visible(request.user, unit.children.all())]
