"""People in the API: always masked; the unmasked value only through the logged reveal action."""
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .models import Person

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: str | None
    unit: str
    id_number: str
    phone: str
    special_groups: list[str]
    is_party_member: bool

    @staticmethod
    def resolve_birth_date(obj):
        return obj.birth_date.isoformat() if obj.birth_date else None

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


@router.get("", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_persons(request, unit: str | None = None):
    people = visible(request.user, Person.objects.select_related("unit").prefetch_related("special_groups"))
    if unit:
        get_visible_or_404(request.user, Unit.objects.all(), code=unit)
        people = people.filter(subtree_q("unit__code", unit))
    return people
