"""The party-building API (tag ``partybuilding``): the kite plan (mobile members, contacts),
organisation life sessions and attendance, courses, their sessions, attendance, results and credits,
training coverage, vanguard posts and pledges. Every step calls one service, which re-checks scope,
role and state in its own transaction (docs/partybuilding.md)."""
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.errors import NotFound
from gridgov.core.text import PlainText
from gridgov.structure.models import PartyOrg, Unit

from .models import Course, CourseSession, Credit, LifeSession, MobileMember, Pledge, VanguardPost
from .services import kite, pledges, posts, training
from .services.common import today
from .services.coverage import coverage_by_org, with_children
from .services.members import person_for

router = Router(tags=["partybuilding"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]
Hours = Annotated[Decimal, Field(gt=0, le=999, max_digits=4, decimal_places=1)]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]


def _get(request, model, pk):
    return get_visible_or_404(request.user, model.objects.all(), pk=pk)


def _person(request, pk):
    return person_for(request.user, pk)


def _org(request, pk) -> PartyOrg:
    return get_visible_or_404(request.user, PartyOrg.objects.select_related("unit"), pk=pk)


# -- schemas ---------------------------------------------------------------------------------------
class PartyMobileOut(Schema):
    id: int
    person: str
    home_org: str
    province: str
    city: str
    employer: str
    since: dt.date
    status: str
    liaison: str | None
    last_contact: dt.date | None = None
    days_silent: int | None = None

    @staticmethod
    def resolve_person(obj):
        return obj.person.name

    @staticmethod
    def resolve_home_org(obj):
        return obj.home_org.name

    @staticmethod
    def resolve_liaison(obj):
        return obj.liaison.username if obj.liaison_id else None


class PartyMobileIn(Schema):
    person: RefId
    home_org: RefId
    city: PlainText = Field(..., min_length=1, max_length=30)
    province: PlainText = Field("", max_length=30)
    employer: PlainText = Field("", max_length=100)
    since: Day


class PartyContactIn(Schema):
    kind: Literal["call", "online_study", "dues", "letter", "visit"]
    on: Day
    note: PlainText = Field("", max_length=300)


class PartyContactOut(Schema):
    id: int
    kind: str
    on: dt.date
    note: str


class PartyDayIn(Schema):
    on: Day


class PartyLifeIn(Schema):
    org: RefId
    on: Day
    topic: PlainText = Field(..., min_length=1, max_length=200)


class PartyLifeOut(Schema):
    id: int
    org: str
    on: dt.date
    topic: str
    attended: int

    @staticmethod
    def resolve_org(obj):
        return obj.org.name

    @staticmethod
    def resolve_attended(obj):
        return obj.attendances.count()


class PartyLifeAttendanceIn(Schema):
    person: RefId
    mode: Literal["online", "present"]


class PartyCourseIn(Schema):
    org: RefId
    title: PlainText = Field(..., min_length=1, max_length=120)
    hours: Hours
    starts_on: Day
    ends_on: Day
    member_kinds: list[Literal["secretary", "deputy", "member"]] = Field(default_factory=list, max_length=3)
    pass_mark: int | None = Field(None, ge=1, le=100)
    validity_months: int = Field(12, ge=1, le=120)


class PartySessionOut(Schema):
    id: int
    on: dt.date
    hours: Decimal
    topic: str


class PartyCourseOut(Schema):
    id: int
    org: str
    title: str
    hours: Decimal
    member_kinds: list[str]
    starts_on: dt.date
    ends_on: dt.date
    pass_mark: int | None
    validity_months: int
    sessions: list[PartySessionOut]

    @staticmethod
    def resolve_org(obj):
        return obj.org.name

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())


class PartySessionIn(Schema):
    on: Day
    hours: Annotated[Decimal, Field(gt=0, le=24, max_digits=3, decimal_places=1)]
    topic: PlainText = Field(..., min_length=1, max_length=200)


class PartyAttendanceIn(Schema):
    session: RefId
    person: RefId


