"""The deliberation API (tag ``deliberation``): micro-proposals and their steps, meeting series,
meetings (agenda, attendance, votes, resolutions, minutes), 四议两公开 matters and their notices.
Every step calls the same service the pages call (docs/deliberation.md)."""
import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Path, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.people.models import Person
from gridgov.structure.models import Compound, PartyOrg, Unit

from .models import AgendaItem, Matter, Meeting, MeetingSeries, Notice, Proposal, Resolution
from .services import board, matters, meetings, proposals, series, setup
from .services.common import threshold_for
from .services.proposals import shown_answer

router = Router(tags=["deliberation"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]
Ref = Annotated[str, Field("", max_length=40, pattern=r"^([a-z_]{2,20}:[A-Za-z0-9_-]{1,30})?$")]
STEP = errors(400, 401, 403, 404, 409, 422)


class DeliberationPage(Schema):
    offset: int = Field(0, ge=0, le=10**6)
    limit: int = Field(100, ge=1, le=500)


def _unit(request, code: str) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


# -- proposals ------------------------------------------------------------------------------------
class DeliberationProposalOut(Schema):
    id: int
    community: str
    unit: str
    title: str
    description: str
    status: str
    status_label: str
    support_count: int
    case_codes: list[str]
    created_at: dt.datetime
    answer: str
    answer_reason: str
    merged_into: int | None
    answered_at: dt.datetime | None
    published_at: dt.datetime | None


def _proposal_out(request, proposal: Proposal) -> dict:
    shown = shown_answer(request.user, proposal)
    return {"id": proposal.pk, "community": proposal.community.code, "unit": proposal.unit.code,
            "title": proposal.title, "description": proposal.description, "status": proposal.status,
            "status_label": str(proposal.get_status_display()), "support_count": proposal.support_count,
            "case_codes": proposal.case_codes, "created_at": proposal.created_at,
            "answer": proposal.answer if shown else "", "answer_reason": proposal.answer_reason if shown else "",
            "merged_into": proposal.merged_into_id if shown else None,
            "answered_at": proposal.answered_at if shown else None, "published_at": proposal.published_at}


class DeliberationProposalIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=4000)
    author: RefId | None = None
    unit: UnitCode | None = None
    compound: RefId | None = None


class DeliberationCasesIn(Schema):
    case_codes: list[Annotated[str, Field(min_length=1, max_length=24, pattern=r"^[0-9A-Za-z-]+$")]] = Field(
        ..., min_length=1, max_length=50)
    title: PlainText = Field("", max_length=120)


class DeliberationAnswerIn(Schema):
    answer: Literal["accepted", "not_accepted", "merged"]
    reason: PlainText = Field(..., min_length=1, max_length=2000)
    merged_into: RefId | None = None


class DeliberationReasonIn(Schema):
    reason: PlainText = Field("", max_length=200)


def _proposal(request, pk: int) -> Proposal:
    return get_visible_or_404(request.user, Proposal.objects.select_related("community", "unit"), pk=pk)


@router.get("/proposals", response={200: list[DeliberationProposalOut], **errors(401, 422)}, summary="Micro-proposals")
def list_proposals(request, page: Query[DeliberationPage], status: str | None = None, mine: bool = False):
    rows = visible(request.user, Proposal.objects.select_related("community", "unit"))
    if status:
        rows = rows.filter(status=status)
    if mine:
        rows = rows.filter(author__user=request.user)
    return [_proposal_out(request, p) for p in rows[page.offset:page.offset + page.limit]]


@router.post("/proposals", response={201: DeliberationProposalOut, **errors(400, 401, 403, 404, 422)},
             summary="Propose (微提案)")
def create_proposal(request, body: DeliberationProposalIn):
    author = get_visible_or_404(request.user, Person.objects.all(), pk=body.author) if body.author else None
    unit = Unit.objects.filter(code=body.unit).first() if body.unit else None  # checked by the service
    compound = get_visible_or_404(request.user, Compound.objects.all(), pk=body.compound) if body.compound else None
    proposal = proposals.propose(request.user, title=body.title, description=body.description, author=author,
                                 unit=unit, compound=compound)
    return 201, _proposal_out(request, proposal)


@router.post("/proposals/from-cases", response={201: DeliberationProposalOut, **errors(400, 401, 403, 404, 422)},
             summary="Raise cases (or a hot spot) as one proposal")
