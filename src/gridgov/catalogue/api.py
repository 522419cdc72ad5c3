"""The matter catalogue (事项清单) in the API: the categories a report is filed under, with who
handles them and how fast. The catalogue is shared by every district and is not personal data, so
every signed-in user may read it."""
from django.db.models import Exists, OuterRef, Q
from ninja import Field, Query, Router, Schema

from gridgov.core.api import errors

from .models import Category, parent_code_of

router = Router(tags=["catalogue"])


class CategoryFilters(Schema):
    leaves: bool = Field(False, description="Only the specific categories a case can be filed under.")
    grid_list: bool = Field(False, description="Only matters on the grid matter list (网格事项清单).")
    parent: str | None = Field(None, pattern=r"^(\d{2}){1,2}$", description="Only the children of this category.")
    q: str | None = Field(None, max_length=50, description="Part of the name, the plain-language name or a keyword.")


class CategoryOut(Schema):
    code: str
    name: str
    plain_name: str = Field(..., description="The wording a resident picks, e.g. 路灯不亮.")
    parent: str | None
    is_leaf: bool
    handling_level: str
    handling_level_label: str
    lead_department: str = Field(..., description="The lead department's code; each district has its own department.")
    assisting_departments: list[str]
    response_limit_hours: int
    resolution_limit_days: float = Field(..., description="In working days.")
    on_grid_list: bool
    needs_verification: bool
    urgency: str

    @staticmethod
    def resolve_parent(obj):
        return parent_code_of(obj.code) or None

    @staticmethod
    def resolve_is_leaf(obj):
        return not obj.has_children

    @staticmethod
    def resolve_handling_level_label(obj):
        return str(obj.get_handling_level_display())


@router.get("", response={200: list[CategoryOut], **errors(401, 422)})
def list_categories(request, filters: Query[CategoryFilters]):
    """The active categories in code order (a few hundred at most: not paginated)."""
    categories = Category.objects.filter(active=True).annotate(
        has_children=Exists(Category.objects.filter(parent=OuterRef("pk"))))
    if filters.leaves:
        categories = categories.filter(has_children=False)
    if filters.grid_list:
        categories = categories.filter(on_grid_list=True)
    if filters.parent:
        categories = categories.filter(parent__code=filters.parent)
    if filters.q:
        categories = categories.filter(Q(name__icontains=filters.q) | Q(plain_name__icontains=filters.q)
                                       | Q(keywords__icontains=filters.q))
    return categories.order_by("code")
