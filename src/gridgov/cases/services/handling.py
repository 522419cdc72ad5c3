"""Who handles a case, as the outside is told (Open311's ``agency_responsible``, the hotline's
承办单位): one answer for every channel, so a resident and the 12345 hotline never read two names
for the same case.

The answer, first that applies: the lead department while one is on the case; the grid whose
workers it was dispatched to; the unit, at the case's level, of the person who has it (a grid
worker's grid, community staff's community — and a street's or the district's own staff, where a
case is handled at that level); otherwise the unit whose dispatchers hold it (its queue).
"""
from collections.abc import Iterable, Mapping

from django.db.models import Prefetch

from gridgov.structure import codes
from gridgov.structure.models import Unit

from ..models import Assignment, AssignmentStatus


def lead_prefetch() -> Prefetch:
    """The active lead assignment with its department, as ``case.lead_assignments``; a queryset
    that answers :func:`handled_by` for many cases prefetches this."""
    return Prefetch("assignments", queryset=Assignment.objects.filter(lead=True, status__in=AssignmentStatus.ACTIVE)
                    .select_related("department").order_by("-dispatched_at"), to_attr="lead_assignments")


def path_codes(code: str) -> list[str]:
    """A unit's code and those of every unit above it, from the district down."""
    return [*codes.ancestor_codes(code), code]


def unit_names(cases: Iterable) -> dict[str, str]:
    """Unit code → name for every unit on the cases' location paths, in one query."""
    wanted = {code for case in cases for code in path_codes(case.unit.code)}
    return dict(Unit.objects.filter(code__in=wanted).values_list("code", "name"))


def _name(names: Mapping[str, str], code: str) -> str:
    try:
        return names[code]  # a mapping may fill itself on a miss (the hotline's per-district names)
    except KeyError:
        return ""


def handled_by(case, names: Mapping[str, str]) -> str:
    """The name of who handles ``case`` (see the module). ``names`` maps unit codes to names (see
    :func:`unit_names`); the case comes with ``unit``, ``queue``, ``handler_unit`` and, from
    :func:`lead_prefetch`, ``lead_assignments``."""
    if case.lead_assignments:
        return case.lead_assignments[0].department.name
    if case.handler_unit_id:
        return case.handler_unit.name
    if case.handler_user_id:
        code = codes.prefix(case.unit.code, case.level)
        name = _name(names, code) if code else ""
        if name:
            return name
    return case.queue.name
