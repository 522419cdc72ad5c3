"""The volunteering API (tag ``volunteering``): the menu, service orders and their steps, tasks and
activities, volunteers, teams, registration rates and the caller's own figures. Every step calls one
service, which re-checks scope, role and state in its own transaction (docs/volunteering.md)."""
import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from pydantic import AfterValidator

from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core import clock
from gridgov.core.api import errors
from gridgov.core.errors import NotFound
from gridgov.core.text import PlainText
from gridgov.people.models import Person
from gridgov.structure.models import Unit

from .models import Activity, ServiceItem, ServiceOrder, SignUp, Team, Volunteer
from .services import activities, menu_items, orders, records, volunteers
from .services.available import activity_actions, my_volunteer, order_actions
from .services.common import MINUTES, POINTS, community_of, person_balance, person_of, settings_for
from .services.rates import community_rates
from .services.settings import configure

router = Router(tags=["volunteering"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Minutes = Annotated[int, Field(ge=1, le=24 * 60, description=_("Whole minutes, 1 to 1440."))]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]


def _in_range(moment: dt.datetime) -> dt.datetime:
    if not 2000 <= moment.year <= 2100:
        raise ValueError("a time between the years 2000 and 2100")
    return moment


#: A time the district works with (years 2000–2100); without a zone, the district's local time.
Moment = Annotated[dt.datetime, AfterValidator(_in_range)]


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time without a zone is the district's local time."""
    return timezone.make_aware(moment) if moment is not None and timezone.is_naive(moment) else moment


def _code_unit(request, code: str) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


# -- schemas ---------------------------------------------------------------------------------------
class VolunteeringItemOut(Schema):
    id: int
    community: str
    name: str
    description: str
    points: int
    basis: str
    care: bool
    estimated_minutes: int
    active: bool

    @staticmethod
    def resolve_community(obj):
        return obj.community.code


class VolunteeringItemIn(Schema):
    community: UnitCode
    name: PlainText = Field(..., min_length=1, max_length=100)
    description: PlainText = Field("", max_length=2000)
    points: int = Field(10, ge=0, le=10000)
    basis: Literal["hour", "service"] = "hour"
    care: bool = False
    estimated_minutes: Minutes = 60
    active: bool = True


class VolunteeringOrderOut(Schema):
    id: int
    status: str
    status_label: str
    item: str
    care: bool
    community: str
    resident: str
    description: str
    address: str
    wanted_at: dt.datetime | None
    pay_with_minutes: bool
    ordered_at: dt.datetime
    refuse_reason: str
    team: str | None
    assignee: str | None
    taker: str | None
    checked_in_at: dt.datetime | None
    checked_out_at: dt.datetime | None
    actual_minutes: int | None
    rating: int | None
    comment: str
    due_at: dt.datetime | None
    actions: list[str]

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_item(obj):
        return obj.item.name

    @staticmethod
    def resolve_care(obj):
        return obj.item.care

    @staticmethod
    def resolve_community(obj):
        return obj.community.short_name or obj.community.name

    @staticmethod
    def resolve_resident(obj):
        return obj.resident.name

    @staticmethod
    def resolve_team(obj):
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_assignee(obj):
        return obj.assignee.person.name if obj.assignee_id else None

    @staticmethod
    def resolve_taker(obj):
        return obj.taker.person.name if obj.taker_id else None

    @staticmethod
    def resolve_actions(obj, context):
        return order_actions(context["request"].user, obj)


class VolunteeringOrderIn(Schema):
    item: RefId
    resident: RefId | None = Field(None, description="A person in the caller's care; the caller by default.")
    description: PlainText = Field("", max_length=2000)
    address: PlainText = Field("", max_length=200)
    wanted_at: Moment | None = None
    pay_with_minutes: bool = False


class VolunteeringReasonIn(Schema):
    reason: PlainText = Field(..., min_length=1, max_length=200)


class VolunteeringDispatchIn(Schema):
    team: RefId | None = None
    volunteer: RefId | None = None


class VolunteeringPositionIn(Schema):
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class VolunteeringVerifyIn(Schema):
    minutes: Minutes


class VolunteeringRateIn(Schema):
    rating: int = Field(..., ge=1, le=5)
    comment: PlainText = Field("", max_length=500)


class VolunteeringOrderFilters(Schema):
    status: str | None = Field(None, max_length=12)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


class VolunteeringSignUpOut(Schema):
    id: int
    volunteer: str
    status: str
    actual_minutes: int | None

    @staticmethod
    def resolve_volunteer(obj):
        return obj.volunteer.person.name


class VolunteeringActivityOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    place: str
    community: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    points: int
    care: bool
    limit: int
    waiting_list: bool
    status: str
    signed_up: int
    waiting: int
    actions: list[str]

    @staticmethod
    def resolve_community(obj):
        return obj.community.short_name or obj.community.name

    @staticmethod
    def resolve_signed_up(obj):
        return obj.signups.filter(status__in=["signed_up", "checked_in", "checked_out", "attended"]).count()

    @staticmethod
    def resolve_waiting(obj):
        return obj.signups.filter(status="waiting").count()

    @staticmethod
    def resolve_actions(obj, context):
        return activity_actions(context["request"].user, obj)


class VolunteeringActivityIn(Schema):
    community: UnitCode
    kind: Literal["task", "activity"] = "activity"
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=2000)
    place: PlainText = Field("", max_length=200)
    starts_at: Moment
    ends_at: Moment
    points: int = Field(10, ge=0, le=10000)
    care: bool = False
    limit: int = Field(..., ge=1, le=10000)
    waiting_list: bool = True


