"""The deliberation pages: residents propose, support and follow proposals and check in and vote at
meetings on their phones; staff answer and publish proposals, run meetings and take matters through
四议两公开. Every step posts to one service; a refusal comes back as a message on the same page and
nothing changes."""
import calendar
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core import clock
from gridgov.people.models import Person
from gridgov.structure.models import PartyOrg, Unit

from ..models import (
    AgendaItem,
    Answer,
    Choice,
    Matter,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Proposal,
    ProposalStatus,
    Resolution,
    Step,
)
from ..services import matters, meetings, proposals
from ..services.common import community_of, is_staff, person_of
from ..services.rules import MEETING_FOR_STEP, next_step


def _back(request, default="deliberation-proposals") -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
            return candidate
    return reverse(default)


def _refusals(view):
    """Show a refused step as a message and go back to the page; nothing was changed."""
    @wraps(view)
    def run(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else (
                str(error) or _("You may not do this."))
            messages.error(request, text)
            return redirect(_back(request))
    return run


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose from the list.")) from None
    if not 1 <= number <= 2**31 - 1:
        raise ValidationError(_("Choose from the list."))
    return number


def _staff_communities(user):
    roots = scope_for(user).roots(DELIBERATION_STAFF_ROLES)
    q = Q(pk__in=[])
    for code in roots:
        q |= Q(code__startswith=code)
    return Unit.objects.filter(q, kind="community").order_by("code")


def _require_any_staff(user):
    if not scope_for(user).units_of(DELIBERATION_STAFF_ROLES):
        raise PermissionDenied


# -- residents ------------------------------------------------------------------------------------
@login_required
def proposals_page(request):
    """The community's proposals and one's own (a resident), or every proposal in reach (staff)."""
    person = person_of(request.user)
    rows = visible(request.user, Proposal.objects.select_related("community", "unit"))
    mine = rows.filter(author=person) if person else rows.none()
    supported = set(person.proposal_supports.values_list("proposal", flat=True)) if person else set()
    return render(request, "deliberation/proposals.html", {
        "mine": list(mine[:50]), "proposals": list(rows.exclude(status=ProposalStatus.WITHDRAWN)[:100]),
        "supported": supported, "person": person})


@login_required
@_refusals
def propose_page(request):
    person = person_of(request.user)
    if request.method == "POST":
        author = person
        if request.POST.get("author"):
            author = get_visible_or_404(request.user, Person.objects.all(), pk=_int(request.POST["author"]))
        # The service accepts only the author's own grid or community, so the unit is read unscoped:
        # a resident's scope starts below their community.
        unit = Unit.objects.filter(code=request.POST.get("unit", "")).first() if request.POST.get("unit") else None
        proposal = proposals.propose(request.user, title=request.POST.get("title", ""),
                                     description=request.POST.get("description", ""), author=author, unit=unit)
        messages.success(request, _("Your proposal was submitted."))
        return redirect(proposal)
    places = []
    if person is not None:
        community = community_of(person)
        grid = Unit.objects.filter(code=person.unit.code[:15], kind="grid").first()
        places = [u for u in (grid, community) if u]
    return render(request, "deliberation/propose.html", {"places": places, "person": person})


@login_required
def proposal_page(request, pk):
    proposal = get_visible_or_404(request.user, Proposal.objects.select_related("community", "unit", "author"), pk=pk)
    person = person_of(request.user)
    staff = is_staff(request.user, proposal.community)
    return render(request, "deliberation/proposal.html", {
        "p": proposal, "staff": staff, "show_answer": proposals.shown_answer(request.user, proposal),
        "own": person is not None and proposal.author_id == person.pk,
        "supported": person is not None and proposal.supports.filter(person=person).exists(),
        "answers": Answer.choices,
        "merge_targets": Proposal.objects.filter(community=proposal.community).exclude(pk=proposal.pk)
        .exclude(status=ProposalStatus.WITHDRAWN)[:50] if staff else [],
        "journal": proposal.journal.select_related("actor") if staff else []})


PROPOSAL_STEPS = {
    "support": lambda r, p: proposals.support(r.user, p),
    "withdraw": lambda r, p: proposals.withdraw(r.user, p, r.POST.get("reason", "")),
    "answer": lambda r, p: proposals.answer(
        r.user, p, answer=r.POST.get("answer", ""), reason=r.POST.get("reason", ""),
        merged_into=get_visible_or_404(r.user, Proposal.objects.all(), pk=_int(r.POST["merged_into"]))
        if r.POST.get("merged_into") else None),
    "publish": lambda r, p: proposals.publish_answer(r.user, p),
    "implement": lambda r, p: proposals.mark_implemented(r.user, p, r.POST.get("reason", "")),
}


@login_required
@require_POST
@_refusals
def proposal_step(request, pk, step):
    if step not in PROPOSAL_STEPS:
        raise Http404
    proposal = get_visible_or_404(request.user, Proposal.objects.all(), pk=pk)
    PROPOSAL_STEPS[step](request, proposal)
    messages.success(request, _("Done."))
    return redirect(_back(request))


@login_required
@require_POST
@_refusals
def from_cases(request):
    """Raise one case (the case page's button) or a hot spot's cases as one proposal."""
    codes = request.POST.getlist("case_codes") or request.POST.getlist("case")
    proposal = proposals.propose_from_cases(request.user, codes, title=request.POST.get("title", ""))
    messages.success(request, _("Raised as a proposal."))
    return redirect(proposal)


@login_required
def my_meetings(request):
    """The meetings of one's community: upcoming ones, and those in session to check in and vote at."""
    person = person_of(request.user)
    today = timezone.localdate(clock.now())
    rows = visible(request.user, Meeting.objects.select_related("community")).filter(
        Q(held_on__gte=today) | Q(status=MeetingStatus.OPEN)).exclude(status=MeetingStatus.CANCELLED)
    attending = set(person.meeting_attendances.values_list("meeting", flat=True)) if person else set()
    return render(request, "deliberation/my_meetings.html", {"meetings": list(rows[:30]), "attending": attending})


# -- staff ----------------------------------------------------------------------------------------
@login_required
def queue(request):
    """Proposals to answer and to publish, in the communities in reach."""
    _require_any_staff(request.user)
    rows = visible(request.user, Proposal.objects.select_related("community", "unit"))
    return render(request, "deliberation/queue.html", {
        "to_answer": list(rows.filter(status__in=(ProposalStatus.OPEN, ProposalStatus.ON_AGENDA))
                          .order_by("-support_count", "created_at")[:100]),
        "unpublished": list(rows.filter(status=ProposalStatus.ANSWERED)[:100]),
        "published": list(rows.filter(status=ProposalStatus.PUBLISHED)[:50])})


@login_required
def calendar_page(request):
    """A month of meetings as a list, day by day (``?month=2026-12``)."""
    _require_any_staff(request.user)
    today = timezone.localdate(clock.now())
    month = parse_date(f"{request.GET.get('month', '')}-01") if request.GET.get("month") else None
    first = (month or today).replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    rows = visible(request.user, Meeting.objects.select_related("community", "series")).filter(
        held_on__range=(first, last))
    previous, following = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    return render(request, "deliberation/calendar.html", {
        "meetings": list(rows), "first": first, "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"), "communities": _staff_communities(request.user),
        "kinds": MeetingKind.choices})


