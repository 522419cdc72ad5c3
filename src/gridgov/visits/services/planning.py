"""Visit rules and the planned visits they make: one planned visit per household per period, with
the period as its window (earliest = the period's first day, latest = its last) and an assignee —
the grid worker of the household's grid for a grid workers' rule, the cadre whose contact point
holds the household for a leading cadres' rule, nobody (the staff assign) otherwise.

Planning is a job (``visits-watch``): idempotent (a household planned once per rule and period: a
unique constraint, so two workers at once cannot plan it twice) and resumable (each visit is its own
transaction)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import Role
from gridgov.core import clock, journal
from gridgov.people.models import SpecialGroup
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Household, Unit

from ..actions import VisitsAction as A
from ..models import ContactPoint, Period, SetupEntry, Visit, VisitorKind, VisitRule, VisitStatus
from .common import local_day, require_staff


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month or quarter holding ``day``."""
    months = 3 if period == Period.QUARTER else 1
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    after = dt.date(day.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def save_rule(actor, *, unit: Unit, visitor_kind: str = VisitorKind.GRID_WORKER, period: str = Period.QUARTER,
              special_group: SpecialGroup | None = None, active: bool = True, rule: VisitRule | None = None) -> VisitRule:
    """Add a rule for a community or district (or change ``rule``); the staff over it only."""
    if unit.kind not in ("community", "district"):
        raise ValidationError(_("Visit rules are set for a community or a district."))
    if visitor_kind not in VisitorKind.values or period not in Period.values:
        raise ValidationError(_("Choose a visitor kind and a period from the list."))
    require_staff(actor, unit)
    with transaction.atomic():
        if rule is not None:
            rule = VisitRule.objects.select_for_update().get(pk=rule.pk)
            require_staff(actor, rule.unit)
        created = rule is None
        rule = rule or VisitRule()
        rule.unit, rule.visitor_kind, rule.period = unit, visitor_kind, period
        rule.special_group, rule.active = special_group, active
        rule.save()
        journal.append(rule, actor, A.CREATE if created else A.CHANGE, journal=SetupEntry,
                       data={"unit": unit.code, "kind": visitor_kind, "period": period,
                             "group": special_group.code if special_group else "", "active": active})
    return rule


def _households(rule: VisitRule):
    rows = Household.objects.filter(subtree_q("building__microgrid__code", rule.unit.code))
    if rule.special_group_id:
        rows = rows.filter(members__special_groups=rule.special_group_id)
    return rows.select_related("building__microgrid").distinct().order_by("pk")


def _grid_workers(code: str) -> dict[str, int]:
    """Grid or micro-grid code → the user id of its first grid worker (by assignment), in a subtree."""
    found: dict[str, int] = {}
    for unit_code, user in (RoleAssignment.objects.filter(subtree_q("unit__code", code), role=Role.GRID_WORKER,
                                                          user__is_active=True)
                            .order_by("pk").values_list("unit__code", "user")):
        found.setdefault(unit_code, user)
    return found


def _grid_worker(workers: dict[str, int], micro: str) -> int | None:
    """As the small loop finds one (``cases.services.filing.on_duty``): a worker posted to the
    micro-grid, else to its grid, else to another micro-grid of the grid."""
    grid = micro[:-3]
    if micro in workers or grid in workers:
        return workers.get(micro) or workers[grid]
    return next((user for code, user in sorted(workers.items()) if code.startswith(grid)), None)


def _cadres() -> list[tuple[str, int | None, int]]:
    return list(ContactPoint.objects.filter(active=True).order_by("pk")
                .values_list("unit__code", "household", "cadre"))


def _assignee(rule, household, workers, cadres) -> int | None:
    micro = household.building.microgrid.code
    if rule.visitor_kind == VisitorKind.GRID_WORKER:
        return _grid_worker(workers, micro)
    if rule.visitor_kind == VisitorKind.LEADING_CADRE:
        for code, held, cadre in cadres:
            if held == household.pk or (held is None and micro.startswith(code)):
                return cadre
    return None


def plan(now: dt.datetime | None = None) -> int:
    """Make the current period's planned visits of every active rule (those missing); answers how
    many were made."""
    now = now or clock.now()
    day = local_day(now)
    made = 0
    cadres = _cadres()
    for rule in VisitRule.objects.filter(active=True).select_related("unit"):
        start, end = period_bounds(rule.period, day)
        done = set(Visit.objects.filter(rule=rule, period_start=start).values_list("household", flat=True))
        workers = _grid_workers(rule.unit.code)
        for household in _households(rule):
            if household.pk in done:
                continue
            assignee = _assignee(rule, household, workers, cadres)
            if rule.visitor_kind == VisitorKind.LEADING_CADRE and assignee is None:
                continue  # a cadres' rule covers only the households of their contact points
            try:
                with transaction.atomic():
                    visit = Visit.objects.create(
                        household=household, unit=household.building.microgrid, rule=rule, period_start=start,
                        earliest=start, latest=end, assignee_id=assignee, visitor_kind=rule.visitor_kind,
                        status=VisitStatus.PLANNED, created_at=now)
                    journal.append(visit, None, A.PLAN, to_status=VisitStatus.PLANNED, at=now,
                                   data={"rule": rule.pk, "period": start.isoformat()})
            except IntegrityError:  # planned meanwhile by another worker
                continue
            made += 1
    return made
