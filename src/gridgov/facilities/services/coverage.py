"""Coverage of the 15-minute living circle, measured on the walk network.

For each active kind: one multi-source shortest-path search from all its facilities at once, limited
to the kind's circle (minutes × the district's walking speed); a building is covered when one of
its access points lies within the limit (``demand``). Coverage is households within reach ÷ all
households, also counted by residents, and by the special groups at the elderly's slower speed. The
response circle covers a household when every response kind (emergency team, mediation room …)
reaches it within its own circle. Where the kind's facilities have a capacity, the two-step floating
catchment gives each building the capacity per 1,000 residents it can walk to. Candidate sites are
picked greedily among network nodes near the uncovered buildings.

A run records its network version and the inputs' stamp, its progress (one step per kind and stage)
and its results; the figures and pages read the latest finished run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import clock, jobs, stamps
from gridgov.core.errors import InvalidTransition
from gridgov.structure.models import Unit
from gridgov.structure.services import PLACES_STAMP

from ..graph import Walk, greedy_sites, two_step
from ..models import (
    CandidateSite,
    CoverageResult,
    CoverageRun,
    Facility,
    FacilityKind,
    RunStatus,
    UncoveredBuilding,
    WalkNetwork,
)
from . import demand as demand_module
from . import networks
from .standards import settings_for

#: An uncovered building's walk to the kind is reported up to this many circles (beyond: no path near).
REPORTED_CIRCLES = 3
#: How many network nodes near uncovered buildings are tried as candidate sites, at most.
MAX_CANDIDATES = 400
#: A finished run older than this is redone even when nothing changed (people move in and out).
REFRESH_AFTER = dt.timedelta(hours=24)
#: A run still "running" this long after it started was left by a killed worker: it is failed and redone.
ABANDONED_AFTER = dt.timedelta(minutes=30)


def inputs_stamp() -> int:
    """One number that moves whenever what coverage is computed from moves: the facilities' stamp
    plus the places' (both only grow, so their sum moves exactly when either does)."""
    return stamps.read(networks.FACILITIES_STAMP) + stamps.read(PLACES_STAMP)


def latest(district_code: str) -> CoverageRun | None:
    """The latest finished run of the district: what figures and pages show."""
    return CoverageRun.objects.filter(district_code=district_code, status=RunStatus.DONE) \
        .select_related("network").order_by("-started_at", "-pk").first()


def start(district_code: str, requested_by=None) -> CoverageRun:
    stored = networks.current(district_code)
    if stored is None:
        raise InvalidTransition(_("This district has no walk network yet: import an OpenStreetMap extract or generate one."))
    return CoverageRun.objects.create(district_code=district_code, network=stored, stamp=inputs_stamp(),
                                      requested_by=requested_by)


class _Progress:
    """Counts the run's steps in its row as they are done (committed at once, so a page polling the
    run sees it move) and keeps the worker's job lease."""

    def __init__(self, run: CoverageRun, total: int, report: Callable[[int, int], None] | None):
        self.run, self.report = run, report
        run.total = total
        CoverageRun.objects.filter(pk=run.pk).update(total=total)

    def __call__(self) -> None:
        self.run.done += 1
        CoverageRun.objects.filter(pk=self.run.pk).update(done=self.run.done)
        jobs.step()
        if self.report:
            self.report(self.run.done, self.run.total)



def _results(run, kind, demand, covered, special_covered, access) -> list[CoverageResult]:
    rows = []
    for community in np.unique(demand.community_ids):
        here = demand.community_ids == community
        residents = int(demand.residents[here].sum())
        mean_access = None
        if access is not None and residents:
            mean_access = round(float((access[here] * demand.residents[here]).sum() / residents) * 1000, 3)
        rows.append(CoverageResult(
            run=run, kind=kind, community_id=int(community),
            households=int(demand.households[here].sum()), households_covered=int(demand.households[here & covered].sum()),
            residents=residents, residents_covered=int(demand.residents[here & covered].sum()),
            special=int(demand.special[here].sum()), special_covered=int(demand.special[here & special_covered].sum()),
            access=mean_access))
    return rows


def _uncovered(run, kind, demand, distances, covered) -> list[UncoveredBuilding]:
    return [UncoveredBuilding(run=run, kind=kind, building_id=int(demand.building_ids[i]),
                              households=int(demand.households[i]),
                              distance=None if not np.isfinite(distances[i]) else round(float(distances[i]), 1),
                              lat=float(demand.lat[i]), lng=float(demand.lng[i]))
            for i in np.flatnonzero(~covered) if np.isfinite(demand.lat[i])]


def _candidates(walk: Walk, demand, covered) -> np.ndarray:
    """Network nodes worth trying as sites: those the uncovered buildings snap to (a facility there
    is at their door), at most ``MAX_CANDIDATES`` spread evenly over them."""
    nodes, _offsets = demand.nearest_access
    found = np.unique(nodes[(~covered) & (nodes >= 0)])
    if len(found) > MAX_CANDIDATES:
        found = found[np.linspace(0, len(found) - 1, MAX_CANDIDATES).astype(int)]
    return found


