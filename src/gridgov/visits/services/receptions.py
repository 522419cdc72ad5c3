"""Reception hours (定时接待) and the walk-ins received: who came, their matter, the case filed from
it (the case engine's filing). Promises made at a reception are ``promises.make(reception=…)``."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.models import Channel
from gridgov.cases.services.filing import through_intake
from gridgov.core import journal
from gridgov.core.errors import InvalidTransition

from ..actions import VisitsAction as A
from ..models import Reception, ReceptionHours, SetupEntry, VisitorKind
from .common import community_of, district_of, is_cadre, is_staff, past_moment, plain, require_staff


def save_hours(actor, *, unit, weekday: int, starts: dt.time, ends: dt.time, place: str, host=None,
               active: bool = True, hours: ReceptionHours | None = None) -> ReceptionHours:
    """Add (or change) a community's reception hours; its staff only."""
    community = community_of(unit)
    require_staff(actor, community)
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValidationError(_("Choose a weekday."))
    if not (isinstance(starts, dt.time) and isinstance(ends, dt.time)) or starts >= ends:
        raise ValidationError(_("The reception must end after it starts."))
    place = plain(place, _("Place"), 200, required=True)
    with transaction.atomic():
        created = hours is None
        if hours is not None:
            hours = ReceptionHours.objects.select_for_update().get(pk=hours.pk)
            require_staff(actor, hours.unit)
        hours = hours or ReceptionHours()
        hours.unit, hours.weekday, hours.starts, hours.ends = community, weekday, starts, ends
        hours.place, hours.host, hours.active = place, host, active
        hours.save()
        journal.append(hours, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry,
                       data={"weekday": weekday, "starts": starts.isoformat(), "ends": ends.isoformat(),
                             "place": place, "host": host.pk if host else None, "active": active})
    return hours


def receive(actor, *, unit, matter: str, person=None, visitor_name: str = "", hours: ReceptionHours | None = None,
            at: dt.datetime | None = None) -> Reception:
    """Record a walk-in at a community's reception (its staff, or a leading cadre)."""
    community = community_of(unit)
    cadre = is_cadre(actor)
    if not (cadre or is_staff(actor, community)):
        raise PermissionDenied(_("Only the community's staff or a leading cadre may record a reception."))
    matter = plain(matter, _("Matter"), 2000, required=True)
    visitor_name = plain(visitor_name, _("Name of the visitor"), 50)
    if person is None and not visitor_name:
        raise ValidationError(_("Say who came: a registered person or a name."))
    if hours is not None and hours.unit_id != community.pk:
        raise ValidationError(_("Choose reception hours of this community."))
    moment = past_moment(at, _("The reception time"))
    with transaction.atomic():
        reception = Reception.objects.create(
            unit=community, hours=hours, received_by=actor, at=moment, person=person, visitor_name=visitor_name,
            matter=matter, visitor_kind=VisitorKind.LEADING_CADRE if cadre else VisitorKind.STAFF)
        journal.append(reception, actor, A.RECEIVE, journal=SetupEntry, note=matter[:200])
    return reception


def file_case(actor, reception: Reception, *, category, title: str = "", description: str = "") -> Reception:
    """File the walk-in's matter as a case (channel "other", numbered ``reception:<id>``)."""
    if category is None:
        raise ValidationError(_("Choose the case's category."), code="category")
    with transaction.atomic():
        reception = Reception.objects.select_for_update().select_related("unit").get(pk=reception.pk)
        if actor.pk != reception.received_by_id and not is_staff(actor, reception.unit):
            raise PermissionDenied(_("Only the receiver or the community's staff may do this."))
        if reception.case_id:
            raise InvalidTransition(_("A case was already filed from this reception."))
        title = plain(title, _("Title"), 100) or _("Reception: %(who)s") % {"who": reception.who}
        case = through_intake(district=district_of(reception.unit), channel=Channel.OTHER, title=title,
                              category=category, description=plain(description, _("Description"), 2000) or reception.matter,
                              reported_by=actor, unit=reception.unit, external_id=f"reception:{reception.pk}")
        reception.case = case
        reception.save(update_fields=["case"])
        journal.append(reception, actor, A.FILE_CASE, journal=SetupEntry, data={"case": case.code})
    return reception