class VolunteeringAttendanceIn(Schema):
    signup: RefId
    minutes: Minutes


class VolunteeringActivityVerifyIn(Schema):
    attended: list[VolunteeringAttendanceIn] = Field(..., max_length=10000)


class VolunteeringVolunteerOut(Schema):
    id: int
    name: str
    community: str
    skills: str
    party_member: bool
    party_org_name: str
    status: str
    active: bool
    registered_on: dt.date | None

    @staticmethod
    def resolve_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_party_member(obj):
        return obj.person.is_party_member


class VolunteeringRegisterIn(Schema):
    person: RefId
    community: UnitCode
    skills: list[Annotated[PlainText, Field(max_length=40)]] = Field(default_factory=list, max_length=10)
    party_org_name: PlainText = Field("", max_length=100)


class VolunteeringRequestIn(Schema):
    skills: list[Annotated[PlainText, Field(max_length=40)]] = Field(default_factory=list, max_length=10)
    party_org_name: PlainText = Field("", max_length=100)


class VolunteeringTeamOut(Schema):
    id: int
    name: str
    kind: str
    community: str
    resident_unit_name: str
    members: int

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_members(obj):
        return obj.memberships.count()


class VolunteeringTeamIn(Schema):
    community: UnitCode
    name: PlainText = Field(..., min_length=1, max_length=100)
    kind: Literal["volunteer", "vanguard"] = "volunteer"
    resident_unit_name: PlainText = Field("", max_length=100)


class VolunteeringMemberIn(Schema):
    volunteer: RefId


class VolunteeringRateOut(Schema):
    code: str
    name: str
    residents: int
    volunteers: int
    rate: float | None
    target: float


class VolunteeringLineOut(Schema):
    day: dt.date
    title: str
    community: str
    minutes: int
    rating: int | None


class VolunteeringMeOut(Schema):
    volunteer: VolunteeringVolunteerOut | None
    points: int
    minutes: int
    services: int
    verified_minutes: int
    records: list[VolunteeringLineOut]


# -- the menu --------------------------------------------------------------------------------------
def _items(request):
    return visible(request.user, ServiceItem.objects.select_related("community"))


@router.get("/items", response={200: list[VolunteeringItemOut], **errors(401, 404, 422)}, summary="The service menu")
def list_items(request, community: UnitCode | None = None):
    """The menu items the caller sees; a resident sees their community's active menu."""
    items = _items(request)
    if community:
        items = items.filter(community=_code_unit(request, community))
    return list(items[:500])


@router.post("/items", response={201: VolunteeringItemOut, **errors(400, 401, 403, 404, 422)}, summary="Add a menu item")
def create_item(request, body: VolunteeringItemIn):
    community = _code_unit(request, body.community)
    item = menu_items.save_item(request.user, community=community, **body.dict(exclude={"community"}))
    return 201, item


