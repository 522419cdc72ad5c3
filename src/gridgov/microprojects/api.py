"""The micro-project API (tag ``microprojects``): the needs and resources lists, projects with their
steps, funding lines and spending, milestones, residents' evaluations, rankings and the district's
settings. Every step calls one service, which re-checks scope, role and state in its own
transaction (docs/microprojects.md)."""
import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Path, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.deliberation.models import Meeting
from gridgov.reportin.models import Pledge
from gridgov.structure.models import Compound, Unit

from .models import Evaluation, FundingLine, Milestone, Need, Project, Resource, Spend
from .services import delivery, evaluations, lists, projects
from .services.available import project_actions
from .services.common import settings_for
from .services.settings import configure

router = Router(tags=["microprojects"])

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
RefId = Annotated[int, Field(ge=1, le=2**31 - 1)]
UnitCode = Annotated[str, Field(pattern=r"^[0-9]{6,18}$", max_length=18)]
Money = Annotated[Decimal, Field(gt=0, le=100_000_000, max_digits=11, decimal_places=2)]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


def _unit(request, code: str) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


# -- schemas ---------------------------------------------------------------------------------------
class MicroprojectsNeedOut(Schema):
    id: int
    community: str
    title: str
    description: str
    households: int
    place_unit: str | None
    place_compound: str | None
    source: str
    source_ref: str
    status: str
    close_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_place_unit(obj):
        return obj.place_unit.code if obj.place_unit_id else None

    @staticmethod
    def resolve_place_compound(obj):
        return obj.place_compound.name if obj.place_compound_id else None


class MicroprojectsNeedIn(Schema):
    community: UnitCode
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=4000)
    households: int = Field(0, ge=0, le=100000)
    place_unit: UnitCode | None = None
    place_compound: RefId | None = None
    source: Literal["proposal", "visit", "order", "hotspot", "staff"] = "staff"
    source_ref: PlainText = Field("", max_length=1000)


class MicroprojectsReasonIn(Schema):
    reason: PlainText = Field(..., min_length=1, max_length=500)


class MicroprojectsResourceOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    provider_kind: str
    provider_name: str
    pledge: int | None
    quantity: str
    amount: Decimal | None
    available_from: dt.date | None
    available_until: dt.date | None

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_pledge(obj):
        return obj.pledge_id


class MicroprojectsResourceIn(Schema):
    community: UnitCode
    kind: Literal["venue", "funds", "skills", "materials"]
    title: PlainText = Field(..., min_length=1, max_length=120)
    provider_kind: Literal["person", "unit"]
    provider_name: PlainText = Field(..., min_length=1, max_length=100)
    quantity: PlainText = Field("", max_length=60)
    amount: Money | None = None
    available_from: Day | None = None
    available_until: Day | None = None


class MicroprojectsPledgeIn(Schema):
    pledge: RefId


class MicroprojectsLineOut(Schema):
    id: int
    source: str
    note: str
    allocated: Decimal
    spent: Decimal


class MicroprojectsProjectOut(Schema):
    id: int
    community: str
    kind: str
    title: str
    description: str
    budget: Decimal
    planned_start: dt.date
    planned_end: dt.date
    status: str
    status_label: str
    progress: int
    served_units: list[str]
    served_compounds: list[int]
    needs: list[int]
    resources: list[int]
    review_reason: str
    decision_route: str
    decision_note: str
    acceptance_note: str
    evaluation_opens_at: dt.datetime | None
    evaluation_closes_at: dt.datetime | None
    min_responses: int | None
    responses: int
    closure: str
    close_reason: str
    funding_lines: list[MicroprojectsLineOut]
    actions: list[str]

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())

    @staticmethod
    def resolve_served_units(obj):
        return [unit.code for unit in obj.served_units.all()]

    @staticmethod
    def resolve_served_compounds(obj):
        return [compound.pk for compound in obj.served_compounds.all()]

    @staticmethod
    def resolve_needs(obj):
        return [need.pk for need in obj.needs.all()]

    @staticmethod
    def resolve_resources(obj):
        return [resource.pk for resource in obj.resources.all()]

    @staticmethod
    def resolve_responses(obj):
        return obj.evaluations.count()

    @staticmethod
    def resolve_funding_lines(obj):
        return list(obj.funding_lines.all())

    @staticmethod
    def resolve_actions(obj, context):
        return project_actions(context["request"].user, obj)


