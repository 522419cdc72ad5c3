"""Training coverage: who is required to train over a period and who holds a valid credit.

A member is *required* in a period when at least one course running in it (its period overlaps)
is required of them — their own organisation lies in the course's organisation's subtree, with a
member kind the course names —, and *covered* when they hold, on the period's last day, a valid
credit for every course required of them. Each member is counted once, at their own (lowest)
organisation (``members.py``), and rolls up from there: coverage of an organisation is over the
members whose own organisation is in its subtree. Three queries whatever is asked."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridgov.structure.models import PartyOrg

from ..models import Course, Credit
from .members import Tree, tree_for


@dataclass(frozen=True)
class Standing:
    required: bool
    covered: bool


def standings(tree: Tree, start: dt.date, end: dt.date) -> dict[int, Standing]:
    """Every member of the tree's districts: required and covered in the period."""
    courses = list(Course.objects.filter(org__in=list(tree.unit), starts_on__lte=end, ends_on__gte=start)
                   .order_by().values_list("pk", "org", "member_kinds"))
    valid = set(Credit.objects.filter(course__in=[c[0] for c in courses], granted_on__lte=end, expires_on__gt=end)
                .order_by().values_list("person", "course"))
    result = {}
    for person, (org, role) in tree.own.items():
        chain = set(tree.ancestors(org))
        required = [pk for pk, course_org, kinds in courses if course_org in chain and (not kinds or role in kinds)]
        result[person] = Standing(bool(required), bool(required) and all((person, pk) in valid for pk in required))
    return result


def share(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def coverage_by_org(orgs, start: dt.date, end: dt.date) -> list[dict]:
    """For each organisation: members required, covered and the share (members counted once each)."""
    orgs = list(orgs)
    if not orgs:
        return []
    tree = tree_for({org.unit.district_code for org in orgs})
    standing = standings(tree, start, end)
    rows = []
    for org in orgs:
        within = [standing[p] for p, own in tree.own.items() if tree.within(own[0], org.pk)]
        required = sum(1 for s in within if s.required)
        covered = sum(1 for s in within if s.covered)
        rows.append({"org": org, "members": len(within), "required": required, "covered": covered,
                     "coverage": share(covered, required)})
    return rows


def with_children(org: PartyOrg) -> list[PartyOrg]:
    """An organisation and those directly under it (the coverage chart's bars)."""
    return [org, *PartyOrg.objects.filter(parent=org).select_related("unit").order_by("unit__code", "name")]
