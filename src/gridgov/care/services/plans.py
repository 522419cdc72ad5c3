"""Care plans: created, changed, paused, resumed and ended by the community's staff, with their
guardians. Every step is one transition of the plan: its row lock, scope and role re-checked, the
journal entry; the schedule follows in the same transaction."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import FIELD_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.people.models import PHONE_RE, Person

from ..actions import CareAction as A
from ..models import CarePlan, Guardian, Method, PlanEntry
from ..models import PlanStatus as S
from .common import plain, require_staff
from .schedule import HORIZON, cancel_scheduled, materialise

transition = journal.transition(CarePlan, visible=visible, related=("person__unit",))

#: The fields of a plan that :func:`change_plan` may set, and that :func:`create_plan` requires.
PLAN_FIELDS = ("every_days", "window_start", "window_hours", "method", "buddy", "grid_worker", "ends_on", "note")


def _visible_person(actor, person: Person) -> Person:
    """The person as ``actor`` may see them, or NotFound (outside the scope is the same as absent)."""
    if actor is None:
        return person
    found = visible(actor, Person.objects.select_related("unit").filter(pk=person.pk)).first()
    if found is None:
        raise NotFound
    return found


def _checked(actor, person, values: dict) -> dict:
    """The plan's fields checked against the rules; ``values`` holds every field of PLAN_FIELDS."""
    every = values["every_days"]
    if isinstance(every, bool) or not isinstance(every, int) or not 1 <= every <= 31:
        raise ValidationError(_("Check in every 1 to 31 days."))
    hours = values["window_hours"]
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 24:
        raise ValidationError(_("A check-in window lasts 1 to 24 hours."))
    if not isinstance(values["window_start"], dt.time) or values["window_start"].tzinfo is not None:
        raise ValidationError(_("Say when the check-in window opens (local time)."))
    _date_in_range(values["ends_on"])
    if values["method"] not in Method.values:
        raise ValidationError(_("Choose a phone call, a home visit or a smart device."))
    buddy = values["buddy"]
    if buddy is None or buddy.pk == person.pk:
        raise ValidationError(_("Choose a buddy: a neighbour or volunteer other than the person."))
    _visible_person(actor, buddy)
    worker = values["grid_worker"]
    if worker is None or not worker.is_active or not may(worker, FIELD_ROLES, person.unit):
        raise ValidationError(_("The responsible grid worker must hold a grid role over the person's home."))
    return {**values, "note": plain(values["note"], _("Note"), 500)}


def _date_in_range(day) -> None:
    if day is not None and (not isinstance(day, dt.date) or not 2000 <= day.year <= 2100):
        raise ValidationError(_("Enter a date between the years 2000 and 2100."))


def _guardian(name: str, relation: str, phone: str) -> dict:
    phone = "".join((phone or "").split())
    if not PHONE_RE.fullmatch(phone):
        raise ValidationError(_("Enter the guardian's mobile number (11 digits) or a landline with area code."))
    return {"name": plain(name, _("Guardian's name"), 50, required=True),
            "relation": plain(relation, _("Relation"), 20, required=True), "phone": phone}


def create_plan(actor, *, person: Person, group, starts_on: dt.date, guardians=(), **values) -> CarePlan:
    """A plan for ``person`` (in ``group``, one of their special groups), by the community's staff.
    ``values`` are PLAN_FIELDS (``ends_on`` and ``note`` optional); ``guardians`` are
    ``(name, relation, phone)``. Refused: a person outside the scope (NotFound), a second plan not
    ended (ValidationError, also enforced by the database)."""
    person = _visible_person(actor, person)
    require_staff(actor, person)
    if group is None or not person.special_groups.filter(pk=group.pk).exists():
        raise ValidationError(_("A care plan is for a person in one of their special groups."))
    _date_in_range(starts_on)
    if starts_on is None:
        raise ValidationError(_("Say when the plan starts."))
    values = _checked(actor, person, {"ends_on": None, "note": "", **values})
    if values["ends_on"] is not None and values["ends_on"] < starts_on:
        raise ValidationError(_("The plan cannot end before it starts."))
    rows = [_guardian(*g) for g in guardians]
    now = clock.now()
    try:
        with transaction.atomic():
            plan = CarePlan.objects.create(person=person, group=group, starts_on=starts_on, created_at=now,
                                           schedule_from=now, **values)
            for row in rows:
                Guardian.objects.create(plan=plan, **row)
            journal.append(plan, actor, A.CREATE, journal=PlanEntry, to_status=S.ACTIVE, at=now,
                           data={"group": group.code, "every_days": plan.every_days, "method": plan.method,
                                 "guardians": len(rows)})
            materialise(plan, now + HORIZON)
    except IntegrityError:
        raise ValidationError(_("This person already has a care plan; change, pause or end it instead.")) from None
    return plan


