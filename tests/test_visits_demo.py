"""The visits demo on the small test district: made through the services, every state, cases
filed through the real filing, and intact journals."""
import datetime as dt

from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.core import journal
from gridgov.demo import visits_demo
from gridgov.visits.models import ContactPoint, Promise, Reception, Visit


def test_demo_on_a_small_world(world):
    now = timezone.make_aware(dt.datetime(2026, 6, 10, 12))
    summary = visits_demo.generate(now=now, district_code="510113")
    assert summary["visits_refused_steps"] == 0
    assert summary["visits_done"] > 0 and summary["visits_planned"] == Visit.objects.filter(rule__isnull=False).count()
    states = set(Visit.objects.values_list("status", flat=True))
    assert states == {"planned", "done", "cancelled"}
    assert Case.objects.filter(channel="visit").count() == Visit.objects.filter(case__isnull=False).count() > 0
    assert ContactPoint.objects.count() == summary["visits_contact_points"] >= 3
    assert Reception.objects.exists() and Promise.objects.exists()
    assert Visit.objects.filter(visitor_kind="leading_cadre", status="done").exists()
    assert Visit.objects.filter(created_at__lt=now - dt.timedelta(days=92)).count() == 0
    assert all(journal.verify(visit) for visit in Visit.objects.all())
