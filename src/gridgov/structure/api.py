"""Structure in the API: a unit with its child counts and coverage, a unit's children, and the
departments of the caller's district(s)."""
from ninja import Path, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors

from .codes import parent_code
from .models import Department, Unit
from .services import child_counts, coverage

# A unit code in a URL: anything else is refused with a 422 before reaching the database.
UnitCode = Path[str, {"pattern": r"^\d{6,18}$", "description": "A unit code: 6, 9, 12, 15 or 18 digits."}]

units_router = Router(tags=["structure"])
departments_router = Router(tags=["structure"])


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

    @staticmethod
    def resolve_parent(obj):
        return parent_code(obj.code)


class UnitDetailOut(UnitOut):
    child_counts: dict[str, int]
    coverage: CoverageOut

    @staticmethod
    def resolve_child_counts(obj):
        return child_counts(obj)

    @staticmethod
    def resolve_coverage(obj):
        return coverage(obj).as_dict()


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    district: str

    @staticmethod
    def resolve_district(obj):
        return obj.district.code


@units_router.get("/{code}", response={200: UnitDetailOut, **errors(401, 404, 422)})
def unit_detail(request, code: UnitCode):
    """A unit in the caller's scope, how many units of each kind lie below it, and the "两个覆盖"
    (organisation and work coverage) of its compounds. The scope is a set of whole subtrees, so
    the counts never include a unit the caller could not open."""
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


@units_router.get("/{code}/children", response={200: list[UnitOut], **errors(401, 404, 422)})
def unit_children(request, code: UnitCode):
    """The units directly below a unit in the caller's scope (a few dozen at most: not paginated)."""
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=code)
    return visible(request.user, unit.children.all())


@departments_router.get("", response={200: list[DepartmentOut], **errors(401)})
def list_departments(request):
    """The functional departments of the districts the caller works or lives in."""
    return visible(request.user, Department.objects.select_related("district"))
