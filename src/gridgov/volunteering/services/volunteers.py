"""Registering volunteers with their community, and teams (docs/volunteering.md).

:func:`register_volunteer` is public: 双报到 (``reportin``) calls it when an in-service party member
registers with the community they live in."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.structure.models import Unit

from ..actions import VolunteeringAction as A
from ..models import SetupEntry, Team, TeamKind, TeamMembership, Volunteer, VolunteerStatus
from .common import community_of, person_of, plain, require_staff


def _skills(skills: Iterable[str] | str) -> str:
    if isinstance(skills, str):
        skills = skills.split(",")
    text = ",".join(s.strip() for s in skills if s and s.strip())
    if len(text) > 200:
        raise ValidationError(_("The list of skills is too long (200 characters at most)."))
    return text


def _check_community(community) -> Unit:
    if not isinstance(community, Unit) or community.kind != "community":
        raise ValidationError(_("Volunteers register with a community."))
    return community


def register_volunteer(actor, person, *, community, skills=(), party_org_name="") -> Volunteer:
    """Register ``person`` as an active volunteer of ``community`` (by its staff, or by the platform:
    ``actor=None``). Idempotent: an already registered person's volunteer is returned unchanged; a
    pending request is confirmed."""
    _check_community(community)
    require_staff(actor, community)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(person=person).first()
        if volunteer is not None and volunteer.status == VolunteerStatus.REGISTERED and volunteer.active:
            return volunteer
        now = clock.now()
        if volunteer is None:
            volunteer = Volunteer(person=person)
        from_status = volunteer.status if volunteer.pk else ""
        volunteer.community = community
        volunteer.skills = _skills(skills) or volunteer.skills
        volunteer.party_org_name = (party_org_name or volunteer.party_org_name or "")[:100]
        volunteer.status = VolunteerStatus.REGISTERED
        volunteer.active = True
        volunteer.registered_on = timezone.localdate(now) if volunteer.registered_on is None else volunteer.registered_on
        volunteer.save()
        journal.append(volunteer, actor, A.REGISTER, from_status=from_status, to_status=volunteer.status, at=now,
                       data={"community": community.code})
    return volunteer


def request_registration(actor, *, skills=(), party_org_name="") -> Volunteer:
    """A resident or party member asks to volunteer with the community they live in; staff confirm."""
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(_("Only a resident with a personal account may ask to volunteer."))
    community = community_of(person)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(person=person).first()
        if volunteer is not None and volunteer.status == VolunteerStatus.REGISTERED and volunteer.active:
            return volunteer
        if volunteer is not None and volunteer.status == VolunteerStatus.REQUESTED:
            return volunteer
        from_status = volunteer.status if volunteer else ""
        volunteer = volunteer or Volunteer(person=person)
        volunteer.community = community
        volunteer.skills = _skills(skills)
        volunteer.party_org_name = party_org_name[:100]
        volunteer.status = VolunteerStatus.REQUESTED
        volunteer.requested_at = clock.now()
        volunteer.active = True
        volunteer.save()
        journal.append(volunteer, actor, A.REQUEST, from_status=from_status, to_status=volunteer.status)
    return volunteer


@journal.transition(Volunteer, visible=visible, related=("community",))
def confirm(actor, volunteer):
    """Staff confirm a pending request."""
    require_staff(actor, volunteer.community)
    if volunteer.status != VolunteerStatus.REQUESTED:
        from gridgov.core.errors import InvalidTransition

        raise InvalidTransition(_("Only a pending registration can be confirmed."))
    volunteer.status = VolunteerStatus.REGISTERED
    volunteer.registered_on = timezone.localdate(clock.now())
    volunteer.save(update_fields=["status", "registered_on"])
    journal.append(volunteer, actor, A.REGISTER, from_status=VolunteerStatus.REQUESTED, to_status=volunteer.status)


@journal.transition(Volunteer, visible=visible, related=("community",))
def decline(actor, volunteer, reason: str = ""):
    require_staff(actor, volunteer.community)
    if volunteer.status != VolunteerStatus.REQUESTED:
        from gridgov.core.errors import InvalidTransition

        raise InvalidTransition(_("Only a pending registration can be declined."))
    volunteer.status = VolunteerStatus.DECLINED
    volunteer.save(update_fields=["status"])
    journal.append(volunteer, actor, A.DECLINE, from_status=VolunteerStatus.REQUESTED, to_status=volunteer.status,
                   note=reason[:500])


@journal.transition(Volunteer, visible=visible, related=("community",))
def deactivate(actor, volunteer):
    require_staff(actor, volunteer.community)
    if not volunteer.active:
        return
    volunteer.active = False
    volunteer.save(update_fields=["active"])
    journal.append(volunteer, actor, A.DEACTIVATE, from_status=volunteer.status, to_status=volunteer.status)


def create_team(actor, *, community, name: str, kind: str, resident_unit_name: str = "") -> Team:
    _check_community(community)
    require_staff(actor, community)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("A team needs a name."))
    if kind not in TeamKind.values:
        raise ValidationError(_("Unknown kind of team."))
    with transaction.atomic():
        team = Team.objects.create(community=community, name=plain(name, _("Name"), 100), kind=kind,
                                   resident_unit_name=plain(resident_unit_name, _("Resident unit"), 100))
        journal.append(team, actor, A.CREATE, journal=SetupEntry, data={"name": team.name})
    return team


@journal.transition(Volunteer, visible=visible, related=("community",))
def add_to_team(actor, volunteer, team: Team):
    """Staff add a registered volunteer of the team's community to the team (once)."""
    require_staff(actor, team.community)
    if volunteer.community_id != team.community_id:
        raise ValidationError(_("A team's members are volunteers of its community."))
    if volunteer.status != VolunteerStatus.REGISTERED or not volunteer.active:
        raise ValidationError(_("Only registered, active volunteers join a team."))
    _membership, created = TeamMembership.objects.get_or_create(team=team, volunteer=volunteer)
    if created:
        journal.append(volunteer, actor, A.JOIN_TEAM, from_status=volunteer.status, to_status=volunteer.status,
                       data={"team": team.pk})
