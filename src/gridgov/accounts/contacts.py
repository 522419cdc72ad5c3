"""Who works a place, and whom a resident calls: “联系我的网格员”.

The grid workers of a place come in tiers, the first that has anyone wins: posted to the micro-grid
itself, to its grid, to any micro-grid of the grid, and at last the grid leader. The case engine
dispatches small-loop cases to the least loaded worker of that tier (``cases.services.filing.on_duty``);
a resident's contact card shows its first worker, always the same one, with the post's work phone —
a number published for residents to call (``RoleAssignment.work_phone``), never the worker's
personal phone, which stays encrypted and masked like anyone's.
"""
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gridgov.structure import codes
from gridgov.structure.models import Unit, UnitKind

from .models import RoleAssignment
from .roles import Role


def grid_posts(unit: Unit) -> QuerySet:
    """The active role assignments of the first tier of grid workers that has anyone for ``unit``
    (a grid or a micro-grid), oldest first; empty when the grid has nobody."""
    grid = codes.prefix(unit.code, "grid")
    tiers = [Q(role=Role.GRID_WORKER, unit__code=unit.code), Q(role=Role.GRID_WORKER, unit__code=grid),
             Q(role=Role.GRID_WORKER) & codes.subtree_q("unit__code", grid), Q(role=Role.GRID_LEADER, unit__code=grid)]
    for tier in tiers:
        posts = RoleAssignment.objects.filter(tier, user__is_active=True)
        if posts.exists():
            return posts.order_by("pk")
    return RoleAssignment.objects.none()


@dataclass(frozen=True)
class GridContact:
    name: str
    phone: str  # the post's work phone, "" when none is on record
    grid: str  # the grid's short name


def my_grid_worker(user) -> GridContact | None:
    """The grid worker of ``user``'s home (their person record's unit, a grid or a micro-grid), or
    None when they have no home in a grid or the grid has nobody posted."""
    person = getattr(user, "person", None)  # the reverse one-to-one raises AttributeError when absent
    home = person.unit if person is not None else None
    if home is None or home.kind not in (UnitKind.GRID, UnitKind.MICROGRID):
        return None
    post = grid_posts(home).select_related("user__person", "unit").first()
    if post is None:
        return None
    worker = post.user
    worker_person = getattr(worker, "person", None)
    name = worker_person.name if worker_person is not None else (worker.get_full_name() or worker.username)
    grid = Unit.objects.filter(code=codes.prefix(home.code, "grid")).values_list("short_name", flat=True).first()
    return GridContact(name=name, phone=post.work_phone, grid=grid or home.short_name)