@login_required
@require_POST
@_refusals
def schedule_page(request):
    community = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("community", ""))
    moment = parse_datetime(request.POST.get("starts_at", "") or "")
    if moment is None or not 2000 <= moment.year <= 2100:
        raise ValidationError(_("Enter a valid date and time."))
    meeting = meetings.schedule(request.user, community=community, kind=request.POST.get("kind", ""),
                                title=request.POST.get("title", ""), starts_at=moment,
                                place=request.POST.get("place", ""))
    return redirect(meeting)


@login_required
def meeting_page(request, pk):
    meeting = get_visible_or_404(request.user, Meeting.objects.select_related("community", "series"), pk=pk)
    staff = is_staff(request.user, meeting.community)
    person = person_of(request.user)
    items = list(meeting.items.select_related("resolution", "proposal", "matter"))
    attendees = list(meeting.attendances.select_related("person")) if staff else []
    my_votes = dict(meeting.items.filter(votes__person=person).values_list("pk", "votes__choice")) if person else {}
    entitled = None
    if staff and meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.OPEN):
        ids = meetings.entitled_ids(meeting)
        present = {a.person_id for a in attendees}
        pool = (Person.objects.filter(pk__in=ids) if ids is not None
                else Person.objects.filter(unit__code__startswith=meeting.community.code))
        entitled = list(pool.exclude(pk__in=present).order_by("name")[:300])
    return render(request, "deliberation/meeting.html", {
        "m": meeting, "staff": staff, "items": items, "attendees": attendees, "entitled": entitled,
        "present": meeting.attendances.count(), "quorate": meetings.is_quorate(meeting),
        "checked_in": person is not None and meeting.attendances.filter(person=person).exists(),
        "my_votes": my_votes, "choices": Choice.choices, "open": meeting.status == MeetingStatus.OPEN})


