"""The care demo on the small test district: made through the services, deterministic, every state
(done, missed, escalated to several steps, resolved and open), journals intact. (Deterministic by its
fixed seed: ``random.Random`` seeded per run and per escalation.)"""
import datetime as dt

from django.utils import timezone

from gridgov.care.models import CarePlan, CheckIn, Escalation, Reading
from gridgov.core import journal
from gridgov.demo import care_demo
from gridgov.people.models import SpecialGroup


def _summary(district):
    elderly = SpecialGroup.objects.get(code="elderly-alone")
    for index in (0, 2, 4):
        district.persons[index].special_groups.add(elderly)
    return care_demo.generate(now=timezone.make_aware(dt.datetime(2026, 6, 1, 12)), district_code="510113")


def test_demo_on_a_small_world(district):
    summary = _summary(district)
    assert summary["care_plans"] == CarePlan.objects.count() == 2  # A2's person has no grid worker in this world
    assert summary["care_check_ins"] >= 30 and summary["care_missed"] > 0
    statuses = set(CheckIn.objects.values_list("status", flat=True))
    assert {"done", "missed", "scheduled"} <= statuses
    assert set(CheckIn.objects.values_list("result", flat=True)) >= {"well", "needs_help", "unreachable"}
    assert Escalation.objects.filter(status="open").exists()  # the last two days' alerts
    assert Escalation.objects.filter(status="resolved").exists()
    assert Escalation.objects.filter(step__gte=2).exists()
    assert CarePlan.objects.filter(grid_worker__username="grid_worker").exists()
    assert all(journal.verify(e) for e in Escalation.objects.all())
    assert all(journal.verify(c) for c in CheckIn.objects.all()[:200])
    if CarePlan.objects.filter(method="device").exists():
        assert Reading.objects.exists()