def proposal_from_cases(request, body: DeliberationCasesIn):
    proposal = proposals.propose_from_cases(request.user, body.case_codes, title=body.title)
    return 201, _proposal_out(request, proposal)


@router.get("/proposals/{pk}", response={200: DeliberationProposalOut, **errors(401, 404, 422)},
            summary="One proposal")
def proposal_detail(request, pk: Id):
    return _proposal_out(request, _proposal(request, pk))


@router.post("/proposals/{pk}/support", response={200: DeliberationProposalOut, **STEP}, summary="Support a proposal")
def proposal_support(request, pk: Id):
    return _proposal_out(request, proposals.support(request.user, _proposal(request, pk)))


@router.post("/proposals/{pk}/withdraw", response={200: DeliberationProposalOut, **STEP}, summary="Withdraw")
def proposal_withdraw(request, pk: Id, body: DeliberationReasonIn):
    return _proposal_out(request, proposals.withdraw(request.user, _proposal(request, pk), body.reason))


@router.post("/proposals/{pk}/answer", response={200: DeliberationProposalOut, **STEP}, summary="Answer (unpublished)")
def proposal_answer(request, pk: Id, body: DeliberationAnswerIn):
    target = _proposal(request, body.merged_into) if body.merged_into else None
    return _proposal_out(request, proposals.answer(request.user, _proposal(request, pk), answer=body.answer,
                                                   reason=body.reason, merged_into=target))


@router.post("/proposals/{pk}/publish", response={200: DeliberationProposalOut, **STEP}, summary="Publish the answer")
def proposal_publish(request, pk: Id):
    return _proposal_out(request, proposals.publish_answer(request.user, _proposal(request, pk)))


@router.post("/proposals/{pk}/implement", response={200: DeliberationProposalOut, **STEP},
             summary="Mark an accepted proposal implemented")
def proposal_implement(request, pk: Id, body: DeliberationReasonIn):
    return _proposal_out(request, proposals.mark_implemented(request.user, _proposal(request, pk), body.reason))


# -- series and meetings ------------------------------------------------------------------------------
Kind = Literal["bench", "tenth", "committees", "party", "representatives", "joint"]


class DeliberationSeriesIn(Schema):
    community: UnitCode
    kind: Kind
    title: PlainText = Field(..., min_length=1, max_length=120)
    recurrence: Literal["tenth", "weekly", "monthly"]
    start_time: dt.time
    weekday: int | None = Field(None, ge=0, le=6)
    day_of_month: int | None = Field(None, ge=1, le=31)
    place: PlainText = Field("", max_length=200)


class DeliberationSeriesOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    recurrence: str
    weekday: int | None
    day_of_month: int | None
    start_time: dt.time
    place: str
    active: bool

    @staticmethod
    def resolve_community(obj):
        return obj.community.code


class DeliberationMeetingIn(Schema):
    community: UnitCode
    kind: Kind
    title: PlainText = Field(..., min_length=1, max_length=120)
    starts_at: dt.datetime
    place: PlainText = Field("", max_length=200)


class DeliberationResolutionOut(Schema):
    id: int
    passed: bool
    votes_for: int
    votes_against: int
    abstentions: int
    present: int
    entitled: int | None
    text: str
    decided_at: dt.datetime


class DeliberationItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    subject_ref: str
    resolution: DeliberationResolutionOut | None

    @staticmethod
    def resolve_resolution(obj):
        return getattr(obj, "resolution", None)  # the reverse one-to-one raises an AttributeError when absent


class DeliberationMeetingOut(Schema):
    id: int
    community: str
    series: int | None
    kind: str
    title: str
    held_on: dt.date
    starts_at: dt.datetime
    place: str
    status: str
    entitled: int | None
    present: int
    minutes: str
    items: list[DeliberationItemOut]

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_series(obj):
        return obj.series_id

    @staticmethod
    def resolve_present(obj):
        return obj.attendances.count()

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.select_related("resolution"))


class DeliberationCheckInIn(Schema):
    person: RefId | None = None


class DeliberationItemIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    subject_ref: Ref = ""
    description: PlainText = Field("", max_length=4000)


class DeliberationVoteIn(Schema):
    choice: Literal["for", "against", "abstain"]
    person: RefId | None = None


class DeliberationTextIn(Schema):
    text: PlainText = Field("", max_length=20000)


def _meeting(request, pk: int) -> Meeting:
    return get_visible_or_404(request.user, Meeting.objects.select_related("community"), pk=pk)


