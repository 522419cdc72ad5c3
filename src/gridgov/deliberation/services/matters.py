"""四议两公开: one gated state machine per matter. Each step is taken by :func:`advance`, which knows
what the step needs — the party organisation that proposes; a passing resolution of a quorate
meeting of the right kind for each of the three deliberations; the text of each publication — and
refuses anything else. No step can be skipped: a matter only ever moves to the step after its own.
A failed vote returns the matter to draft (:func:`return_after_failed_vote`, called by the meeting's
resolution). The two publications are notices on the community's board (:mod:`.board`)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import PartyOrg

from ..actions import DeliberationAction as A
from ..models import Matter, MeetingKind, Notice, NoticeKind, Resolution
from ..models import Step as S
from . import rules
from .common import check_ref, matter_transition, plain, require_community, require_staff, settings_for


def open_matter(actor, *, community, title: str, description: str = "", subject_ref: str = "") -> Matter:
    """A matter in draft about ``subject_ref`` (e.g. a micro-project)."""
    require_community(community)
    require_staff(actor, community)
    with transaction.atomic():
        matter = Matter.objects.create(
            community=community, title=plain(title, _("Title"), 120, required=True),
            description=plain(description, _("Description"), 4000), subject_ref=check_ref(subject_ref))
        journal.append(matter, actor, A.DRAFT, to_status=S.DRAFT)
    return matter


def _move(matter, actor, to_step, *, action=A.ADVANCE, note="", data=None):
    from_step = matter.step
    matter.step = to_step
    matter.step_at = clock.now()
    matter.save()
    journal.append(matter, actor, action, from_status=from_step, to_status=to_step, note=note, data=data)


def _check_resolution(matter, resolution: Resolution | None, kind: str) -> None:
    if resolution is None:
        raise ValidationError(_("This step needs the resolution of a %(kind)s on this matter.")
                              % {"kind": MeetingKind(kind).label})
    if resolution.item.matter_id != matter.pk:
        raise ValidationError(_("That resolution is about another subject."))
    if resolution.meeting.kind != kind:
        raise ValidationError(_("A resolution of a %(given)s cannot take this step: it needs a %(kind)s.")
                              % {"given": MeetingKind(resolution.meeting.kind).label,
                                 "kind": MeetingKind(kind).label})
    if not resolution.passed:
        raise ValidationError(_("That resolution did not pass."))
    if resolution.decided_at < matter.step_at:
        raise ValidationError(_("That resolution was made before the matter reached its present step."))


def _publish(matter, actor, kind: str, text: str) -> Notice:
    """Post a publication on the community's board for the district's minimum display period."""
    posted = clock.now()
    days = settings_for(matter.community.district_code).display_days
    label = NoticeKind(kind).label
    return Notice.objects.create(
        community=matter.community, matter=matter, kind=kind, title=f"{matter.title} · {label}",
        body=plain(text, _("Text"), 8000, required=True), posted_at=posted,
        display_until=timezone.localtime(posted).date() + dt.timedelta(days=days))


@matter_transition
def advance(actor, matter, *, resolution: Resolution | None = None, party_org: PartyOrg | None = None,
            text: str = "", completed_on: dt.date | None = None):
    """Take the matter's next step, and only that one (see the module's docstring)."""
    require_staff(actor, matter.community)
    target = rules.next_step(matter.step)
    if target is None:
        raise InvalidTransition(_("This matter is closed."))
    data, now = {}, clock.now()
    if target == S.PROPOSED:
        if party_org is None or not PartyOrg.objects.filter(subtree_q("unit__code", matter.community.code),
                                                            pk=party_org.pk).exists():
            raise ValidationError(_("Name the community's party organisation that proposes the matter."))
        matter.party_org = party_org
        data["party_org"] = party_org.pk
    elif target in rules.MEETING_FOR_STEP:
        _check_resolution(matter, resolution, rules.MEETING_FOR_STEP[target])
        data["resolution"] = resolution.pk
        if target == S.RESOLVED:
            matter.resolved_at = now
    elif target == S.PUBLISHED:
        data["notice"] = _publish(matter, actor, NoticeKind.RESOLUTION, text).pk
        matter.resolution_published_at = now
    elif target == S.RESULT_PUBLISHED:
        if completed_on is None or completed_on > timezone.localdate(now):
            raise ValidationError(_("Give the day the implementation was completed (not in the future)."))
        matter.completed_on = completed_on
        matter.result = plain(text, pgettext("matter", "Result"), 8000, required=True)
        data["notice"] = _publish(matter, actor, NoticeKind.RESULT, text).pk
        matter.result_published_at = now
    elif target == S.CLOSED:
        matter.closed_at = now
    _move(matter, actor, target, action=A.PUBLISH if "notice" in data else A.ADVANCE, data=data)


def publish(actor, matter, *, kind: str, text: str, completed_on: dt.date | None = None) -> Matter:
    """A publication (两公开): the resolution right after the representatives resolved, the result
    right after the implementation. Anything else is refused — a publication never comes early."""
    expected = {NoticeKind.RESOLUTION: S.RESOLVED, NoticeKind.RESULT: S.IMPLEMENTING}.get(kind)
    if expected is None:
        raise ValidationError(_("Publish a resolution or a result."))
    current = Matter.objects.filter(pk=matter.pk).values_list("step", flat=True).first()
    if current != expected:
        if kind == NoticeKind.RESOLUTION:
            raise InvalidTransition(_("A resolution can be published only once the representatives' meeting "
                                      "has resolved the matter (and only once)."))
        raise InvalidTransition(_("A result can be published only while the matter is being implemented."))
    return advance(actor, matter, text=text, completed_on=completed_on)


@matter_transition
def return_after_failed_vote(actor, matter, resolution: Resolution):
    """A failed vote on the step the matter was waiting for sends it back to draft, with the counts."""
    if rules.MEETING_FOR_STEP.get(rules.next_step(matter.step)) != resolution.meeting.kind:
        return
    reason = _("The %(kind)s did not pass it on %(day)s: %(for)d for, %(against)d against, %(abstain)d "
               "abstaining, %(present)d present.") % {
        "kind": MeetingKind(resolution.meeting.kind).label, "day": resolution.meeting.held_on,
        "for": resolution.votes_for, "against": resolution.votes_against, "abstain": resolution.abstentions,
        "present": resolution.present}
    matter.return_reason = reason
    _move(matter, actor, S.DRAFT, action=A.RETURN, note=reason, data={"resolution": resolution.pk})