class PartyResultIn(Schema):
    person: RefId
    score: int = Field(..., ge=0, le=100)
    taken_on: Day


class PartyPersonIn(Schema):
    person: RefId


class PartyCreditOut(Schema):
    id: int
    course: str
    person: str
    basis: str
    hours: Decimal
    granted_on: dt.date
    expires_on: dt.date
    valid: bool

    @staticmethod
    def resolve_course(obj):
        return obj.course.title

    @staticmethod
    def resolve_person(obj):
        return obj.person.name

    @staticmethod
    def resolve_valid(obj):
        return obj.valid_on(today())


class PartyStepOut(Schema):
    """What a step on a course answers: the credit it granted, if it granted one."""

    credit: PartyCreditOut | None


class PartyCoverageOut(Schema):
    org_id: int
    org: str
    members: int
    required: int
    covered: int
    coverage: float | None


class PartyPostIn(Schema):
    unit: UnitCode
    title: PlainText = Field(..., min_length=1, max_length=100)
    place: PlainText = Field("", max_length=120)
    duties: PlainText = Field("", max_length=2000)


class PartyPostOut(Schema):
    id: int
    unit: str
    title: str
    place: str
    duties: str
    holder: str | None
    held_from: dt.date | None
    held_to: dt.date | None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.code

    @staticmethod
    def resolve_holder(obj):
        return obj.holder.name if obj.holder_id else None


class PartyHolderIn(Schema):
    person: RefId
    held_from: Day
    held_to: Day | None = None


class PartyPledgeIn(Schema):
    person: RefId
    org: RefId
    text: PlainText = Field(..., min_length=1, max_length=300)
    due_on: Day


class PartyPledgeOut(Schema):
    id: int
    person: str
    org: str
    text: str
    due_on: dt.date
    status: str
    overdue: bool
    note: str
    evidence: str

    @staticmethod
    def resolve_person(obj):
        return obj.person.name

    @staticmethod
    def resolve_org(obj):
        return obj.org.name

    @staticmethod
    def resolve_overdue(obj):
        return pledges.is_overdue(obj)


class PartyFulfilmentIn(Schema):
    fulfilled: bool
    note: PlainText = Field("", max_length=300)
    evidence: PlainText = Field("", max_length=300)


class PartyPage(Schema):
    offset: int = Field(0, ge=0, le=10**6)
    limit: int = Field(100, ge=1, le=500)


class PartyCoverageQuery(Schema):
    org: RefId
    start: Day
    end: Day


# -- kite plan -------------------------------------------------------------------------------------
def _mobiles(request):
    return visible(request.user, MobileMember.objects.select_related("person", "home_org", "liaison"))


def _with_silence(rows):
    rows = list(rows)
    lasts, day = kite.last_contacts(rows), today()
    for row in rows:
        row.last_contact = lasts.get(row.pk)
        row.days_silent = kite.silence(row, row.last_contact, day)
    return rows


@router.get("/mobile", response={200: list[PartyMobileOut], **errors(401, 422)}, summary="Mobile party members")
def list_mobile(request, page: Query[PartyPage]):
    return _with_silence(_mobiles(request)[page.offset:page.offset + page.limit])


@router.post("/mobile", response={201: PartyMobileOut, **errors(400, 401, 403, 404, 422)},
             summary="Put a member on the kite plan")
def create_mobile(request, body: PartyMobileIn):
    mobile = kite.register_mobile(request.user, person=_person(request, body.person),
                                  home_org=_org(request, body.home_org), city=body.city, province=body.province,
                                  employer=body.employer, since=body.since, liaison=request.user)
    return 201, _with_silence([mobile])[0]


@router.get("/mobile/{pk}", response={200: PartyMobileOut, **errors(401, 404, 422)}, summary="One mobile member")
def mobile_detail(request, pk: Id):
    return _with_silence([get_visible_or_404(request.user, _mobiles(request), pk=pk)])[0]


