"""The party-building demo on the small test district (its organisations and members from
tests/partybuilding_world.py): made through the services, every state, deterministic, journals intact."""
import datetime as dt

from django.utils import timezone

from gridgov.core import journal
from gridgov.demo import partybuilding_demo
from gridgov.partybuilding.models import (
    Attendance,
    Contact,
    Credit,
    MobileMember,
    PartyEntry,
    Pledge,
    VanguardPost,
)

from . import partybuilding_world as pw


def test_demo_on_a_small_world(district):
    pw.build(district)
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    summary = partybuilding_demo.generate(now=now, district_code="510113")
    assert summary["partybuilding_refused_steps"] == 0 and summary["partybuilding_communities"] == 1
    assert summary["partybuilding_mobile"] == MobileMember.objects.count() == 4
    assert set(MobileMember.objects.values_list("status", flat=True)) == {"away", "returned"}
    assert Contact.objects.exists() and Attendance.objects.exists()
    # Some completed by hours, some by a test, some only attended; the short course's credits expired.
    assert set(Credit.objects.values_list("basis", flat=True)) == {"hours", "test"}
    assert Credit.objects.filter(expired_at__isnull=False, warned_at__isnull=False).exists()
    assert Credit.objects.filter(expired_at__isnull=True).exists()
    attended_only = {a.person_id for a in Attendance.objects.all()} - set(
        Credit.objects.filter(course__title="党章党规学习").values_list("person", flat=True))
    assert attended_only
    assert set(Pledge.objects.values_list("status", flat=True)) == {"open", "fulfilled", "unfulfilled"}
    assert VanguardPost.objects.filter(holder__isnull=True).exists() and summary["partybuilding_posts_held"] >= 2
    assert PartyEntry.objects.filter(action="not_contacted").exists()
    assert all(journal.verify(m, PartyEntry) for m in MobileMember.objects.all())
    assert all(journal.verify(c, PartyEntry) for c in Credit.objects.all())