class MicroprojectsProjectIn(Schema):
    community: UnitCode
    kind: Literal["activity", "service", "renovation"]
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=4000)
    budget: Money
    planned_start: Day
    planned_end: Day
    served_units: list[UnitCode] = Field(default_factory=list, max_length=200)
    served_compounds: list[RefId] = Field(default_factory=list, max_length=200)
    needs: list[RefId] = Field(default_factory=list, max_length=200)
    resources: list[RefId] = Field(default_factory=list, max_length=200)


class MicroprojectsReviewIn(Schema):
    feasible: bool
    reason: PlainText = Field(..., min_length=1, max_length=500)


class MicroprojectsDecideIn(Schema):
    approve: bool
    note: PlainText = Field("", max_length=500)


class MicroprojectsMeetingIn(Schema):
    meeting: RefId


class MicroprojectsNoteIn(Schema):
    note: PlainText = Field(..., min_length=1, max_length=500)


class MicroprojectsLineIn(Schema):
    source: Literal["district", "street", "community", "pledge"]
    allocated: Money
    note: PlainText = Field("", max_length=200)


class MicroprojectsSpendIn(Schema):
    amount: Money
    evidence: PlainText = Field(..., min_length=1, max_length=200)


class MicroprojectsSpendOut(Schema):
    id: int
    line: int
    amount: Decimal
    evidence: str
    at: dt.datetime

    @staticmethod
    def resolve_line(obj):
        return obj.line_id


class MicroprojectsMilestoneIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    progress: int = Field(..., ge=0, le=100)
    note: PlainText = Field("", max_length=500)


class MicroprojectsMilestoneOut(Schema):
    id: int
    title: str
    progress: int
    note: str
    at: dt.datetime


class MicroprojectsEvaluateIn(Schema):
    score: int = Field(..., ge=1, le=5)
    comment: PlainText = Field("", max_length=500)


class MicroprojectsEvaluationOut(Schema):
    id: int
    project: int
    score: int
    comment: str
    at: dt.datetime

    @staticmethod
    def resolve_project(obj):
        return obj.project_id


class MicroprojectsRankOut(Schema):
    project: int
    title: str
    community: str
    responses: int
    mean: float
    score: float


class MicroprojectsSettingsIn(Schema):
    large_threshold: Annotated[Decimal, Field(ge=0, le=100_000_000, max_digits=11, decimal_places=2)]
    evaluation_days: int = Field(..., ge=1, le=90)
    min_responses: int = Field(..., ge=1, le=1000)


class MicroprojectsSettingsOut(Schema):
    district_code: str
    large_threshold: Decimal
    evaluation_days: int
    min_responses: int


class MicroprojectsFilters(Schema):
    community: UnitCode | None = None
    status: str | None = Field(None, max_length=16)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


# -- needs and resources ---------------------------------------------------------------------------
def _filtered(request, rows, filters: MicroprojectsFilters):
    if filters.community:
        rows = rows.filter(community=_unit(request, filters.community))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return list(rows[filters.offset:filters.offset + filters.limit])


@router.get("/needs", response={200: list[MicroprojectsNeedOut], **errors(401, 404, 422)}, summary="The needs lists")
def list_needs(request, filters: Query[MicroprojectsFilters]):
    rows = visible(request.user, Need.objects.select_related("community", "place_unit", "place_compound"))
    return _filtered(request, rows, filters)


@router.post("/needs", response={201: MicroprojectsNeedOut, **errors(400, 401, 403, 404, 422)}, summary="Add a need")
def create_need(request, body: MicroprojectsNeedIn):
    place_unit = _unit(request, body.place_unit) if body.place_unit else None
    compound = get_visible_or_404(request.user, Compound.objects.all(), pk=body.place_compound) \
        if body.place_compound else None
    need = lists.create_need(request.user, community=_unit(request, body.community), title=body.title,
                             description=body.description, households=body.households, place_unit=place_unit,
                             place_compound=compound, source=body.source, source_ref=body.source_ref)
    return 201, need


@router.get("/needs/{pk}", response={200: MicroprojectsNeedOut, **errors(401, 404, 422)}, summary="One need")
def need_detail(request, pk: Id):
    return get_visible_or_404(request.user, Need.objects.all(), pk=pk)


