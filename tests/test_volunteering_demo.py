"""The volunteering demo on the small test district: made through the services, every state, the
resident login with points and orders, and a ledger that balances."""
import datetime as dt

from django.utils import timezone

from gridgov.core import journal
from gridgov.demo import volunteering_demo
from gridgov.ledger import services as ledger
from gridgov.volunteering.models import ServiceOrder, ServiceRecord, Volunteer
from gridgov.volunteering.services.common import POINTS, person_balance


def test_demo_on_a_small_world(district):
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    summary = volunteering_demo.generate(now=now, district_code="510113")
    assert summary["volunteering_refused_steps"] == 0
    assert summary["volunteering_orders"] == ServiceOrder.objects.count() > 0
    assert summary["volunteering_registered"] == Volunteer.objects.count() >= 8
    assert ServiceRecord.objects.exists() and summary["volunteering_activities"] == 4
    states = set(ServiceOrder.objects.values_list("status", flat=True))
    assert {"rated", "verified", "published"} <= states and len(states) >= 7
    resident = district.users["resident"].person
    assert person_balance(resident, POINTS) >= 15  # three services of theirs, 5 points at least each
    assert ServiceOrder.objects.filter(resident=resident).count() >= 3
    assert ServiceOrder.objects.filter(ordered_at__lt=now - dt.timedelta(days=90)).count() == 0
    assert ledger.check().ok
    assert all(journal.verify(order) for order in ServiceOrder.objects.all())
