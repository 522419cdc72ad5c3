"""The micro-projects demo on the small test district: made through the services (meetings decide
through deliberation's), projects in every state, journals intact, deterministic counts."""
import datetime as dt

from django.utils import timezone

from gridgov.core import journal
from gridgov.demo import microprojects_demo
from gridgov.microprojects.models import Evaluation, Need, Project, Resource

from . import microprojects_world as mw


def test_demo_on_a_small_world(district):
    mw.build(district)
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    summary = microprojects_demo.generate(now=now, district_code="510113")
    assert summary["microprojects_refused_steps"] == 0, summary
    assert summary["microprojects_projects"] == Project.objects.count() == 14
    states = set(Project.objects.values_list("status", flat=True))
    assert states == {"proposed", "rejected", "feasible", "not_approved", "approved", "in_progress", "accepted",
                      "evaluating", "evaluated", "closed"}
    assert set(Project.objects.filter(status="closed").values_list("closure", flat=True)) >= {"unevaluated"}
    assert Project.objects.filter(decision_route="meeting").count() == summary["microprojects_meetings"] >= 8
    assert Project.objects.filter(journal__action="matter").count() == 1
    assert Need.objects.count() == summary["microprojects_needs"] and Resource.objects.count() >= 12
    assert Evaluation.objects.count() == summary["microprojects_evaluations"] > 0
    assert all(journal.verify(project) for project in Project.objects.all())
    assert not Project.objects.filter(proposed_at__lt=now - dt.timedelta(days=90)).exists()
