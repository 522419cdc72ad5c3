"""The kite plan (风筝计划): mobile party members away from their home branch, the liaison's contact
log, and the online organisation life sessions they attend. The worker tells a liaison once per
threshold (30, then 90 days) of a member not contacted; a new contact starts the count again."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import journal
from gridgov.core.errors import InvalidTransition
from gridgov.people.models import Person
from gridgov.structure.models import PartyMembership

from ..actions import PartyAction as A
from ..models import AttendanceMode, Contact, ContactKind, LifeAttendance, LifeSession, MobileMember, MobileStatus
from .common import a_date, log, not_future, plain, require_party_staff, today
from .members import tree_for

#: The silences (days without contact) a liaison is told of, each once.
THRESHOLDS = (30, 90)

transition = journal.transition(MobileMember, visible=visible, related=("home_org__unit",))


def _member_of(person: Person, org) -> None:
    if not person.is_party_member:
        raise ValidationError(_("%(name)s is not a party member.") % {"name": person.name})
    if not PartyMembership.objects.filter(person=person, org=org).exists():
        raise ValidationError(_("%(name)s does not belong to %(org)s.") % {"name": person.name, "org": org.name})


def register_mobile(actor, *, person: Person, home_org, city: str, since: dt.date, province: str = "",
                    employer: str = "", liaison=None) -> MobileMember:
    """Put a member of ``home_org`` on the kite plan (one record per member)."""
    require_party_staff(actor, home_org)
    _member_of(person, home_org)
    city = plain(city, _("City"), 30, required=True)
    since = not_future(since, _("Away since"))
    with transaction.atomic():
        if MobileMember.objects.filter(person=person).exists():
            raise ValidationError(_("%(name)s is already on the kite plan.") % {"name": person.name})
        mobile = MobileMember.objects.create(person=person, home_org=home_org, city=city, since=since,
                                             province=plain(province, _("Province"), 30),
                                             employer=plain(employer, _("Employer"), 100), liaison=liaison)
        log(mobile, actor, A.REGISTER_MOBILE, to_status=MobileStatus.AWAY, city=city)
    return mobile


def last_contacts(mobiles, until: dt.date | None = None) -> dict[int, dt.date]:
    """Each mobile member's latest contact date (up to ``until``, when given); one query."""
    contacts = Contact.objects.filter(mobile__in=mobiles)
    if until is not None:
        contacts = contacts.filter(on__lte=until)
    return dict(contacts.order_by().values_list("mobile").annotate(last=Max("on")).values_list("mobile", "last"))


def silence(mobile, last: dt.date | None, day: dt.date) -> int:
    """Days without contact on ``day``: since the last contact, or since they left when none."""
    return (day - (last or mobile.since)).days


@transition
def record_contact(actor, mobile, *, kind: str, on: dt.date, note: str = ""):
    require_party_staff(actor, mobile.home_org)
    if kind not in ContactKind.values:
        raise ValidationError(_("Unknown kind of contact."))
    on = not_future(on, _("Contact date"))
    if on < mobile.since:
        raise ValidationError(_("A contact on the kite plan is dated after the member left."))
    contact = Contact.objects.create(mobile=mobile, kind=kind, on=on, note=plain(note, _("Note"), 300),
                                     recorded_by=actor)
    mobile.alerted_days = 0
    mobile.save(update_fields=["alerted_days"])
    log(mobile, actor, A.CONTACT, contact=contact.pk, kind=kind, on=on.isoformat())


@transition
def mark_returned(actor, mobile, *, on: dt.date):
    require_party_staff(actor, mobile.home_org)
    if mobile.status != MobileStatus.AWAY:
        raise InvalidTransition(_("This member has already returned."))
    on = not_future(on, _("Return date"))
    mobile.status, mobile.returned_on = MobileStatus.RETURNED, on
    mobile.save(update_fields=["status", "returned_on"])
    log(mobile, actor, A.RETURN, from_status=MobileStatus.AWAY, to_status=MobileStatus.RETURNED)


@transition
def _alert(actor, mobile, days: int, threshold: int):
    if mobile.status != MobileStatus.AWAY or mobile.alerted_days >= threshold:
        return  # contacted, returned or already told meanwhile
    mobile.alerted_days = threshold
    mobile.save(update_fields=["alerted_days"])
    log(mobile, None, A.NOT_CONTACTED, days=days, threshold=threshold)


def watch_contacts(now) -> int:
    """The worker's round: tell each liaison of members silent past a threshold not yet told of."""
    from django.utils import timezone

    day = timezone.localdate(now)
    away = list(MobileMember.objects.filter(status=MobileStatus.AWAY, alerted_days__lt=THRESHOLDS[-1]))
    lasts = last_contacts(away, day)
    told = 0
    for mobile in away:
        days = silence(mobile, lasts.get(mobile.pk), day)
        reached = max((t for t in THRESHOLDS if days >= t), default=0)
        if reached > mobile.alerted_days:
            _alert(None, mobile, days, reached)
            told += 1
    return told


# -- organisation life (组织生活) -----------------------------------------------------------------
def create_life_session(actor, *, org, on: dt.date, topic: str) -> LifeSession:
    require_party_staff(actor, org)
    topic = plain(topic, _("Topic"), 200, required=True)
    with transaction.atomic():
        session = LifeSession.objects.create(org=org, on=a_date(on, _("Date")), topic=topic)
        log(session, actor, A.CREATE, topic=topic)
    return session


life_transition = journal.transition(LifeSession, visible=visible, related=("org__unit",))


@life_transition
def record_life_attendance(actor, session, *, person: Person, mode: str):
    require_party_staff(actor, session.org)
    if mode not in AttendanceMode.values:
        raise ValidationError(_("Attendance is online or present."))
    if not person.is_party_member:
        raise ValidationError(_("%(name)s is not a party member.") % {"name": person.name})
    own = tree_for([session.org.unit.district_code], [person.pk])
    if person.pk not in own.own or not own.within(own.own[person.pk][0], session.org_id):
        raise ValidationError(_("%(name)s is not a member of %(org)s.") % {"name": person.name, "org": session.org.name})
    if session.on > today():
        raise ValidationError(_("Attendance is recorded once the session has taken place."))
    try:
        with transaction.atomic():
            LifeAttendance.objects.create(session=session, person=person, mode=mode)
    except IntegrityError:
        raise ValidationError(_("%(name)s's attendance is already recorded.") % {"name": person.name}) from None
    log(session, actor, A.ATTEND, person=person.pk, mode=mode)


