"""People in the API: always masked; the unmasked value only through the logged reveal action.
Every answer here carries personal data and is sent ``no_store``. There is no search by number:
that is the web's logged, limited POST (``people.services.search_by_number``)."""
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.pagination import LimitOffsetPagination, paginate

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .caching import no_store
from .models import Person
from .services import reveal

router = Router(tags=["people"])


class Pages(LimitOffsetPagination):
    """Limit/offset pages with bounds. The offset bound is far above any district's population
    and far below what the databases take (an offset past 2**63 overflows SQLite and PostgreSQL
    and would answer 500 instead of 422)."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=200)
        offset: int = Field(0, ge=0, le=10**9)


class PersonFilters(Schema):
    unit: str | None = Field(None, pattern=r"^\d{6,18}$", description="A unit code: people living in its subtree.")
    special_group: str | None = Field(None, max_length=40, description="A special group's code.")
    q: str | None = Field(None, max_length=50, description="Part of the name.")


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_decade: int | None = Field(..., description="1960 for 1960–1969. Never the birth date: it is part of "
                                     "the ID number and would complete its mask.")
    unit: str
    id_number: str
    phone: str
    special_groups: list[str]
    is_party_member: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_id_number(obj):
        return obj.masked_id_number

    @staticmethod
    def resolve_phone(obj):
        return obj.masked_phone

    @staticmethod
    def resolve_special_groups(obj):
        return [group.code for group in obj.special_groups.all()]


class PersonDetailOut(PersonOut):
    household: str | None

    @staticmethod
    def resolve_household(obj):
        return str(obj.household) if obj.household else None


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    reason: PlainText = Field(..., max_length=200, description="Why the number is needed; kept in the reveal log.")


class RevealOut(Schema):
    field: str
    value: str


def _persons():
    return Person.objects.select_related("unit").prefetch_related("special_groups")


@router.get("", response={200: list[PersonOut], **errors(401, 404, 422)})
@decorate_view(no_store)
@paginate(Pages)
def list_persons(request, filters: Query[PersonFilters]):
    """People in the caller's scope, masked, in a stable order (unit, name, id) so pages do not
    overlap. ``unit`` must be a unit the caller may open: another unit answers 404."""
    people = visible(request.user, _persons()).order_by("unit__code", "name", "pk")
    if filters.unit:
        get_visible_or_404(request.user, Unit.objects.all(), code=filters.unit)
        people = people.filter(subtree_q("unit__code", filters.unit))
    if filters.special_group:
        people = people.filter(special_groups__code=filters.special_group)
    if filters.q:
        people = people.filter(name__icontains=filters.q)
    return people


@router.get("/{person_id}", response={200: PersonDetailOut, **errors(401, 404, 422)})
@decorate_view(no_store)
def person_detail(request, person_id: int):
    return get_visible_or_404(request.user, _persons().select_related("household__building__compound"), pk=person_id)


@router.post("/{person_id}/reveal", response={200: RevealOut, **errors(400, 401, 403, 404, 422)})
@decorate_view(no_store)
def reveal_number(request, person_id: int, body: RevealIn):
    """The unmasked ID or phone number, logged with the reason (see ``people.services.reveal``)."""
    return {"field": body.field, "value": reveal(request.user, person_id, body.field, body.reason)}
