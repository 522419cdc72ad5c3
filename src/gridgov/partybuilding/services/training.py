"""Training and study: courses, their sessions, attendance, test results and the credits they grant.

Attendance is not completion. A member completes a course when the hours of the sessions they
attended (since their last credit for it, if any) reach the course's hours, or when they pass its
test; completion grants a credit valid for the course's months. A credit asked for without either
is refused. Every step of a course locks the course's row, so attendance recorded twice at once is
refused once and a credit is granted once."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.people.models import Person
from gridgov.structure.models import PartyRole

from ..actions import PartyAction as A
from ..models import Attendance, Course, CourseResult, CourseSession, Credit, CreditBasis
from .common import a_date, add_months, hours_value, log, not_future, plain, require_party_staff, today
from .members import tree_for

#: How long ahead a member is told that a credit expires.
WARN_DAYS = 30

transition = journal.transition(Course, visible=visible, related=("org__unit",))
credit_transition = journal.transition(Credit, visible=visible, related=("course",))


def create_course(actor, *, org, title: str, hours, starts_on: dt.date, ends_on: dt.date, member_kinds=(),
                  pass_mark: int | None = None, validity_months: int = 12) -> Course:
    require_party_staff(actor, org)
    title = plain(title, _("Title"), 120, required=True)
    hours = hours_value(hours, _("Course hours"))
    starts_on, ends_on = a_date(starts_on, _("Period from")), a_date(ends_on, _("Period to"))
    if ends_on < starts_on:
        raise ValidationError(_("A course's period ends after it starts."))
    kinds = sorted(set(member_kinds or ()))
    if any(kind not in PartyRole.values for kind in kinds):
        raise ValidationError(_("Unknown kind of member."))
    if pass_mark is not None and (isinstance(pass_mark, bool) or not 1 <= pass_mark <= 100):
        raise ValidationError(_("The pass mark is between 1 and 100."))
    if isinstance(validity_months, bool) or not isinstance(validity_months, int) or not 1 <= validity_months <= 120:
        raise ValidationError(_("A credit is valid for 1 to 120 months."))
    with transaction.atomic():
        course = Course.objects.create(org=org, title=title, hours=hours, starts_on=starts_on, ends_on=ends_on,
                                       member_kinds=kinds, pass_mark=pass_mark, validity_months=validity_months)
        log(course, actor, A.CREATE, title=title, hours=str(hours))
    return course


@transition
def add_session(actor, course, *, on: dt.date, hours, topic: str):
    require_party_staff(actor, course.org)
    on = a_date(on, _("Date"))
    if not course.starts_on <= on <= course.ends_on:
        raise ValidationError(_("A session falls within its course's period."))
    hours = hours_value(hours, _("Session hours"), maximum=24)
    session = CourseSession.objects.create(course=course, on=on, hours=hours,
                                           topic=plain(topic, _("Topic"), 200, required=True))
    log(course, actor, A.ADD_SESSION, session=session.pk, hours=str(hours))
    course.new_session = session


def is_required_of(course, person) -> bool:
    """Whether ``course`` is required of ``person``: their own organisation lies in the course's
    organisation's subtree, with a member kind the course names (any when it names none)."""
    tree = tree_for([course.org.unit.district_code], [person.pk])
    own = tree.own.get(person.pk)
    return bool(own and tree.within(own[0], course.org_id) and (not course.member_kinds or own[1] in course.member_kinds))


def _check_member(course, person: Person) -> None:
    if not person.is_party_member:
        raise ValidationError(_("%(name)s is not a party member.") % {"name": person.name})
    if not is_required_of(course, person):
        raise ValidationError(_("%(name)s is not among the members this course is for.") % {"name": person.name})


def _running(course, person) -> Credit | None:
    return Credit.objects.filter(course=course, person=person, expired_at__isnull=True).first()


def hours_towards(course, person) -> Decimal:
    """Hours of the course's sessions the person attended since their last credit for it."""
    last = Credit.objects.filter(course=course, person=person).order_by("-granted_on").first()
    attended = Attendance.objects.filter(session__course=course, person=person)
    if last is not None:
        attended = attended.filter(session__on__gt=last.granted_on)
    return attended.aggregate(total=Sum("session__hours"))["total"] or Decimal("0")


