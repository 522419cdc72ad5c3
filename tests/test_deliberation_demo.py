"""The deliberation demo on the small test district: made through the services, proposals in every
state, held meetings with attendance and votes, matters at every step, published notices."""
import datetime as dt

from django.utils import timezone

from gridgov.core import journal
from gridgov.deliberation.models import Matter, Meeting, MeetingStatus, Notice, Proposal, ProposalStatus, Step
from gridgov.demo import deliberation_demo


def test_demo_on_a_small_world(district):
    now = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    summary = deliberation_demo.generate(now=now, district_code="510113")
    assert summary["deliberation_proposals"] == Proposal.objects.count() == 4 * 8
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert {"accepted", "not_accepted", "merged"} <= set(Proposal.objects.values_list("answer", flat=True))
    held = Meeting.objects.filter(status=MeetingStatus.HELD, series__isnull=False)
    assert held.count() >= 4 * 6 and all(m.attendances.exists() and m.minutes for m in held)
    assert Meeting.objects.filter(status=MeetingStatus.CANCELLED).count() == 4
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED, held_on__gt=timezone.localdate(now)).exists()
    assert not Meeting.objects.filter(held_on__lt=(now - dt.timedelta(days=91)).date()).exists()
    steps = list(Matter.objects.values_list("step", flat=True))
    assert set(steps) == set(Step.values) and steps.count(Step.DRAFT) == 2 * 2
    assert Matter.objects.exclude(return_reason="").count() == 2
    assert Notice.objects.count() == summary["deliberation_notices_posted"] == 2 * (4 + 2)
    assert all(journal.verify(subject) for model in (Proposal, Meeting, Matter) for subject in model.objects.all())