# -- orders ----------------------------------------------------------------------------------------
def _orders(request):
    return visible(request.user, ServiceOrder.objects.select_related(
        "item", "community", "resident", "team", "assignee__person", "taker__person"))


def _order(request, pk) -> ServiceOrder:
    return get_visible_or_404(request.user, _orders(request), pk=pk)


def _fresh(request, pk):
    return _orders(request).get(pk=pk)


@router.get("/orders", response={200: list[VolunteeringOrderOut], **errors(401, 422)}, summary="Service orders")
def list_orders(request, filters: Query[VolunteeringOrderFilters]):
    rows = _orders(request)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows[filters.offset:filters.offset + filters.limit])


@router.post("/orders", response={201: VolunteeringOrderOut, **errors(400, 401, 403, 404, 422)}, summary="Order a service (点单)")
def create_order(request, body: VolunteeringOrderIn):
    item = get_visible_or_404(request.user, ServiceItem.objects.all(), pk=body.item)
    resident = None
    if body.resident is not None:
        resident = get_visible_or_404(request.user, Person.objects.all(), pk=body.resident)
    order = orders.place_order(request.user, item=item, resident=resident, description=body.description,
                               address=body.address, wanted_at=_aware(body.wanted_at), pay_with_minutes=body.pay_with_minutes)
    return 201, _fresh(request, order.pk)


@router.get("/orders/{pk}", response={200: VolunteeringOrderOut, **errors(401, 404, 422)}, summary="One service order")
def order_detail(request, pk: Id):
    return _order(request, pk)


STEP = {200: VolunteeringOrderOut, **errors(400, 401, 403, 404, 409, 422)}


@router.post("/orders/{pk}/accept", response=STEP, summary="Accept an order")
def order_accept(request, pk: Id):
    orders.accept(request.user, _order(request, pk))
    return _fresh(request, pk)


@router.post("/orders/{pk}/refuse", response=STEP, summary="Refuse an order, with a reason")
def order_refuse(request, pk: Id, body: VolunteeringReasonIn):
    orders.refuse(request.user, _order(request, pk), body.reason)
    return _fresh(request, pk)


@router.post("/orders/{pk}/dispatch", response=STEP, summary="Dispatch an order to a team or a volunteer (派单)")
def order_dispatch(request, pk: Id, body: VolunteeringDispatchIn):
    order = _order(request, pk)
    if (body.team is None) == (body.volunteer is None):
        raise ValidationError(_("Dispatch to either a team or a volunteer."))
    team = get_visible_or_404(request.user, Team.objects.all(), pk=body.team) if body.team else None
    volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=body.volunteer) if body.volunteer else None
    orders.dispatch(request.user, order, team=team, volunteer=volunteer)
    return _fresh(request, pk)


@router.post("/orders/{pk}/publish", response=STEP, summary="Publish an order for volunteers to take")
def order_publish(request, pk: Id):
    orders.publish(request.user, _order(request, pk))
    return _fresh(request, pk)


@router.post("/orders/{pk}/take", response=STEP, summary="Take an order (接单)")
def order_take(request, pk: Id):
    orders.take(request.user, _order(request, pk))
    return _fresh(request, pk)


@router.post("/orders/{pk}/check-in", response=STEP, summary="Check in at the service")
def order_check_in(request, pk: Id, body: VolunteeringPositionIn | None = None):
    body = body or VolunteeringPositionIn()
    orders.check_in(request.user, _order(request, pk), latitude=body.latitude, longitude=body.longitude)
    return _fresh(request, pk)


@router.post("/orders/{pk}/check-out", response=STEP, summary="Check out of the service")
def order_check_out(request, pk: Id):
    orders.check_out(request.user, _order(request, pk))
    return _fresh(request, pk)


@router.post("/orders/{pk}/verify", response=STEP, summary="Verify the actual minutes (posts points and minutes)")
def order_verify(request, pk: Id, body: VolunteeringVerifyIn):
    orders.verify(request.user, _order(request, pk), body.minutes)
    return _fresh(request, pk)


@router.post("/orders/{pk}/rate", response=STEP, summary="Rate the service")
def order_rate(request, pk: Id, body: VolunteeringRateIn):
    orders.rate(request.user, _order(request, pk), body.rating, body.comment)
    return _fresh(request, pk)


