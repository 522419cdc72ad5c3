"""Service orders: 点单 (a resident orders), 派单 (the community accepts and dispatches or publishes),
接单 (a volunteer takes it), check-in/out, verification (the record and its postings) and rating.
Every step is one transition: the order's row lock, scope and role re-checked, the journal entry."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.workdays.services import add_working_days

from ..actions import VolunteeringAction as A
from ..models import (
    OrderStatus as S,
)
from ..models import (
    ServiceItem,
    ServiceOrder,
    Team,
    Volunteer,
    VolunteerStatus,
)
from .common import (
    MINUTES,
    community_of,
    may_order_for,
    person_balance,
    person_of,
    plain,
    require_staff,
    settings_for,
    volunteer_of,
    whole_amount,
)
from .records import make_record

transition = journal.transition(ServiceOrder, visible=visible, related=("community", "item", "resident"))


def _due(start: dt.datetime, days: Decimal) -> dt.datetime:
    return add_working_days(start, float(days))


def _step(order, actor, action, to_status, *, note="", data=None, at=None):
    from_status = order.status
    order.status = to_status
    order.save()
    journal.append(order, actor, action, from_status=from_status, to_status=to_status, note=note, data=data, at=at)


def _require(order, *states, message):
    if order.status not in states:
        raise InvalidTransition(message)


def place_order(actor, *, item: ServiceItem, resident=None, description: str = "", address: str = "",
                wanted_at: dt.datetime | None = None, pay_with_minutes: bool = False) -> ServiceOrder:
    """A resident orders ``item`` from their community's menu (or a grid worker or the staff on
    their behalf, naming ``resident``)."""
    resident = resident or person_of(actor)
    if resident is None:
        raise PermissionDenied(_("Only a resident with a personal account may order a service."))
    if not may_order_for(actor, resident):
        raise PermissionDenied(_("You may order services only for yourself or for residents in your care."))
    community = community_of(resident)
    if item.community_id != community.pk or not item.active:
        raise ValidationError(_("Order from the menu of your own community."))
    if pay_with_minutes:
        if not item.care:
            raise ValidationError(_("Only care services can be paid with time-bank minutes."))
        held = person_balance(resident, MINUTES)
        if held < item.estimated_minutes:
            raise ValidationError(
                _("Your time bank holds %(held)d minutes; this service needs about %(needed)d.")
                % {"held": held, "needed": item.estimated_minutes})
    now = clock.now()
    rules = settings_for(community.district_code)
    with transaction.atomic():
        order = ServiceOrder.objects.create(
            community=community, item=item, resident=resident, ordered_by=actor,
            description=plain(description, _("Description"), 2000), address=plain(address, _("Place"), 200),
            wanted_at=wanted_at, pay_with_minutes=pay_with_minutes, ordered_at=now,
            due_at=_due(now, rules.accept_days))
        journal.append(order, actor, A.ORDER, to_status=S.ORDERED, at=now, data={"item": item.pk})
    return order


@transition
def accept(actor, order):
    require_staff(actor, order.community)
    _require(order, S.ORDERED, message=_("Only a new order can be accepted."))
    now = clock.now()
    order.accepted_at = now
    order.due_at = _due(now, settings_for(order.community.district_code).dispatch_days)
    order.reminded = False
    _step(order, actor, A.ACCEPT, S.ACCEPTED, at=now)


@transition
def refuse(actor, order, reason: str):
    require_staff(actor, order.community)
    _require(order, S.ORDERED, S.ACCEPTED, message=_("Only an order not yet dispatched can be refused."))
    reason = plain(reason, _("Reason"), 200)
    if not reason:
        raise ValidationError(_("Say why the order is refused."))
    order.refuse_reason = reason[:200]
    order.closed_at = clock.now()
    order.due_at = None
    _step(order, actor, A.REFUSE, S.REFUSED, note=order.refuse_reason)


@transition
def dispatch(actor, order, *, team: Team | None = None, volunteer: Volunteer | None = None):
    """Dispatch to one team or one volunteer of the order's community (again, to someone else,
    while nobody has taken it)."""
    require_staff(actor, order.community)
    _require(order, S.ACCEPTED, S.DISPATCHED, S.PUBLISHED, message=_("Only an accepted order not yet taken can be dispatched."))
    if (team is None) == (volunteer is None):
        raise ValidationError(_("Dispatch to either a team or a volunteer."))
    if team is not None and (team.community_id != order.community_id or not team.active):
        raise ValidationError(_("Dispatch to an active team of the order's community."))
    if volunteer is not None and (volunteer.community_id != order.community_id or not volunteer.active
                                  or volunteer.status != VolunteerStatus.REGISTERED):
        raise ValidationError(_("Dispatch to a registered, active volunteer of the order's community."))
    now = clock.now()
    order.team, order.assignee = team, volunteer
    order.dispatched_at = order.dispatched_at or now
    order.due_at = _due(now, settings_for(order.community.district_code).take_days)
    order.reminded = False
    _step(order, actor, A.DISPATCH, S.DISPATCHED, at=now,
          data={"team": team.pk if team else None, "volunteer": volunteer.pk if volunteer else None})


@transition
def publish(actor, order):
    """Publish the order for any volunteer of the community to take."""
    require_staff(actor, order.community)
    _require(order, S.ACCEPTED, S.DISPATCHED, message=_("Only an accepted order not yet taken can be published."))
    _publish(order, actor, A.PUBLISH)


def _publish(order, actor, action):
    now = clock.now()
    order.team = order.assignee = None
    order.dispatched_at = order.dispatched_at or now
    order.due_at = _due(now, settings_for(order.community.district_code).take_days)
    order.reminded = False
    _step(order, actor, action, S.PUBLISHED, at=now)


def take(actor, order, *, volunteer: Volunteer | None = None):
    """A volunteer takes the order: one dispatched to them or their team, or a published one. Two
    volunteers at once: the row lock serialises them, the second finds it taken — and, since an
    order taken by someone else leaves the loser's scope, is told so (409) rather than "not found"
    when it is an order of their own community that they could see a moment ago."""
    try:
        return _take(actor, order, volunteer=volunteer)
    except NotFound:
        volunteer = Volunteer.objects.filter(person=person_of(actor), status=VolunteerStatus.REGISTERED,
                                             active=True).first() if person_of(actor) else None
        if volunteer is not None and ServiceOrder.objects.filter(pk=order.pk, community=volunteer.community_id) \
                .exclude(status__in=[S.DISPATCHED, S.PUBLISHED]).exists():
            raise InvalidTransition(_("This order is no longer open: someone has taken it.")) from None
        raise


@transition
def _take(actor, order, *, volunteer: Volunteer | None = None):
    volunteer = _acting_volunteer(actor, order.community, volunteer)
    _require(order, S.DISPATCHED, S.PUBLISHED, message=_("This order is no longer open: someone has taken it."))
    if order.status == S.DISPATCHED:
        mine = order.assignee_id == volunteer.pk or (
            order.team_id is not None and order.team.memberships.filter(volunteer=volunteer).exists())
        if not mine:
            raise PermissionDenied(_("This order was dispatched to someone else."))
    order.taker = volunteer
    order.taken_at = clock.now()
    order.due_at = None
    order.reminded = False
    _step(order, actor, A.TAKE, S.TAKEN, at=order.taken_at, data={"volunteer": volunteer.pk})


def _acting_volunteer(actor, community, volunteer) -> Volunteer:
    """The volunteer the actor is; the platform (``actor=None``, e.g. the demo's replay) names one."""
    if actor is None and volunteer is not None:
        if volunteer.community_id != community.pk or volunteer.status != VolunteerStatus.REGISTERED \
                or not volunteer.active:
            raise PermissionDenied(_("Only registered, active volunteers may do this."))
        return volunteer
    return volunteer_of(actor, community)


def _taker(actor, order) -> Volunteer:
    if actor is None and order.taker_id is not None:
        return order.taker
    person = person_of(actor)
    if order.taker_id is None or person is None or order.taker.person_id != person.pk:
        raise PermissionDenied(_("Only the volunteer who took the order may do this."))
    return order.taker


@transition
def check_in(actor, order, *, latitude: float | None = None, longitude: float | None = None):
    _taker(actor, order)
    _require(order, S.TAKEN, message=_("Check in once, after taking the order."))
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError(_("The position is not a valid latitude and longitude."))
    order.checked_in_at = clock.now()
    order.latitude, order.longitude = latitude, longitude
    _step(order, actor, A.CHECK_IN, S.CHECKED_IN, at=order.checked_in_at,
          data={"lat": latitude, "lng": longitude} if latitude is not None else None)


@transition
def check_out(actor, order):
    _taker(actor, order)
    _require(order, S.CHECKED_IN, message=_("Check in before checking out."))
    order.checked_out_at = clock.now()
    _step(order, actor, A.CHECK_OUT, S.CHECKED_OUT, at=order.checked_out_at)


@transition
def verify(actor, order, minutes):
    """The community confirms the actual minutes: the service record is made and its points (and,
    for care, minutes) posted — all in this one transaction, or nothing."""
    require_staff(actor, order.community)
    if order.status in (S.VERIFIED, S.RATED):
        raise InvalidTransition(_("This service has already been verified; nothing was posted again."))
    _require(order, S.CHECKED_OUT, message=_("A service is verified after the volunteer has checked out."))
    minutes = whole_amount(minutes, _("Minutes"))
    now = clock.now()
    item = order.item
    order.actual_minutes = minutes
    order.verified_at = now
    make_record(actor=actor, volunteer=Volunteer.objects.select_related("person__unit").get(pk=order.taker_id),
                community=order.community, title=item.name, day=timezone.localdate(now), minutes=minutes,
                points=item.points_for(minutes), care=item.care, order=order,
                minutes_from=order.resident if order.pay_with_minutes else None)
    _step(order, actor, A.VERIFY, S.VERIFIED, at=now, data={"minutes": minutes})


@transition
def rate(actor, order, rating, comment: str = ""):
    person = person_of(actor)
    if actor is not None and (person is None or person.pk != order.resident_id):
        raise PermissionDenied(_("Only the resident who ordered the service may rate it."))
    _require(order, S.VERIFIED, message=_("A service is rated once, after it is verified."))
    rating = whole_amount(rating, _("The rating"), minimum=1, maximum=5)
    order.rating = rating
    order.comment = plain(comment, _("Comment"), 500)
    order.rated_at = clock.now()
    order.records.update(rating=rating)
    _step(order, actor, A.RATE, S.RATED, note=order.comment, data={"rating": rating}, at=order.rated_at)


@transition
def cancel(actor, order):
    person = person_of(actor)
    if not (actor is None or (person is not None and person.pk == order.resident_id)
            or order.ordered_by_id == actor.pk):
        raise PermissionDenied(_("Only the resident who ordered the service may cancel it."))
    _require(order, S.ORDERED, S.ACCEPTED, S.DISPATCHED, S.PUBLISHED,
             message=_("An order can be cancelled only before a volunteer takes it."))
    order.closed_at = clock.now()
    order.due_at = None
    _step(order, actor, A.CANCEL, S.CANCELLED)


# -- the deadline watch ----------------------------------------------------------------------------
@transition
def _remind(actor, order, now):
    if order.due_at is None or order.due_at > now or order.reminded:
        return
    if order.status == S.DISPATCHED:
        # Not taken in time by those it was dispatched to: open it to every volunteer.
        _publish(order, None, A.REPUBLISH)
        return
    if order.status in (S.ORDERED, S.ACCEPTED, S.PUBLISHED):
        order.reminded = True
        order.save(update_fields=["reminded"])
        journal.append(order, None, A.REMIND, from_status=order.status, to_status=order.status, at=now,
                       data={"due_at": order.due_at.isoformat()})


def tick(now=None) -> str:
    """One round of the worker: remind about orders past their accepting, dispatching or taking
    deadline (once per deadline), and publish again an order dispatched but not taken in time."""
    now = now or clock.now()
    due = ServiceOrder.objects.filter(due_at__lte=now, reminded=False,
                                      status__in=[S.ORDERED, S.ACCEPTED, S.DISPATCHED, S.PUBLISHED])
    count = 0
    for order in due.only("pk"):
        _remind(None, order, now)
        count += 1
    return f"{count} order(s) past a deadline"