def _item(request, meeting):
    return get_visible_or_404(request.user, AgendaItem.objects.filter(meeting=meeting), pk=_int(request.POST.get("item")))


def _person(request):
    return get_visible_or_404(request.user, Person.objects.all(), pk=_int(request.POST["person"])) \
        if request.POST.get("person") else None


MEETING_STEPS = {
    "open": lambda r, m: meetings.open_meeting(r.user, m),
    "check_in": lambda r, m: meetings.check_in(r.user, m, _person(r)),
    "item": lambda r, m: meetings.add_item(r.user, m, title=r.POST.get("title", ""),
                                           subject_ref=r.POST.get("subject_ref", ""),
                                           description=r.POST.get("description", "")),
    "vote": lambda r, m: meetings.vote(r.user, m, _item(r, m), r.POST.get("choice", ""), _person(r)),
    "resolve": lambda r, m: meetings.resolve(r.user, m, _item(r, m), r.POST.get("text", "")),
    "minutes": lambda r, m: meetings.record_minutes(r.user, m, r.POST.get("minutes", "")),
    "close": lambda r, m: meetings.close(r.user, m),
    "cancel": lambda r, m: meetings.cancel(r.user, m, r.POST.get("reason", "")),
}


@login_required
@require_POST
@_refusals
def meeting_step(request, pk, step):
    if step not in MEETING_STEPS:
        raise Http404
    meeting = get_visible_or_404(request.user, Meeting.objects.all(), pk=pk)
    MEETING_STEPS[step](request, meeting)
    messages.success(request, _("Done."))
    return redirect(_back(request))


def needs(matter) -> str:
    """What the matter's next step needs, in words (the board's last column)."""
    target = next_step(matter.step)
    if target is None:
        return ""
    if target == Step.PROPOSED:
        return _("The party organisation proposes it.")
    if target in MEETING_FOR_STEP:
        return _("A passing resolution of a quorate %(kind)s.") % {"kind": MeetingKind(MEETING_FOR_STEP[target]).label}
    if target == Step.PUBLISHED:
        return _("Publish the resolution on the notice board.")
    if target == Step.IMPLEMENTING:
        return _("Start the implementation.")
    if target == Step.RESULT_PUBLISHED:
        return _("Publish the result, with the day the implementation was completed.")
    return _("Close the matter.")


@login_required
def matters_page(request):
    _require_any_staff(request.user)
    rows = visible(request.user, Matter.objects.select_related("community"))
    return render(request, "deliberation/matters.html", {
        "rows": [(m, needs(m)) for m in rows[:200]], "communities": _staff_communities(request.user)})


@login_required
@require_POST
@_refusals
def open_matter_page(request):
    community = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("community", ""))
    matter = matters.open_matter(request.user, community=community, title=request.POST.get("title", ""),
                                 description=request.POST.get("description", ""),
                                 subject_ref=request.POST.get("subject_ref", ""))
    return redirect(matter)


@login_required
def matter_page(request, pk):
    matter = get_visible_or_404(request.user, Matter.objects.select_related("community", "party_org"), pk=pk)
    target = next_step(matter.step)
    kind = MEETING_FOR_STEP.get(target)
    resolutions = (Resolution.objects.filter(item__matter=matter, passed=True, meeting__kind=kind)
                   .select_related("meeting") if kind else [])
    orgs = PartyOrg.objects.filter(unit__code__startswith=matter.community.code) if target == Step.PROPOSED else []
    return render(request, "deliberation/matter.html", {
        "m": matter, "target": target, "needs": needs(matter), "resolutions": resolutions, "orgs": orgs,
        "staff": is_staff(request.user, matter.community), "journal": matter.journal.select_related("actor"),
        "notices": matter.notices.all(), "steps": list(Step)})


@login_required
@require_POST
@_refusals
def matter_advance(request, pk):
    matter = get_visible_or_404(request.user, Matter.objects.all(), pk=pk)
    resolution = (get_visible_or_404(request.user, Resolution.objects.select_related("meeting", "item"),
                                     pk=_int(request.POST["resolution"])) if request.POST.get("resolution") else None)
    org = (get_visible_or_404(request.user, PartyOrg.objects.all(), pk=_int(request.POST["party_org"]))
           if request.POST.get("party_org") else None)
    completed = request.POST.get("completed_on")
    completed_on = parse_date(completed) if completed else None
    if completed and completed_on is None:
        raise ValidationError(_("Enter a valid date."))
    matters.advance(request.user, matter, resolution=resolution, party_org=org,
                    text=request.POST.get("text", ""), completed_on=completed_on)
    messages.success(request, _("Done."))
    return redirect(matter)