@router.post("/orders/{pk}/cancel", response=STEP, summary="Cancel an order before it is taken")
def order_cancel(request, pk: Id):
    orders.cancel(request.user, _order(request, pk))
    return _fresh(request, pk)


# -- activities ------------------------------------------------------------------------------------
def _activities(request):
    return visible(request.user, Activity.objects.select_related("community"))


def _activity(request, pk) -> Activity:
    return get_visible_or_404(request.user, _activities(request), pk=pk)


@router.get("/activities", response={200: list[VolunteeringActivityOut], **errors(401, 422)}, summary="Tasks and activities")
def list_activities(request, open_only: bool = True):
    rows = _activities(request)
    if open_only:
        rows = rows.filter(status="open")
    return list(rows[:200])


@router.post("/activities", response={201: VolunteeringActivityOut, **errors(400, 401, 403, 404, 422)},
             summary="Publish a task or activity")
def create_activity(request, body: VolunteeringActivityIn):
    community = _code_unit(request, body.community)
    fields = body.dict(exclude={"community", "starts_at", "ends_at"})
    activity = activities.publish_activity(request.user, community=community, starts_at=_aware(body.starts_at),
                                           ends_at=_aware(body.ends_at), **fields)
    return 201, activity


@router.get("/activities/{pk}", response={200: VolunteeringActivityOut, **errors(401, 404, 422)}, summary="One task or activity")
def activity_detail(request, pk: Id):
    return _activity(request, pk)


@router.get("/activities/{pk}/signups", response={200: list[VolunteeringSignUpOut], **errors(401, 404, 422)},
            summary="Sign-ups of an activity")
def activity_signups(request, pk: Id):
    activity = _activity(request, pk)
    return list(visible(request.user, SignUp.objects.filter(activity=activity).select_related("volunteer__person")))


ACT = {200: VolunteeringActivityOut, **errors(400, 401, 403, 404, 409, 422)}


def _activity_step(name):
    service = getattr(activities, name)

    def view(request, pk: Id):
        service(request.user, _activity(request, pk))
        return _activity(request, pk)

    view.__name__ = f"activity_{name}"
    return view


for _path, _name, _summary in [("sign-up", "sign_up", "Sign up (past the limit: the waiting list)"),
                               ("withdraw", "withdraw", "Withdraw a sign-up"),
                               ("check-in", "check_in", "Check in at the activity"),
                               ("check-out", "check_out", "Check out of the activity")]:
    router.add_api_operation(f"/activities/{{pk}}/{_path}", ["POST"], _activity_step(_name), response=ACT,
                             summary=_summary)


@router.post("/activities/{pk}/verify", response=ACT, summary="Verify attendance and minutes (no-shows earn nothing)")
def activity_verify(request, pk: Id, body: VolunteeringActivityVerifyIn):
    attendance = {}
    for line in body.attended:
        if line.signup in attendance:
            raise ValidationError(_("Sign-up %(id)s is listed twice.") % {"id": line.signup})
        attendance[line.signup] = line.minutes
    activities.verify(request.user, _activity(request, pk), attendance)
    return _activity(request, pk)


# -- volunteers and teams --------------------------------------------------------------------------
@router.get("/volunteers", response={200: list[VolunteeringVolunteerOut], **errors(401, 404, 422)}, summary="Volunteers")
def list_volunteers(request, community: UnitCode | None = None):
    rows = visible(request.user, Volunteer.objects.select_related("person", "community"))
    if community:
        rows = rows.filter(community=_code_unit(request, community))
    return list(rows[:1000])


@router.post("/volunteers", response={201: VolunteeringVolunteerOut, **errors(400, 401, 403, 404, 422)},
             summary="Register a volunteer with the community")
def register(request, body: VolunteeringRegisterIn):
    person = get_visible_or_404(request.user, Person.objects.all(), pk=body.person)
    community = _code_unit(request, body.community)
    volunteer = volunteers.register_volunteer(request.user, person, community=community, skills=body.skills,
                                              party_org_name=body.party_org_name)
    return 201, volunteer


@router.post("/volunteers/request", response={201: VolunteeringVolunteerOut, **errors(400, 401, 403, 422)},
             summary="Ask to volunteer with my community")