def _passed(course, person) -> bool:
    if course.pass_mark is None:
        return False
    last = Credit.objects.filter(course=course, person=person).order_by("-granted_on").first()
    results = CourseResult.objects.filter(course=course, person=person, score__gte=course.pass_mark)
    if last is not None:
        results = results.filter(taken_on__gt=last.granted_on)
    return results.exists()


def _grant(actor, course, person, basis: str, hours: Decimal) -> Credit:
    granted = today()
    credit = Credit.objects.create(course=course, person=person, basis=basis, hours=hours, granted_on=granted,
                                   expires_on=add_months(granted, course.validity_months))
    log(credit, actor, A.GRANT, to_status="valid", basis=basis, hours=str(hours),
        expires_on=credit.expires_on.isoformat())
    log(course, actor, A.GRANT, credit=credit.pk, person=person.pk)
    return credit


def _complete_if_due(actor, course, person) -> Credit | None:
    """Grant the credit when the person has now completed the course and holds none running."""
    if _running(course, person) is not None:
        return None
    hours = hours_towards(course, person)
    if hours >= course.hours:
        return _grant(actor, course, person, CreditBasis.HOURS, hours)
    if _passed(course, person):
        return _grant(actor, course, person, CreditBasis.TEST, hours)
    return None


@transition
def record_attendance(actor, course, *, session: CourseSession, person: Person):
    """The person attended ``session`` of ``course``; when their hours reach the course's, the credit
    is granted in the same step (``course.new_credit``)."""
    require_party_staff(actor, course.org)
    if session.course_id != course.pk:
        raise ValidationError(_("This session belongs to another course."))
    if session.on > today():
        raise ValidationError(_("Attendance is recorded once the session has taken place."))
    _check_member(course, person)
    if Attendance.objects.filter(session=session, person=person).exists():
        raise ValidationError(_("%(name)s's attendance is already recorded.") % {"name": person.name})
    Attendance.objects.create(session=session, person=person)
    log(course, actor, A.ATTEND, session=session.pk, person=person.pk)
    course.new_credit = _complete_if_due(actor, course, person)


@transition
def record_result(actor, course, *, person: Person, score, taken_on: dt.date):
    require_party_staff(actor, course.org)
    if course.pass_mark is None:
        raise ValidationError(_("This course has no test."))
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ValidationError(_("A score is a whole number from 0 to 100."))
    taken_on = not_future(taken_on, _("Test date"))
    _check_member(course, person)
    CourseResult.objects.create(course=course, person=person, score=score, taken_on=taken_on)
    log(course, actor, A.RESULT, person=person.pk, score=score)
    course.new_credit = _complete_if_due(actor, course, person)


@transition
def grant_credit(actor, course, *, person: Person):
    """Grant the credit by hand: refused without the hours or a passed test, or while one runs."""
    require_party_staff(actor, course.org)
    _check_member(course, person)
    if _running(course, person) is not None:
        raise InvalidTransition(_("%(name)s already holds a valid credit for this course.") % {"name": person.name})
    credit = _complete_if_due(actor, course, person)
    if credit is None:
        raise ValidationError(_("%(name)s has %(done)s of %(hours)s hours and no passed test: no credit.")
                              % {"name": person.name, "done": hours_towards(course, person), "hours": course.hours})
    course.new_credit = credit


@credit_transition
def _warn(actor, credit):
    if credit.warned_at is None and credit.expired_at is None:
        credit.warned_at = clock.now()
        credit.save(update_fields=["warned_at"])
        log(credit, None, A.EXPIRING, expires_on=credit.expires_on.isoformat())


@credit_transition
def _expire(actor, credit):
    if credit.expired_at is None:
        credit.expired_at = clock.now()
        credit.save(update_fields=["expired_at"])
        log(credit, None, A.EXPIRE, from_status="valid", to_status="expired")


def watch_credits(now) -> dict:
    """The worker's round: tell members of credits expiring within 30 days (once), record expired
    ones (once). Expired credits stop counting from their date whether or not this has run."""
    day = timezone.localdate(now)
    warned = expired = 0
    for credit in Credit.objects.filter(expired_at__isnull=True, warned_at__isnull=True,
                                        expires_on__gt=day, expires_on__lte=day + dt.timedelta(days=WARN_DAYS)):
        _warn(None, credit)
        warned += 1
    for credit in Credit.objects.filter(expired_at__isnull=True, expires_on__lte=day):
        _expire(None, credit)
        expired += 1
    return {"warned": warned, "expired": expired}