def _item(request, meeting: Meeting, pk: int) -> AgendaItem:
    return get_visible_or_404(request.user, AgendaItem.objects.filter(meeting=meeting), pk=pk)


@router.get("/series", response={200: list[DeliberationSeriesOut], **errors(401, 422)}, summary="Meeting series")
def list_series(request):
    return list(visible(request.user, MeetingSeries.objects.select_related("community"))[:500])


@router.post("/series", response={201: DeliberationSeriesOut, **errors(400, 401, 403, 404, 422)},
             summary="Create a meeting series (its meetings are scheduled ahead)")
def create_series(request, body: DeliberationSeriesIn):
    return 201, series.create_series(request.user, community=_unit(request, body.community),
                                     **body.dict(exclude={"community"}))


@router.get("/meetings", response={200: list[DeliberationMeetingOut], **errors(401, 422)}, summary="Meetings")
def list_meetings(request, page: Query[DeliberationPage], start: dt.date | None = None, end: dt.date | None = None):
    rows = visible(request.user, Meeting.objects.select_related("community"))
    if start:
        rows = rows.filter(held_on__gte=start)
    if end:
        rows = rows.filter(held_on__lte=end)
    return list(rows[page.offset:page.offset + page.limit])


@router.post("/meetings", response={201: DeliberationMeetingOut, **errors(400, 401, 403, 404, 422)},
             summary="Schedule a meeting")
def create_meeting(request, body: DeliberationMeetingIn):
    return 201, meetings.schedule(request.user, community=_unit(request, body.community), kind=body.kind,
                                  title=body.title, starts_at=body.starts_at, place=body.place)


@router.get("/meetings/{pk}", response={200: DeliberationMeetingOut, **errors(401, 404, 422)}, summary="One meeting")
def meeting_detail(request, pk: Id):
    return _meeting(request, pk)


@router.post("/meetings/{pk}/open", response={200: DeliberationMeetingOut, **STEP}, summary="Open the session")
def meeting_open(request, pk: Id):
    return meetings.open_meeting(request.user, _meeting(request, pk))


@router.post("/meetings/{pk}/attendance", response={200: DeliberationMeetingOut, **STEP},
             summary="Check in (oneself, or a person by the staff)")
def meeting_check_in(request, pk: Id, body: DeliberationCheckInIn):
    person = get_visible_or_404(request.user, Person.objects.all(), pk=body.person) if body.person else None
    return meetings.check_in(request.user, _meeting(request, pk), person)


@router.post("/meetings/{pk}/items", response={201: DeliberationItemOut, **STEP}, summary="Add an agenda item")
def meeting_add_item(request, pk: Id, body: DeliberationItemIn):
    return 201, meetings.add_agenda_item(request.user, _meeting(request, pk), title=body.title,
                                         subject_ref=body.subject_ref, description=body.description)


@router.post("/meetings/{pk}/items/{item}/votes", response={200: DeliberationMeetingOut, **STEP},
             summary="Vote (oneself, or an attendee's vote recorded by the staff)")
def meeting_vote(request, pk: Id, item: Id, body: DeliberationVoteIn):
    meeting = _meeting(request, pk)
    person = get_visible_or_404(request.user, Person.objects.all(), pk=body.person) if body.person else None
    return meetings.vote(request.user, meeting, _item(request, meeting, item), body.choice, person)


@router.post("/meetings/{pk}/items/{item}/resolve", response={201: DeliberationResolutionOut, **STEP},
             summary="Count the votes into a resolution")
def meeting_resolve(request, pk: Id, item: Id, body: DeliberationTextIn):
    meeting = _meeting(request, pk)
    return 201, meetings.resolve_item(request.user, meeting, _item(request, meeting, item), body.text)


@router.post("/meetings/{pk}/minutes", response={200: DeliberationMeetingOut, **STEP}, summary="Record the minutes")
def meeting_minutes(request, pk: Id, body: DeliberationTextIn):
    return meetings.record_minutes(request.user, _meeting(request, pk), body.text)


@router.post("/meetings/{pk}/close", response={200: DeliberationMeetingOut, **STEP}, summary="Close the session")
def meeting_close(request, pk: Id):
    return meetings.close(request.user, _meeting(request, pk))


# -- matters and notices ------------------------------------------------------------------------------
class DeliberationMatterIn(Schema):
    community: UnitCode
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=4000)
    subject_ref: Ref = ""


