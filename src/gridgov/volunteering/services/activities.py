"""Community tasks and activities (线上领任务): staff publish them with a sign-up limit; volunteers
sign up (past the limit onto the waiting list, which moves up when someone withdraws), check in and
out; staff verify attendance and actual minutes — the attended earn, no-shows earn nothing.
Every step locks the activity's row, so the limit holds with sign-ups arriving at once."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from ..actions import VolunteeringAction as A
from ..models import HOLDING, Activity, ActivityKind, ActivityStatus, SignUp, Volunteer
from ..models import SignUpStatus as S
from .common import plain, require_staff, volunteer_of, whole_amount
from .records import make_record

transition = journal.transition(Activity, visible=visible, related=("community",))


def _log(activity, actor, action, signup, from_status, to_status, **data):
    journal.append(activity, actor, action, from_status=from_status, to_status=to_status,
                   data={"signup": signup.pk, "volunteer": signup.volunteer_id, **data})


def publish_activity(actor, *, community, title: str, starts_at: dt.datetime, ends_at: dt.datetime, limit,
                     points=10, kind: str = ActivityKind.ACTIVITY, place: str = "", description: str = "",
                     care: bool = False, waiting_list: bool = True) -> Activity:
    require_staff(actor, community)
    title = plain(title, _("Title"), 120)
    if not title:
        raise ValidationError(_("A task or activity needs a title."))
    limit = whole_amount(limit, _("The sign-up limit"), maximum=10000)
    points = whole_amount(points, _("Points"), minimum=0, maximum=10000)
    if ends_at <= starts_at:
        raise ValidationError(_("An activity ends after it starts."))
    if kind not in ActivityKind.values:
        raise ValidationError(_("Unknown kind of activity."))
    with transaction.atomic():
        activity = Activity.objects.create(
            community=community, kind=kind, title=title, description=plain(description, _("Description"), 2000),
            place=plain(place, _("Place"), 200), starts_at=starts_at, ends_at=ends_at, points=points, care=care,
            limit=limit, waiting_list=waiting_list, published_at=clock.now())
        journal.append(activity, actor, A.PUBLISH, to_status=ActivityStatus.OPEN)
    return activity


def _open(activity):
    if activity.status != ActivityStatus.OPEN:
        raise InvalidTransition(_("This activity is no longer open."))


def _holding(activity) -> int:
    return activity.signups.filter(status__in=HOLDING).count()


def _acting(actor, activity, volunteer) -> Volunteer:
    """The volunteer the actor is; the platform (``actor=None``: the demo's replay) names one."""
    if actor is None and volunteer is not None:
        if volunteer.community_id != activity.community_id or volunteer.status != "registered" or not volunteer.active:
            raise ValidationError(_("Only registered, active volunteers of the community may sign up."))
        return volunteer
    return volunteer_of(actor, activity.community)


@transition
def sign_up(actor, activity, *, volunteer: Volunteer | None = None):
    """Sign the acting volunteer up: a place while there is one, else the waiting list (refused
    when the activity keeps no waiting list)."""
    volunteer = _acting(actor, activity, volunteer)
    _open(activity)
    signup = activity.signups.filter(volunteer=volunteer).first()
    if signup is not None and signup.status != S.WITHDRAWN:
        raise InvalidTransition(_("You have already signed up."))
    if _holding(activity) < activity.limit:
        status, action = S.SIGNED_UP, A.SIGN_UP
    elif activity.waiting_list:
        status, action = S.WAITING, A.WAIT
    else:
        raise ValidationError(_("This activity is full and keeps no waiting list."))
    previous = signup.status if signup else ""
    if signup is None:
        signup = SignUp(activity=activity, volunteer=volunteer)
    signup.status, signup.signed_at = status, clock.now()
    signup.save()
    _log(activity, actor, action, signup, previous, status)


@transition
def withdraw(actor, activity, *, volunteer: Volunteer | None = None):
    volunteer = _acting(actor, activity, volunteer)
    _open(activity)
    signup = activity.signups.filter(volunteer=volunteer).first()
    if signup is None or signup.status not in (S.SIGNED_UP, S.WAITING):
        raise InvalidTransition(_("Only a sign-up not yet checked in can be withdrawn."))
    held = signup.status == S.SIGNED_UP
    previous = signup.status
    signup.status = S.WITHDRAWN
    signup.save(update_fields=["status"])
    _log(activity, actor, A.WITHDRAW, signup, previous, S.WITHDRAWN)
    if held:
        following = activity.signups.filter(status=S.WAITING).order_by("signed_at", "pk").first()
        if following is not None:
            following.status = S.SIGNED_UP
            following.save(update_fields=["status"])
            _log(activity, None, A.MOVE_UP, following, S.WAITING, S.SIGNED_UP)


def _own(actor, activity, volunteer=None) -> SignUp:
    volunteer = _acting(actor, activity, volunteer)
    signup = activity.signups.filter(volunteer=volunteer).first()
    if signup is None:
        raise InvalidTransition(_("You have not signed up to this activity."))
    return signup


@transition
def check_in(actor, activity, *, volunteer: Volunteer | None = None):
    _open(activity)
    signup = _own(actor, activity, volunteer)
    if signup.status != S.SIGNED_UP:
        raise InvalidTransition(_("Check in once, with a place on the list (not from the waiting list)."))
    signup.status, signup.checked_in_at = S.CHECKED_IN, clock.now()
    signup.save(update_fields=["status", "checked_in_at"])
    _log(activity, actor, A.CHECK_IN, signup, S.SIGNED_UP, S.CHECKED_IN)


@transition
def check_out(actor, activity, *, volunteer: Volunteer | None = None):
    _open(activity)
    signup = _own(actor, activity, volunteer)
    if signup.status != S.CHECKED_IN:
        raise InvalidTransition(_("Check in before checking out."))
    signup.status, signup.checked_out_at = S.CHECKED_OUT, clock.now()
    signup.save(update_fields=["status", "checked_out_at"])
    _log(activity, actor, A.CHECK_OUT, signup, S.CHECKED_IN, S.CHECKED_OUT)


@transition
def verify(actor, activity, attendance: dict):
    """``attendance`` maps the sign-ups that came (their ids) to their actual minutes. They get a
    service record and their points (and minutes, for care); every other sign-up holding a place is
    a no-show and earns nothing. Once only."""
    require_staff(actor, activity.community)
    if activity.status == ActivityStatus.VERIFIED:
        raise InvalidTransition(_("This activity's attendance has already been verified; nothing was posted again."))
    _open(activity)
    if not isinstance(attendance, dict):
        raise ValidationError(_("Attendance maps sign-ups to minutes."))
    holding = {s.pk: s for s in activity.signups.filter(status__in=HOLDING).select_related("volunteer__person__unit")}
    checked = {}
    for key, minutes in attendance.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise ValidationError(_("Unknown sign-up %(id)s.") % {"id": key}) from None
        if pk not in holding:
            raise ValidationError(_("Sign-up %(id)s holds no place on this activity.") % {"id": key})
        checked[pk] = whole_amount(minutes, _("Minutes"))
    now = clock.now()
    for pk, signup in holding.items():
        previous = signup.status
        if pk in checked:
            signup.status, signup.actual_minutes = S.ATTENDED, checked[pk]
            signup.save(update_fields=["status", "actual_minutes"])
            make_record(actor=actor, volunteer=signup.volunteer, community=activity.community, title=activity.title,
                        day=timezone.localdate(now), minutes=checked[pk], points=activity.points, care=activity.care,
                        activity=activity)
            _log(activity, actor, A.VERIFY, signup, previous, S.ATTENDED, minutes=checked[pk])
        else:
            signup.status = S.NO_SHOW
            signup.save(update_fields=["status"])
            _log(activity, actor, A.NO_SHOW, signup, previous, S.NO_SHOW)
    activity.status, activity.verified_at = ActivityStatus.VERIFIED, now
    activity.save(update_fields=["status", "verified_at"])
    journal.append(activity, actor, A.VERIFY, from_status=ActivityStatus.OPEN, to_status=ActivityStatus.VERIFIED,
                   data={"attended": len(checked), "no_show": len(holding) - len(checked)})


@transition
def cancel_activity(actor, activity):
    require_staff(actor, activity.community)
    _open(activity)
    activity.status = ActivityStatus.CANCELLED
    activity.save(update_fields=["status"])
    journal.append(activity, actor, A.CANCEL, from_status=ActivityStatus.OPEN, to_status=ActivityStatus.CANCELLED)

