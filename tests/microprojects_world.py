"""A small micro-projects world on the test district (tests/factories.py): community A1's staff,
resident logins in three of its four households (A1-1-1, A1-1-2, A1-2-1), a need, and helpers that
stand in for deliberation's word and run a project to any state through the services."""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.microprojects.services import decisions, delivery, evaluations, lists, projects

from .factories import PASSWORD

#: The states of a project in order, and the step that reaches each from the one before.
ORDER = ["proposed", "feasible", "approved", "in_progress", "accepted", "evaluating", "evaluated", "closed"]


def resident_login(district, username, person):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT, unit=person.unit)
    person.user = user
    person.save()
    district.users[username] = user
    return user


def build(district):
    """Residents ``resident`` (A1-1-1), ``res2`` (A1-1-2) and ``res3`` (A1-2-1) of community A1; the
    fourth household (A1-2-2) has no login. A project serving grid A1-1 has two households."""
    community = district.units["A1"]
    p = district.persons
    return SimpleNamespace(
        d=district, staff=district.users["community_staff"], admin=district.users["district_admin"],
        street=district.users["street_dispatcher"], community=community, grid=district.units["A1-1"],
        compound2=district.units["compound A1-2"], resident=district.users["resident"],
        res2=resident_login(district, "res2", p[1]), res3=resident_login(district, "res3", p[2]))


class Decision:
    """Deliberation's word for the tests: a passing resolution and a published matter per ref."""

    def __init__(self, monkeypatch):
        self.resolutions, self.matters = {}, {}
        monkeypatch.setattr(decisions.public, "passed_resolution", lambda ref: self.resolutions.get(ref))
        monkeypatch.setattr(decisions.public, "matter_for", lambda ref: self.matters.get(ref))

    def pass_meeting(self, project, passed=True):
        self.resolutions[project.ref] = SimpleNamespace(pk=7, passed=passed)

    def publish_matter(self, project, published=True):
        self.matters[project.ref] = SimpleNamespace(pk=9, resolution_published=published, step="published")


def propose(w, *, budget="50000", served_units=None, served_compounds=(), needs=(), days=30, **extra):
    today = timezone.localdate(clock.now())
    return projects.propose(w.staff, community=w.community, kind=extra.pop("kind", "renovation"),
                            title=extra.pop("title", "加装楼道扶手"), budget=Decimal(budget), planned_start=today,
                            planned_end=today + dt.timedelta(days=days),
                            served_units=[w.grid] if served_units is None else served_units,
                            served_compounds=list(served_compounds), needs=list(needs), **extra)


def run(w, decision, *, until="closed", budget="50000", line="40000", score=(5, 4), **extra):
    """Propose a project and move it to ``until``; the evaluation is given by ``score``'s households
    (resident, res2) and the clock stays where it was (the window is ended by moving it on)."""
    project = propose(w, budget=budget, **extra)
    steps = {
        "feasible": lambda p: projects.review(w.staff, p, feasible=True, reason="场地、资金可行"),
        "approved": lambda p: (decision.publish_matter(p) if projects.needs_matter(p) else decision.pass_meeting(p),
                               projects.decide(w.staff, p, approve=True))[1],
        "in_progress": lambda p: _start(w, p, line),
        "accepted": lambda p: projects.accept(w.staff, p, note="工程完工，验收合格"),
        "evaluating": lambda p: _evaluate(w, p, score),
        "evaluated": lambda p: _end(p),
        "closed": lambda p: _close(w, p),
    }
    for state in ORDER[1:ORDER.index(until) + 1]:
        project = steps[state](project)
    return project


def _start(w, project, line):
    project = projects.start(w.staff, project)
    if line:
        delivery.add_line(w.staff, project, source="district", allocated=Decimal(line))
    return project


def _evaluate(w, project, scores):
    project = projects.open_evaluation(w.staff, project)
    for user, score in zip((w.resident, w.res2), scores):
        evaluations.evaluate(user, project, score=score)
    project.refresh_from_db()
    return project


def _end(project):
    later = project.evaluation_closes_at + dt.timedelta(minutes=1)
    evaluations.tick(now=later)
    project.refresh_from_db()
    return project


def _close(w, project):
    with clock.frozen(project.evaluation_closes_at + dt.timedelta(minutes=2)):
        return projects.close(w.staff, project)


def set_rules(w, *, threshold="200000", days=14, minimum=2):
    from gridgov.microprojects.services.settings import configure

    return configure(w.admin, w.d.units["district"], large_threshold=threshold, evaluation_days=days,
                     min_responses=minimum)


def need(w, **extra):
    return lists.create_need(w.staff, community=w.community, title=extra.pop("title", "楼道没有扶手"),
                             households=extra.pop("households", 12), place_unit=w.grid, **extra)
