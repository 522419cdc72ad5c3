"""Who should hear of a step of a service order, and what they are told: for the inbox to call from
its ``journal.changed`` listener (``sender=ServiceOrder``). Volunteering cannot import the inbox (it
sits on a higher floor); the inbox asks here, so the rule "who is told what" stays with the orders.
"""
from __future__ import annotations

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import LOCAL_DISPATCH_ROLES

from ..actions import VolunteeringAction as A
from ..models import OrderStatus, TeamMembership, Volunteer, VolunteerStatus


def _staff(order) -> list[User]:
    ids = RoleAssignment.objects.filter(unit=order.community, role__in=LOCAL_DISPATCH_ROLES).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _resident(order) -> list[User]:
    return list(User.objects.filter(person=order.resident_id, is_active=True))


def _volunteers(order) -> list[User]:
    if order.assignee_id:
        people = [order.assignee.person_id]
    elif order.team_id:
        people = list(TeamMembership.objects.filter(team=order.team_id).values_list("volunteer__person", flat=True))
    else:
        people = list(Volunteer.objects.filter(community=order.community_id, status=VolunteerStatus.REGISTERED,
                                               active=True).values_list("person", flat=True))
    return list(User.objects.filter(person__in=people, is_active=True))


def _taker(order) -> list[User]:
    return list(User.objects.filter(person=order.taker.person_id, is_active=True)) if order.taker_id else []


def recipients(order, action: str) -> list[tuple[list[User], str]]:
    """``[(users, text), …]`` for one journal entry about ``order`` (empty: nobody is told)."""
    name = order.item.name
    status = str(OrderStatus(order.status).label)
    if action == A.ORDER:
        return [(_staff(order), _("New service order: %(item)s") % {"item": name})]
    if action == A.REMIND:
        return [(_staff(order), _("Service order “%(item)s” is past its deadline (%(status)s).")
                 % {"item": name, "status": status})]
    if action in (A.DISPATCH, A.PUBLISH, A.REPUBLISH):
        return [(_volunteers(order), _("A service order is waiting to be taken: %(item)s") % {"item": name}),
                (_resident(order), _("Your order “%(item)s”: %(status)s") % {"item": name, "status": status})]
    if action in (A.ACCEPT, A.REFUSE, A.TAKE, A.VERIFY):
        return [(_resident(order), _("Your order “%(item)s”: %(status)s") % {"item": name, "status": status})]
    if action == A.CHECK_OUT:
        return [(_staff(order), _("Service “%(item)s” done: verify the minutes.") % {"item": name})]
    if action == A.RATE:
        return [(_taker(order), _("The resident rated your service “%(item)s”: %(rating)s/5")
                 % {"item": name, "rating": order.rating})]
    if action == A.CANCEL:
        return [(_staff(order) + _taker(order), _("Service order “%(item)s” was cancelled.") % {"item": name})]
    return []