@router.post("/needs/{pk}/close", response={200: MicroprojectsNeedOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Close a need unmet, with the reason")
def need_close(request, pk: Id, body: MicroprojectsReasonIn):
    return lists.close_need(request.user, get_visible_or_404(request.user, Need.objects.all(), pk=pk), body.reason)


@router.get("/resources", response={200: list[MicroprojectsResourceOut], **errors(401, 404, 422)},
            summary="The resources lists")
def list_resources(request, filters: Query[MicroprojectsFilters]):
    rows = visible(request.user, Resource.objects.select_related("community"))
    if filters.community:
        rows = rows.filter(community=_unit(request, filters.community))
    return list(rows[filters.offset:filters.offset + filters.limit])


@router.post("/resources", response={201: MicroprojectsResourceOut, **errors(400, 401, 403, 404, 422)},
             summary="Add a resource")
def create_resource(request, body: MicroprojectsResourceIn):
    resource = lists.add_resource(request.user, community=_unit(request, body.community),
                                  **body.dict(exclude={"community"}))
    return 201, resource


@router.post("/resources/from-pledge", response={201: MicroprojectsResourceOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="List a resident unit's pledge (双报到) as a resource")
def resource_from_pledge(request, body: MicroprojectsPledgeIn):
    pledge = get_visible_or_404(request.user, Pledge.objects.select_related("unit__community"), pk=body.pledge)
    return 201, lists.list_pledge(request.user, pledge)


# -- projects --------------------------------------------------------------------------------------
def _projects(request):
    return visible(request.user, Project.objects.select_related("community").prefetch_related(
        "served_units", "served_compounds", "needs", "resources", "funding_lines"))


def _project(request, pk) -> Project:
    return get_visible_or_404(request.user, _projects(request), pk=pk)


def _fresh(request, pk):
    return _projects(request).get(pk=pk)


@router.get("/projects", response={200: list[MicroprojectsProjectOut], **errors(401, 404, 422)}, summary="Projects")
def list_projects(request, filters: Query[MicroprojectsFilters]):
    return _filtered(request, _projects(request), filters)


@router.post("/projects", response={201: MicroprojectsProjectOut, **errors(400, 401, 403, 404, 422)},
             summary="Propose a project")
def create_project(request, body: MicroprojectsProjectIn):
    project = projects.propose(
        request.user, community=_unit(request, body.community), kind=body.kind, title=body.title,
        description=body.description, budget=body.budget, planned_start=body.planned_start,
        planned_end=body.planned_end, served_units=[_unit(request, code) for code in body.served_units],
        served_compounds=[get_visible_or_404(request.user, Compound.objects.all(), pk=pk) for pk in body.served_compounds],
        needs=[get_visible_or_404(request.user, Need.objects.all(), pk=pk) for pk in body.needs],
        resources=[get_visible_or_404(request.user, Resource.objects.all(), pk=pk) for pk in body.resources])
    return 201, _fresh(request, project.pk)


@router.get("/projects/{pk}", response={200: MicroprojectsProjectOut, **errors(401, 404, 422)}, summary="One project")
def project_detail(request, pk: Id):
    return _project(request, pk)


STEP = {200: MicroprojectsProjectOut, **errors(400, 401, 403, 404, 409, 422)}


@router.post("/projects/{pk}/review", response=STEP, summary="Feasibility review, with the reason")
def project_review(request, pk: Id, body: MicroprojectsReviewIn):
    projects.review(request.user, _project(request, pk), feasible=body.feasible, reason=body.reason)
    return _fresh(request, pk)


@router.post("/projects/{pk}/decide", response=STEP,
             summary="Record the decision (a meeting resolution, or 四议两公开 for a large project)")
def project_decide(request, pk: Id, body: MicroprojectsDecideIn):
    projects.decide(request.user, _project(request, pk), approve=body.approve, note=body.note)
    return _fresh(request, pk)


@router.post("/projects/{pk}/agenda", response=STEP, summary="Put a feasible project on a meeting's agenda")
def project_agenda(request, pk: Id, body: MicroprojectsMeetingIn):
    meeting = get_visible_or_404(request.user, Meeting.objects.all(), pk=body.meeting)
    projects.put_on_agenda(request.user, _project(request, pk), meeting)
    return _fresh(request, pk)


@router.post("/projects/{pk}/matter", response=STEP, summary="Open the 四议两公开 matter of a large project")
def project_matter(request, pk: Id):
    projects.start_matter(request.user, _project(request, pk))
    return _fresh(request, pk)


@router.post("/projects/{pk}/start", response=STEP, summary="Start an approved project")
def project_start(request, pk: Id):
    projects.start(request.user, _project(request, pk))
    return _fresh(request, pk)


@router.post("/projects/{pk}/accept", response=STEP, summary="Accept the project (验收), with a note")
def project_accept(request, pk: Id, body: MicroprojectsNoteIn):
    projects.accept(request.user, _project(request, pk), note=body.note)
    return _fresh(request, pk)


@router.post("/projects/{pk}/open-evaluation", response=STEP, summary="Open the residents' evaluation")
def project_open_evaluation(request, pk: Id):
    projects.open_evaluation(request.user, _project(request, pk))
    return _fresh(request, pk)


@router.post("/projects/{pk}/close", response=STEP, summary="Close after the evaluation window, with enough responses")
def project_close(request, pk: Id):
    projects.close(request.user, _project(request, pk))
    return _fresh(request, pk)


@router.post("/projects/{pk}/close-unevaluated", response=STEP, summary="The district closes a project unevaluated")
def project_close_unevaluated(request, pk: Id, body: MicroprojectsReasonIn):
    projects.close_unevaluated(request.user, _project(request, pk), reason=body.reason)
    return _fresh(request, pk)


@router.get("/projects/{pk}/funding-lines", response={200: list[MicroprojectsLineOut], **errors(401, 404, 422)},
            summary="A project's funding lines")
def project_lines(request, pk: Id):
    return list(visible(request.user, FundingLine.objects.filter(project=_project(request, pk))))


@router.post("/projects/{pk}/funding-lines", response={201: MicroprojectsLineOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Add a funding line")
def project_add_line(request, pk: Id, body: MicroprojectsLineIn):
    return 201, delivery.add_line(request.user, _project(request, pk), source=body.source, allocated=body.allocated,
                                  note=body.note)


@router.get("/funding-lines/{pk}/spends", response={200: list[MicroprojectsSpendOut], **errors(401, 404, 422)},
            summary="Spending from a funding line")
def line_spends(request, pk: Id):
    line = get_visible_or_404(request.user, FundingLine.objects.all(), pk=pk)
    return list(visible(request.user, Spend.objects.filter(line=line)))


@router.post("/funding-lines/{pk}/spends", response={201: MicroprojectsSpendOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record spending with its evidence (never beyond the allocation)")
def line_spend(request, pk: Id, body: MicroprojectsSpendIn):
    line = get_visible_or_404(request.user, FundingLine.objects.select_related("project"), pk=pk)
    return 201, delivery.spend(request.user, line, amount=body.amount, evidence=body.evidence)


@router.get("/projects/{pk}/milestones", response={200: list[MicroprojectsMilestoneOut], **errors(401, 404, 422)},
            summary="A project's milestones")
def project_milestones(request, pk: Id):
    return list(visible(request.user, Milestone.objects.filter(project=_project(request, pk))))


@router.post("/projects/{pk}/milestones", response={201: MicroprojectsMilestoneOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a milestone")
def project_add_milestone(request, pk: Id, body: MicroprojectsMilestoneIn):
    return 201, delivery.add_milestone(request.user, _project(request, pk), title=body.title, progress=body.progress,
                                       note=body.note)


@router.get("/projects/{pk}/evaluations", response={200: list[MicroprojectsEvaluationOut], **errors(401, 404, 422)},
            summary="A project's evaluations (staff; a resident sees their own)")
def project_evaluations(request, pk: Id):
    return list(visible(request.user, Evaluation.objects.filter(project=_project(request, pk))))


@router.post("/projects/{pk}/evaluations", response={201: MicroprojectsEvaluationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Evaluate for my household")
def project_evaluate(request, pk: Id, body: MicroprojectsEvaluateIn):
    return 201, evaluations.evaluate(request.user, _project(request, pk), score=body.score, comment=body.comment)


@router.get("/rankings", response={200: list[MicroprojectsRankOut], **errors(401, 404, 422)},
            summary="Projects ranked by residents' evaluation (Bayesian average)")
def rankings(request, community: UnitCode | None = None, limit: int = Query(20, ge=1, le=200)):
    rows = visible(request.user, Project.objects.all())
    district = sorted(scope_for(request.user).district_codes)
    if community:
        unit = _unit(request, community)
        rows, district = rows.filter(community__code__startswith=unit.code), [unit.district_code]
    return [{"project": r.project.pk, "title": r.project.title, "community": r.project.community.code,
             "responses": r.responses, "mean": r.mean, "score": r.score}
            for r in evaluations.rankings(rows, district[0] if district else "")[:limit]]


@router.get("/settings/{code}", response={200: MicroprojectsSettingsOut, **errors(401, 404, 422)},
            summary="A district's micro-project settings")
def get_settings(request, code: Annotated[str, Path(pattern=r"^[0-9]{6}$")]):
    return settings_for(_unit(request, code).district_code)


@router.put("/settings/{code}", response={200: MicroprojectsSettingsOut, **errors(400, 401, 403, 404, 422)},
            summary="Set a district's micro-project settings (district staff)")
def put_settings(request, code: Annotated[str, Path(pattern=r"^[0-9]{6}$")], body: MicroprojectsSettingsIn):
    return configure(request.user, _unit(request, code), **body.dict())