class DeliberationMatterOut(Schema):
    id: int
    community: str
    title: str
    description: str
    subject_ref: str
    step: str
    step_label: str
    return_reason: str
    result: str
    resolution_published: bool

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_step_label(obj):
        return str(obj.get_step_display())


class DeliberationAdvanceIn(Schema):
    resolution: RefId | None = None
    party_org: RefId | None = None
    text: PlainText = Field("", max_length=8000)
    completed_on: dt.date | None = None


class DeliberationNoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    posted_at: dt.datetime
    display_until: dt.date
    taken_down_at: dt.datetime | None


def _matter(request, pk: int) -> Matter:
    return get_visible_or_404(request.user, Matter.objects.select_related("community"), pk=pk)


@router.get("/matters", response={200: list[DeliberationMatterOut], **errors(401, 422)}, summary="四议两公开 matters")
def list_matters(request, page: Query[DeliberationPage], step: str | None = None):
    rows = visible(request.user, Matter.objects.select_related("community"))
    rows = rows.filter(step=step) if step else rows
    return list(rows[page.offset:page.offset + page.limit])


@router.post("/matters", response={201: DeliberationMatterOut, **errors(400, 401, 403, 404, 422)},
             summary="Open a matter in draft")
def create_matter(request, body: DeliberationMatterIn):
    return 201, matters.open_matter(request.user, community=_unit(request, body.community), title=body.title,
                                    description=body.description, subject_ref=body.subject_ref)


@router.get("/matters/{pk}", response={200: DeliberationMatterOut, **errors(401, 404, 422)}, summary="One matter")
def matter_detail(request, pk: Id):
    return _matter(request, pk)


@router.post("/matters/{pk}/advance", response={200: DeliberationMatterOut, **STEP},
             summary="Take the matter's next step")
def matter_advance(request, pk: Id, body: DeliberationAdvanceIn):
    matter = _matter(request, pk)
    resolution = (get_visible_or_404(request.user, Resolution.objects.select_related("meeting", "item"),
                                     pk=body.resolution) if body.resolution else None)
    org = get_visible_or_404(request.user, PartyOrg.objects.all(), pk=body.party_org) if body.party_org else None
    return matters.advance(request.user, matter, resolution=resolution, party_org=org, text=body.text,
                           completed_on=body.completed_on)


@router.get("/notices/{code}", response={200: list[DeliberationNoticeOut], **errors(401, 404, 422)},
            summary="A community's notice board")
def list_notices(request, code: UnitCode):
    return list(board.on_board(board.community_by_code(code))[:200])


@router.post("/notices/{pk}/take-down", response={200: DeliberationNoticeOut, **STEP},
             summary="Take a publication down after its display period")
def notice_take_down(request, pk: Id):
    notice = get_visible_or_404(request.user, Notice.objects.select_related("community"), pk=pk)
    return board.take_down(request.user, notice)


# -- settings ---------------------------------------------------------------------------------------
class DeliberationSettingsIn(Schema):
    district: UnitCode
    support_threshold: int | None = Field(None, ge=1, le=10000)
    display_days: int | None = Field(None, ge=1, le=365)
    publication_days: int | None = Field(None, ge=1, le=60)
    horizon_weeks: int | None = Field(None, ge=1, le=52)


class DeliberationSettingsOut(Schema):
    district_code: str
    support_threshold: int
    display_days: int
    publication_days: int
    horizon_weeks: int


class DeliberationThresholdIn(Schema):
    support_threshold: int | None = Field(None, ge=1, le=10000, description="None: the district's threshold")


class DeliberationThresholdOut(Schema):
    community: str
    support_threshold: int


@router.put("/settings", response={200: DeliberationSettingsOut, **errors(400, 401, 403, 404, 422)},
            summary="Change the district's deliberation settings")
def put_settings(request, body: DeliberationSettingsIn):
    values = {k: v for k, v in body.dict(exclude={"district"}).items() if v is not None}
    return setup.configure(request.user, _unit(request, body.district), **values)


@router.put("/thresholds/{code}", response={200: DeliberationThresholdOut, **errors(400, 401, 403, 404, 422)},
            summary="Set (or clear) a community's support threshold")
def put_threshold(request, code: UnitCode, body: DeliberationThresholdIn):
    community = _unit(request, code)
    setup.set_threshold(request.user, community, body.support_threshold)
    return {"community": community.code, "support_threshold": threshold_for(community)}