@router.get("/mobile/{pk}/contacts", response={200: list[PartyContactOut], **errors(401, 404, 422)},
            summary="A mobile member's contact log")
def list_contacts(request, pk: Id):
    return list(_get(request, MobileMember, pk).contacts.all()[:500])


@router.post("/mobile/{pk}/contacts", response={201: PartyMobileOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a contact")
def create_contact(request, pk: Id, body: PartyContactIn):
    mobile = kite.record_contact(request.user, _get(request, MobileMember, pk), kind=body.kind, on=body.on,
                                 note=body.note)
    return 201, _with_silence([mobile])[0]


@router.post("/mobile/{pk}/return", response={200: PartyMobileOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="The member has returned home")
def mobile_return(request, pk: Id, body: PartyDayIn):
    return _with_silence([kite.mark_returned(request.user, _get(request, MobileMember, pk), on=body.on)])[0]


# -- organisation life -----------------------------------------------------------------------------
@router.get("/life-sessions", response={200: list[PartyLifeOut], **errors(401, 422)},
            summary="Organisation life sessions")
def list_life(request, page: Query[PartyPage]):
    rows = visible(request.user, LifeSession.objects.select_related("org"))
    return list(rows[page.offset:page.offset + page.limit])


@router.post("/life-sessions", response={201: PartyLifeOut, **errors(400, 401, 403, 404, 422)},
             summary="Hold an organisation life session")
def create_life(request, body: PartyLifeIn):
    return 201, kite.create_life_session(request.user, org=_org(request, body.org), on=body.on, topic=body.topic)


@router.post("/life-sessions/{pk}/attendance", response={201: PartyLifeOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a member's attendance (online or present)")
def life_attendance(request, pk: Id, body: PartyLifeAttendanceIn):
    session = kite.record_life_attendance(request.user, _get(request, LifeSession, pk),
                                          person=_person(request, body.person), mode=body.mode)
    return 201, session


# -- training --------------------------------------------------------------------------------------
def _courses(request):
    return visible(request.user, Course.objects.select_related("org").prefetch_related("sessions"))


@router.get("/courses", response={200: list[PartyCourseOut], **errors(401, 422)}, summary="Courses")
def list_courses(request, page: Query[PartyPage]):
    return list(_courses(request)[page.offset:page.offset + page.limit])


@router.post("/courses", response={201: PartyCourseOut, **errors(400, 401, 403, 404, 422)}, summary="Add a course")
def create_course(request, body: PartyCourseIn):
    course = training.create_course(request.user, org=_org(request, body.org), title=body.title, hours=body.hours,
                                    starts_on=body.starts_on, ends_on=body.ends_on, member_kinds=body.member_kinds,
                                    pass_mark=body.pass_mark, validity_months=body.validity_months)
    return 201, course


@router.get("/courses/{pk}", response={200: PartyCourseOut, **errors(401, 404, 422)}, summary="One course")
def course_detail(request, pk: Id):
    return get_visible_or_404(request.user, _courses(request), pk=pk)


@router.post("/courses/{pk}/sessions", response={201: PartyCourseOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Add a session to a course")
def create_session(request, pk: Id, body: PartySessionIn):
    training.add_session(request.user, _get(request, Course, pk), on=body.on, hours=body.hours, topic=body.topic)
    return 201, get_visible_or_404(request.user, _courses(request), pk=pk)


@router.post("/courses/{pk}/attendance", response={201: PartyStepOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record attendance (a credit when the hours are reached)")
def course_attendance(request, pk: Id, body: PartyAttendanceIn):
    course = _get(request, Course, pk)
    session = get_visible_or_404(request.user, CourseSession.objects.all(), pk=body.session)
    course = training.record_attendance(request.user, course, session=session, person=_person(request, body.person))
    return 201, {"credit": course.new_credit}


@router.post("/courses/{pk}/results", response={201: PartyStepOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a test result (a credit when passed)")
def course_result(request, pk: Id, body: PartyResultIn):
    course = training.record_result(request.user, _get(request, Course, pk), person=_person(request, body.person),
                                    score=body.score, taken_on=body.taken_on)
    return 201, {"credit": course.new_credit}


@router.post("/courses/{pk}/credits", response={201: PartyCreditOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Grant a credit (refused without the hours or a passed test)")
def course_credit(request, pk: Id, body: PartyPersonIn):
    course = training.grant_credit(request.user, _get(request, Course, pk), person=_person(request, body.person))
    return 201, course.new_credit


@router.get("/credits", response={200: list[PartyCreditOut], **errors(401, 422)},
            summary="Credits (a member: their own)")
def list_credits(request, page: Query[PartyPage]):
    rows = visible(request.user, Credit.objects.select_related("course", "person"))
    return list(rows[page.offset:page.offset + page.limit])


@router.get("/coverage", response={200: list[PartyCoverageOut], **errors(401, 404, 422)},
            summary="Training coverage of an organisation and those directly under it")
def coverage(request, query: Query[PartyCoverageQuery]):
    if query.end < query.start:
        raise ValidationError(_("The period ends after it starts."))
    rows = coverage_by_org(with_children(_org(request, query.org)), query.start, query.end)
    return [{"org_id": r["org"].pk, "org": r["org"].name, **{k: r[k] for k in ("members", "required", "covered",
                                                                                 "coverage")}} for r in rows]


# -- posts and pledges -----------------------------------------------------------------------------
@router.get("/posts", response={200: list[PartyPostOut], **errors(401, 422)}, summary="Vanguard posts")
def list_posts(request, page: Query[PartyPage]):
    rows = visible(request.user, VanguardPost.objects.select_related("unit", "holder"))
    return list(rows[page.offset:page.offset + page.limit])


@router.post("/posts", response={201: PartyPostOut, **errors(400, 401, 403, 404, 422)}, summary="Add a vanguard post")
def create_post(request, body: PartyPostIn):
    unit = get_visible_or_404(request.user, Unit.objects.all(), code=body.unit)
    return 201, posts.create_post(request.user, unit=unit, title=body.title, place=body.place, duties=body.duties)


@router.post("/posts/{pk}/holder", response={200: PartyPostOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Assign the post's holder (a party member)")
def post_holder(request, pk: Id, body: PartyHolderIn):
    return posts.assign_holder(request.user, _get(request, VanguardPost, pk), person=_person(request, body.person),
                               held_from=body.held_from, held_to=body.held_to)


@router.get("/pledges", response={200: list[PartyPledgeOut], **errors(401, 422)}, summary="Pledges")
def list_pledges(request, page: Query[PartyPage]):
    rows = visible(request.user, Pledge.objects.select_related("person", "org"))
    return list(rows[page.offset:page.offset + page.limit])


@router.post("/pledges", response={201: PartyPledgeOut, **errors(400, 401, 403, 404, 422)}, summary="Make a pledge")
def create_pledge(request, body: PartyPledgeIn):
    person = _person(request, body.person)
    own = getattr(request.user, "person", None)
    if own is not None and own.pk == person.pk:  # a member pledges to an organisation they belong to
        org = PartyOrg.objects.filter(pk=body.org, memberships__person=own).first()
        if org is None:
            raise NotFound
    else:
        org = _org(request, body.org)
    pledge = pledges.make_pledge(request.user, person=person, org=org, text=body.text, due_on=body.due_on)
    return 201, pledge


@router.get("/pledges/{pk}", response={200: PartyPledgeOut, **errors(401, 404, 422)}, summary="One pledge")
def pledge_detail(request, pk: Id):
    return _get(request, Pledge, pk)


@router.post("/pledges/{pk}/fulfilment", response={200: PartyPledgeOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record whether a pledge was fulfilled")
def pledge_fulfilment(request, pk: Id, body: PartyFulfilmentIn):
    return pledges.record_fulfilment(request.user, _get(request, Pledge, pk), fulfilled=body.fulfilled,
                                     note=body.note, evidence=body.evidence)
