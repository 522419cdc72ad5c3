"""The needs list and the resources list (需求清单、资源清单) of a community. Resource units'
pledges (双报到, ``reportin.Pledge``) are listed as resources by one step of the staff."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.reportin.models import Pledge, PledgeKind

from ..actions import MicroprojectAction as A
from ..models import ListEntry, Need, NeedSource, NeedStatus, ProviderKind, Resource, ResourceKind
from .common import money, plain, require_staff

#: How a pledged kind of resource is listed.
PLEDGE_KINDS = {PledgeKind.VENUE: ResourceKind.VENUE, PledgeKind.FUNDS: ResourceKind.FUNDS,
                PledgeKind.EQUIPMENT: ResourceKind.MATERIALS, PledgeKind.SERVICES: ResourceKind.SKILLS,
                PledgeKind.SKILLS: ResourceKind.SKILLS}


def check_community(community) -> None:
    if community is None or community.kind != "community":
        raise ValidationError(_("Choose a community."))


def check_place(community, unit=None, compound=None) -> None:
    """A place must lie inside the community: a unit of its subtree, or one of its compounds."""
    if unit is not None and not unit.code.startswith(community.code):
        raise ValidationError(_("The place must lie inside the community."))
    if compound is not None and compound.community_id != community.pk:
        raise ValidationError(_("The compound must belong to the community."))


def create_need(actor, *, community, title: str, description: str = "", households=0, place_unit=None,
                place_compound=None, source: str = NeedSource.STAFF, source_ref: str = "") -> Need:
    """Add a need to the community's list (staff), from a source or from the staff themselves."""
    check_community(community)
    require_staff(actor, community)
    check_place(community, place_unit, place_compound)
    if source not in NeedSource.values:
        raise ValidationError(_("Choose where the need comes from."))
    source_ref = plain(source_ref, _("Source reference"), 1000)
    if source != NeedSource.STAFF and not source_ref:
        raise ValidationError(_("Name the source of the need."))
    try:
        households = int(households)
    except (TypeError, ValueError):
        raise ValidationError(_("Households affected must be a whole number.")) from None
    if not 0 <= households <= 100000:
        raise ValidationError(_("Households affected must be between 0 and 100000."))
    with transaction.atomic():
        need = Need.objects.create(
            community=community, title=plain(title, _("Title"), 120, required=True),
            description=plain(description, _("Description"), 4000), households=households, place_unit=place_unit,
            place_compound=place_compound, source=source, source_ref=source_ref, created_by=actor,
            created_at=clock.now())
        journal.append(need, actor, A.CREATE, journal=ListEntry, to_status=need.status,
                       data={"source": source, "ref": source_ref})
    return need


def close_need(actor, need: Need, reason: str) -> Need:
    """Close an open need unmet, saying why."""
    reason = plain(reason, _("Reason"), 200, required=True)
    with transaction.atomic():
        need = visible(actor, Need.objects.select_for_update(of=("self",)).select_related("community")).get(pk=need.pk) \
            if actor is not None else Need.objects.select_for_update().get(pk=need.pk)
        require_staff(actor, need.community)
        if need.status != NeedStatus.OPEN:
            raise InvalidTransition(_("Only an open need can be closed unmet."))
        need.status, need.close_reason = NeedStatus.CLOSED, reason
        need.save(update_fields=["status", "close_reason"])
        journal.append(need, actor, A.CLOSE_UNMET, journal=ListEntry, from_status=NeedStatus.OPEN,
                       to_status=NeedStatus.CLOSED, note=reason)
    return need


def _window(available_from, available_until):
    for value in (available_from, available_until):
        if value is not None and not isinstance(value, dt.date):
            raise ValidationError(_("Enter a valid date."))
    if available_from and available_until and available_until < available_from:
        raise ValidationError(_("A resource's availability must end after it starts."))


def add_resource(actor, *, community, kind: str, title: str, provider_kind: str, provider_name: str,
                 provider_person=None, quantity: str = "", amount=None, available_from=None,
                 available_until=None) -> Resource:
    """Add a venue, fund, skill or material to the community's resources list (staff). A resident
    unit's pledge is listed with :func:`list_pledge` instead."""
    check_community(community)
    require_staff(actor, community)
    if kind not in ResourceKind.values:
        raise ValidationError(_("Choose a kind of resource."))
    if provider_kind not in (ProviderKind.PERSON, ProviderKind.UNIT):
        raise ValidationError(_("The provider is a person or a unit."))
    _window(available_from, available_until)
    with transaction.atomic():
        resource = Resource.objects.create(
            community=community, kind=kind, title=plain(title, _("Title"), 120, required=True),
            provider_kind=provider_kind, provider_name=plain(provider_name, _("Provider"), 100, required=True),
            provider_person=provider_person, quantity=plain(quantity, _("Quantity"), 60),
            amount=money(amount, _("Amount")) if amount not in (None, "") else None,
            available_from=available_from, available_until=available_until, created_at=clock.now())
        journal.append(resource, actor, A.CREATE, journal=ListEntry, data={"kind": kind})
    return resource


def unlisted_pledges(community):
    """The community's resident units' standing pledges not yet on its resources list."""
    return (Pledge.objects.filter(unit__community=community, withdrawn=False, resource__isnull=True)
            .select_related("unit").order_by("pk"))


def list_pledge(actor, pledge: Pledge) -> Resource:
    """List a resident unit's pledge (双报到) as a resource of its community (once)."""
    community = pledge.unit.community
    require_staff(actor, community)
    if pledge.withdrawn:
        raise InvalidTransition(_("The pledge was withdrawn."))
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().select_related("unit").get(pk=pledge.pk)
        if Resource.objects.filter(pledge=pledge).exists():
            raise InvalidTransition(_("This pledge is already on the resources list."))
        resource = Resource.objects.create(
            community=community, kind=PLEDGE_KINDS.get(pledge.kind, ResourceKind.MATERIALS),
            title=pledge.description[:120], provider_kind=ProviderKind.PLEDGE, provider_name=pledge.unit.name[:100],
            pledge=pledge, quantity=pledge.quantity[:60], available_from=dt.date(pledge.year, 1, 1),
            available_until=dt.date(pledge.year, 12, 31), created_at=clock.now())
        journal.append(resource, actor, A.CREATE, journal=ListEntry, data={"pledge": pledge.pk})
    return resource

