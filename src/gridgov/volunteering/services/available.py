"""Which order and activity steps a user may take now: the buttons of the pages and the ``actions``
of the API. The services check again inside their transactions; this only saves offering a button
that would be refused."""
from __future__ import annotations

from ..models import HOLDING, ActivityStatus, SignUpStatus, Volunteer, VolunteerStatus
from ..models import OrderStatus as S
from .common import is_staff, person_of


def my_volunteer(user):
    person = person_of(user)
    if person is None:
        return None
    volunteer = Volunteer.objects.filter(person=person).first()
    if volunteer is None or volunteer.status != VolunteerStatus.REGISTERED or not volunteer.active:
        return None
    return volunteer


def order_actions(user, order) -> list[str]:
    actions = []
    staff = is_staff(user, order.community)
    person = person_of(user)
    volunteer = my_volunteer(user)
    status = order.status
    if staff:
        if status == S.ORDERED:
            actions += ["accept", "refuse"]
        if status == S.ACCEPTED:
            actions += ["dispatch", "publish", "refuse"]
        if status == S.DISPATCHED:
            actions += ["dispatch", "publish"]
        if status == S.PUBLISHED:
            actions += ["dispatch"]
        if status == S.CHECKED_OUT:
            actions += ["verify"]
    if volunteer is not None and volunteer.community_id == order.community_id:
        if status == S.PUBLISHED or (status == S.DISPATCHED and (
                order.assignee_id == volunteer.pk
                or (order.team_id and order.team.memberships.filter(volunteer=volunteer).exists()))):
            actions.append("take")
        if order.taker_id == volunteer.pk:
            if status == S.TAKEN:
                actions.append("check_in")
            if status == S.CHECKED_IN:
                actions.append("check_out")
    if person is not None and person.pk == order.resident_id:
        if status in (S.ORDERED, S.ACCEPTED, S.DISPATCHED, S.PUBLISHED):
            actions.append("cancel")
        if status == S.VERIFIED:
            actions.append("rate")
    return actions


def activity_actions(user, activity) -> list[str]:
    actions = []
    if activity.status != ActivityStatus.OPEN:
        return actions
    if is_staff(user, activity.community):
        actions += ["verify", "cancel"]
    volunteer = my_volunteer(user)
    if volunteer is not None and volunteer.community_id == activity.community_id:
        signup = activity.signups.filter(volunteer=volunteer).first()
        if signup is None or signup.status == SignUpStatus.WITHDRAWN:
            actions.append("sign_up")
        elif signup.status in (SignUpStatus.SIGNED_UP, SignUpStatus.WAITING):
            actions.append("withdraw")
        if signup is not None and signup.status == SignUpStatus.SIGNED_UP:
            actions.append("check_in")
        if signup is not None and signup.status == SignUpStatus.CHECKED_IN:
            actions.append("check_out")
    return actions


__all__ = ["order_actions", "activity_actions", "my_volunteer", "HOLDING"]