def request_registration(request, body: VolunteeringRequestIn):
    return 201, volunteers.request_registration(request.user, skills=body.skills, party_org_name=body.party_org_name)


@router.post("/volunteers/{pk}/confirm", response={200: VolunteeringVolunteerOut, **errors(401, 403, 404, 409, 422)},
             summary="Confirm a volunteer's request")
def confirm(request, pk: Id):
    volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=pk)
    return volunteers.confirm(request.user, volunteer)


@router.get("/teams", response={200: list[VolunteeringTeamOut], **errors(401, 422)}, summary="Teams")
def list_teams(request):
    return list(visible(request.user, Team.objects.select_related("community"))[:500])


@router.post("/teams", response={201: VolunteeringTeamOut, **errors(400, 401, 403, 404, 422)}, summary="Create a team")
def create_team(request, body: VolunteeringTeamIn):
    community = _code_unit(request, body.community)
    return 201, volunteers.create_team(request.user, community=community, name=body.name, kind=body.kind,
                                       resident_unit_name=body.resident_unit_name)


@router.post("/teams/{pk}/members", response={200: VolunteeringTeamOut, **errors(400, 401, 403, 404, 422)},
             summary="Add a volunteer to a team")
def add_member(request, pk: Id, body: VolunteeringMemberIn):
    team = get_visible_or_404(request.user, Team.objects.all(), pk=pk)
    volunteer = get_visible_or_404(request.user, Volunteer.objects.all(), pk=body.volunteer)
    volunteers.add_to_team(request.user, volunteer, team)
    return team


# -- the district's settings -------------------------------------------------------------------------
class VolunteeringSettingsOut(Schema):
    district_code: str
    registration_target: float
    accept_days: float
    dispatch_days: float
    take_days: float


class VolunteeringSettingsIn(Schema):
    registration_target: float = Field(..., ge=0, le=1, description="A share: 0.18 for 18%.")
    accept_days: float = Field(1, ge=0.1, le=30)
    dispatch_days: float = Field(1, ge=0.1, le=30)
    take_days: float = Field(2, ge=0.1, le=30)


DistrictCode = Annotated[str, Path(pattern=r"^[0-9]{6}$")]


def _district(request, code: str) -> Unit:
    """A district anyone working or living in it may name (its settings are the same for all)."""
    scope = scope_for(request.user)
    district = Unit.objects.filter(kind="district", code=code).first()
    if district is None or not (scope.everything or code in scope.district_codes):
        raise NotFound
    return district


@router.get("/settings/{district_code}", response={200: VolunteeringSettingsOut, **errors(401, 404, 422)},
            summary="A district's registration target and order deadlines")
def get_settings(request, district_code: DistrictCode):
    return settings_for(_district(request, district_code).code)


@router.put("/settings/{district_code}", response={200: VolunteeringSettingsOut, **errors(400, 401, 403, 404, 422)},
            summary="Set a district's registration target and order deadlines")
def put_settings(request, district_code: DistrictCode, body: VolunteeringSettingsIn):
    return configure(request.user, _district(request, district_code), **body.dict())


# -- figures ---------------------------------------------------------------------------------------
@router.get("/rates", response={200: list[VolunteeringRateOut], **errors(401, 404, 422)},
            summary="Registration rates per community vs the target")
def rates(request, unit: UnitCode):
    return community_rates(_code_unit(request, unit).code, timezone.localdate(clock.now()))


@router.get("/me", response={200: VolunteeringMeOut, **errors(401)}, summary="My volunteering: points, minutes, hours")
def me(request):
    person = person_of(request.user)
    if person is None:
        return {"volunteer": None, "points": 0, "minutes": 0, "services": 0, "verified_minutes": 0, "records": []}
    today = timezone.localdate(clock.now())
    start = today - dt.timedelta(days=365)
    summary = records.summaries([person.pk], start, today)[person.pk]
    volunteer = my_volunteer(request.user) or Volunteer.objects.filter(person=person).first()
    return {"volunteer": volunteer, "points": person_balance(person, POINTS),
            "minutes": person_balance(person, MINUTES), "services": summary.services,
            "verified_minutes": summary.minutes, "records": records.records_of(person.pk, start, today)[-50:]}


__all__ = ["router", "community_of"]