@transition
def change_plan(actor, plan, **values):
    """Change the schedule, method, buddy, grid worker, end or note. A changed schedule cancels the
    check-ins not yet open and schedules again from now."""
    require_staff(actor, plan.person)
    if plan.status == S.ENDED:
        raise InvalidTransition(_("An ended plan cannot be changed."))
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    merged = _checked(actor, plan.person, {name: values.get(name, getattr(plan, name)) for name in PLAN_FIELDS})
    if merged["ends_on"] is not None and merged["ends_on"] < plan.starts_on:
        raise ValidationError(_("The plan cannot end before it starts."))
    changed = sorted(name for name in PLAN_FIELDS if merged[name] != getattr(plan, name))
    schedule = {"every_days", "window_start", "window_hours", "ends_on"} & set(changed)
    for name in changed:
        setattr(plan, name, merged[name])
    now = clock.now()
    if schedule:
        cancel_scheduled(plan, actor, _("The schedule changed."), opening_after=now)
        plan.schedule_from = now
    plan.save()
    journal.append(plan, actor, A.CHANGE, journal=PlanEntry, from_status=plan.status, to_status=plan.status, at=now,
                   data={"changed": changed})
    if schedule:
        materialise(plan, now + HORIZON)


@transition
def pause(actor, plan, reason: str = ""):
    """Pause the checks (the person is in hospital, away with family…): scheduled check-ins are
    cancelled; open escalations stay open until someone resolves them."""
    require_staff(actor, plan.person)
    if plan.status != S.ACTIVE:
        raise InvalidTransition(_("Only an active plan can be paused."))
    reason = plain(reason, _("Reason"), 200)
    cancel_scheduled(plan, actor, reason)
    plan.status = S.PAUSED
    plan.save(update_fields=["status"])
    journal.append(plan, actor, A.PAUSE, journal=PlanEntry, from_status=S.ACTIVE, to_status=S.PAUSED, note=reason)


@transition
def resume(actor, plan):
    require_staff(actor, plan.person)
    if plan.status != S.PAUSED:
        raise InvalidTransition(_("Only a paused plan can be resumed."))
    now = clock.now()
    plan.status, plan.schedule_from = S.ACTIVE, now
    plan.save(update_fields=["status", "schedule_from"])
    journal.append(plan, actor, A.RESUME, journal=PlanEntry, from_status=S.PAUSED, to_status=S.ACTIVE, at=now)
    materialise(plan, now + HORIZON)


@transition
def end(actor, plan, reason: str = ""):
    require_staff(actor, plan.person)
    if plan.status == S.ENDED:
        raise InvalidTransition(_("This plan has already ended."))
    reason = plain(reason, _("Reason"), 200)
    cancel_scheduled(plan, actor, reason)
    from_status = plan.status
    plan.status, plan.ended_at = S.ENDED, clock.now()
    plan.save(update_fields=["status", "ended_at"])
    journal.append(plan, actor, A.END, journal=PlanEntry, from_status=from_status, to_status=S.ENDED, note=reason,
                   at=plan.ended_at)


@transition
def add_guardian(actor, plan, *, name: str, relation: str, phone: str):
    require_staff(actor, plan.person)
    if plan.status == S.ENDED:
        raise InvalidTransition(_("An ended plan cannot be changed."))
    guardian = Guardian.objects.create(plan=plan, **_guardian(name, relation, phone))
    journal.append(plan, actor, A.ADD_GUARDIAN, journal=PlanEntry, data={"guardian": guardian.pk})


@transition
def remove_guardian(actor, plan, guardian_pk: int):
    require_staff(actor, plan.person)
    guardian = plan.guardians.filter(pk=guardian_pk).first()
    if guardian is None:
        raise NotFound
    guardian.delete()
    journal.append(plan, actor, A.REMOVE_GUARDIAN, journal=PlanEntry, data={"guardian": guardian_pk})
