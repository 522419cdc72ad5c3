"""In-service party members (在职党员): registered each year with the community they live in —
checked against the household register —, with their employer's party organisation, where the
service report goes. Registering makes them volunteers (volunteering's public service)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.people.models import Person
from gridgov.structure import codes
from gridgov.structure.models import PartyMembership, Unit
from gridgov.structure.models import UnitKind as PlaceKind

from ..actions import ReportinAction
from ..models import EmployerOrg, MemberRegistration, MemberState, ResidentUnit
from . import records
from .access import is_staff, require_staff, this_year
from .journaling import record, transition
from .units import _clean, _year


def is_party_member(person: Person) -> bool:
    return person.is_party_member or PartyMembership.objects.filter(person=person).exists()


def home_community_code(person: Person) -> str | None:
    """The community of the person's household in the household register (None without one)."""
    if person.household_id is None:
        return None
    return codes.prefix(person.household.building.microgrid.code, "community")


def add_employer_org(actor, community: Unit, *, employer_name: str, name: str, contact: str = "",
                     resident_unit: ResidentUnit | None = None) -> EmployerOrg:
    """Add an employer's party organisation to the community's list (staff)."""
    require_staff(actor, community)
    employer_name = _clean(employer_name, "employer_name", limit=100)
    name = _clean(name, "name", limit=120)
    contact = _clean(contact, "contact", required=False, limit=120)
    if resident_unit is not None and resident_unit.community_id != community.pk:
        raise ValidationError({"resident_unit": _("The resident unit belongs to another community.")})
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=community.pk).first()
        if EmployerOrg.objects.filter(community=community, name=name).exists():
            raise ValidationError({"name": _("This party organisation is already on the community's list.")})
        org = EmployerOrg.objects.create(community=community, employer_name=employer_name, name=name, contact=contact,
                                         resident_unit=resident_unit, created_at=clock.now())
        record(org, actor, ReportinAction.ADD_EMPLOYER, data={"employer": employer_name, "name": name})
    return org


def register_member(actor, person: Person, *, community: Unit, employer_org: EmployerOrg,
                    year=None) -> MemberRegistration:
    """Register ``person`` as an in-service party member with ``community`` for ``year``.

    Refused unless the person is a party member whose household (the household register) lies in
    that community, the employer's organisation is on that community's list, and the person has no
    registration for that year yet. The community's staff register anyone; a party member registers
    themself."""
    own = actor is not None and person.user_id is not None and person.user_id == actor.pk
    if not (own or is_staff(actor, community)):
        raise PermissionDenied(_("Only the community's staff, or the member themself, may register a member."))
    if community.kind != PlaceKind.COMMUNITY:
        raise ValidationError({"community": _("A member registers with a community.")})
    year = _year(year)
    with transaction.atomic():
        person = (Person.objects.select_for_update(of=("self",)).select_related("household__building__microgrid")
                  .get(pk=person.pk))
        if not is_party_member(person):
            raise ValidationError({"person": _("%(name)s is not a party member.") % {"name": person.name}})
        home = home_community_code(person)
        if home != community.code:
            raise ValidationError({"community": _(
                "The household register does not place %(name)s in %(community)s: a member registers with the "
                "community they live in.") % {"name": person.name, "community": community.short_name}})
        if employer_org.community_id != community.pk:
            raise ValidationError({"employer_org": _("The employer's organisation is not on this community's list.")})
        if MemberRegistration.objects.filter(person=person, year=year).exists():
            raise ValidationError({"year": _("%(name)s is already registered for %(year)d.")
                                   % {"name": person.name, "year": year}})
        registration = MemberRegistration.objects.create(person=person, community=community, year=year,
                                                         employer_org=employer_org, registered_at=clock.now())
        record(registration, actor, ReportinAction.REGISTER_MEMBER, to_status=registration.state,
               data={"year": year, "employer_org": employer_org.pk})
        # The member's own registration makes them a volunteer as the platform (the checks above are done).
        records.register_volunteer(actor if is_staff(actor, community) else None, person, community=community,
                                   party_org_name=employer_org.name)
    return registration


def renew_member(actor, registration: MemberRegistration, year=None) -> MemberRegistration:
    """Register the member again for ``year`` (default: this year) with the same employer."""
    if registration.year >= (year or this_year()):
        raise InvalidTransition(_("A renewal is for a later year than the registration's."), code="state")
    return register_member(actor, registration.person, community=registration.community,
                           employer_org=registration.employer_org, year=year)


@transition(MemberRegistration, related=("community",))
def end_member(actor, registration, note: str = ""):
    """End a registration (the member moved away, or left the employer)."""
    require_staff(actor, registration.community)
    if registration.state != MemberState.ACTIVE:
        raise InvalidTransition(_("The registration has already ended."), code="state")
    registration.state = MemberState.ENDED
    registration.save(update_fields=["state"])
    record(registration, actor, ReportinAction.END_MEMBER, from_status=MemberState.ACTIVE,
           to_status=registration.state, note=_clean(note, "note", required=False))


def person_for(actor, person_id: int) -> Person:
    """The person to register, among those ``actor`` may see (else NotFound)."""
    person = visible(actor, Person.objects.select_related("household__building__microgrid")).filter(pk=person_id).first()
    if person is None:
        raise NotFound
    return person