def _sites(run, kind, walk, demand, covered, limit_m, k) -> list[CandidateSite]:
    candidates = _candidates(walk, demand, covered)
    if not len(candidates) or not k:
        return []
    nodes, offsets = demand.nearest_access
    picked = greedy_sites(walk, candidates, nodes, offsets, demand.households, covered, limit_m, k)
    network = walk.network
    communities = {}
    for node, _gain in picked:  # the community of the nearest building snapped to that node
        near = np.flatnonzero(nodes == node)
        communities[node] = int(demand.community_ids[near[0]]) if len(near) else None
    return [CandidateSite(run=run, kind=kind, rank=rank, lat=round(float(network.lat[node]), 7),
                          lng=round(float(network.lng[node]), 7), gain=int(gain), community_id=communities[node])
            for rank, (node, gain) in enumerate(picked, start=1)]


def snapped(walk: Walk, facilities, max_snap: float) -> tuple[np.ndarray, np.ndarray]:
    """The facilities' nearest network nodes and the walk to them (-1 beyond ``max_snap``): where
    a kind's search starts, for coverage and for the catchment the maps draw."""
    if not facilities:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return walk.snap([f.lat for f in facilities], [f.lng for f in facilities], max_snap)


def compute(run: CoverageRun, report: Callable[[int, int], None] | None = None) -> CoverageRun:
    """Compute ``run`` (started by :func:`start`): every kind's coverage, the response circle,
    capacity shares and candidate sites, written in one transaction at the end; a failure marks the
    run failed with its reason and leaves the previous finished run as the one shown."""
    try:
        return _compute(run, report)
    except Exception as error:
        CoverageRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error=str(error)[:2000],
                                                      finished_at=clock.now())
        raise


def _compute(run: CoverageRun, report) -> CoverageRun:
    walk = Walk(networks.load(WalkNetwork.objects.get(pk=run.network_id)))
    setup = settings_for(Unit.objects.get(code=run.district_code))
    kinds = list(FacilityKind.objects.filter(district__code=run.district_code, active=True).order_by("order", "code"))
    progress = _Progress(run, 2 + 2 * len(kinds), report)
    demand = demand_module.load(run.district_code, walk, setup.max_snap)
    progress()
    results, uncovered, sites = [], [], []
    response = np.ones(len(demand), dtype=bool) if any(k.response for k in kinds) else None
    response_special = response.copy() if response is not None else None
    for kind in kinds:
        facilities = list(Facility.objects.filter(kind=kind, active=True).only("lat", "lng", "capacity"))
        limit, slow_limit = kind.minutes * setup.walk_speed, kind.minutes * setup.elderly_speed
        nodes, offsets = snapped(walk, facilities, setup.max_snap)
        # One limited search per kind; the limit is a few circles, so an uncovered building can say how
        # far it is when it is near enough for that to matter.
        reported = limit * REPORTED_CIRCLES
        distances = demand.distances(walk.reach(nodes, offsets, reported), reported)
        covered, special_covered = distances <= limit, distances <= slow_limit
        access = None
        if facilities and all(f.capacity is not None for f in facilities):
            near_nodes, near_offsets = demand.nearest_access
            access = two_step(walk, nodes, offsets, [f.capacity for f in facilities], near_nodes, near_offsets,
                              demand.residents, limit)
        results += _results(run, kind, demand, covered, special_covered, access)
        uncovered += _uncovered(run, kind, demand, distances, covered)
        progress()
        sites += _sites(run, kind, walk, demand, covered, limit, setup.candidate_sites)
        if kind.response:
            response &= covered
            response_special &= special_covered
        progress()
    if response is not None:
        results += _results(run, None, demand, response, response_special, None)
    with transaction.atomic():
        CoverageResult.objects.bulk_create(results, batch_size=500)
        UncoveredBuilding.objects.bulk_create(uncovered, batch_size=500)
        CandidateSite.objects.bulk_create(sites, batch_size=500)
        run.status, run.finished_at, run.done = RunStatus.DONE, clock.now(), run.total
        run.save(update_fields=["status", "finished_at", "done"])
    return run


def stale(district_code: str, now: dt.datetime) -> bool:
    """Whether the district's coverage should be computed again: it has a network and no run since
    its inputs last changed (or its last run is a day old); a run in progress is left to finish."""
    if networks.current(district_code) is None:
        return False
    last = CoverageRun.objects.filter(district_code=district_code).order_by("-started_at", "-pk").first()
    if last is None:
        return True
    if last.status == RunStatus.RUNNING:
        if last.started_at >= now - ABANDONED_AFTER:
            return False
        CoverageRun.objects.filter(pk=last.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, error=_("Abandoned: the worker computing it stopped."), finished_at=now)
        return True
    return last.stamp != inputs_stamp() or last.started_at < now - REFRESH_AFTER


def watch(now: dt.datetime) -> dict:
    """The worker's job: recompute every district whose coverage is stale."""
    done = []
    for district_code in WalkNetwork.objects.values_list("district_code", flat=True).distinct().order_by():
        if stale(district_code, now):
            compute(start(district_code))
            done.append(district_code)
    return {"computed": done}
