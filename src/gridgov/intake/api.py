"""The intake API (``/api/v1/intake``): category suggestions, free-text reports that route
themselves when the classifier is sure, the dispatcher's correction, “already reported?”,
joining a case, address resolution and hot spots.

Scope works as everywhere: a case or unit outside the caller's scope answers 404; lists hold only
what the caller may see. “Already reported?” shows a resident open cases they cannot otherwise see,
so it looks only where they are (their home grid, or the located point of the report they are
writing) and shows only what a public map would: code, category, status, grid and date — no title,
description, distance, reporter or contact (``duplicates.Offer`` says why). Staff see it in full.
"""
import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404
from gridgov.cases.models import Case, Channel
from gridgov.cases.services.callers import caller_district, channel_and_reporter
from gridgov.catalogue.models import Category
from gridgov.core.api import errors
from gridgov.core.geo import DATUM_HELP, Datum, to_wgs84
from gridgov.core.text import PlainText

from . import classify, duplicates, services
from . import hotspots as hot
from .address import resolve_address

router = Router(tags=["intake"])

CaseCode = Path[str, {"pattern": r"^\d{1,24}$", "description": "A case code."}]
CATEGORY_CODE = r"^(\d{2}){1,3}$"
DISTRICT_CODE = r"^\d{6}$"
TEXT = 2000


# -- schemas ------------------------------------------------------------------------------------
class TextIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=TEXT)


class GuessOut(Schema):
    category: str
    name: str
    plain_name: str
    confidence: float


class SuggestOut(Schema):
    model_version: int | None = Field(None, description="The stored model used; null when only keywords spoke.")
    suggestions: list[GuessOut]


class IntakeReportIn(Schema):
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=TEXT)
    category: str | None = Field(None, pattern=CATEGORY_CODE,
                                 description="The reporter's own choice; leave it out to let the classifier choose.")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    datum: Literal[tuple(Datum.values)] = Field(Datum.WGS84, description=DATUM_HELP)
    address: PlainText = Field("", max_length=200, description="Without coordinates, the place is read from this text.")
    channel: Literal[tuple(Channel.values)] | None = Field(None, description="Default: app for residents, patrol "
                                                                             "for grid workers, other for the rest.")
    contact_name: PlainText = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")
    district: str | None = Field(None, pattern=DISTRICT_CODE)


class IntakeCaseOut(Schema):
    code: str
    title: str
    status: str
    category: str
    category_name: str
    unit: str
    unit_name: str
    queue: str
    handler: str | None
    reported_at: dt.datetime


class ReportOut(Schema):
    case: IntakeCaseOut
    auto_routed: bool
    model_version: int | None
    suggestions: list[GuessOut]
    address: list[str] = Field(description="The registry's names found in the text, when it located the case.")


class RecategoriseIn(Schema):
    category: str = Field(..., pattern=CATEGORY_CODE)
    note: PlainText = Field("", max_length=TEXT)


class SimilarIn(Schema):
    category: str = Field(..., pattern=CATEGORY_CODE)
    title: PlainText = Field(..., min_length=1, max_length=120)
    description: PlainText = Field("", max_length=TEXT)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    datum: Literal[tuple(Datum.values)] = Field(Datum.WGS84, description=DATUM_HELP)
    address: str = Field("", max_length=200)
    district: str | None = Field(None, pattern=DISTRICT_CODE)


class SimilarOut(Schema):
    code: str
    status: str
    category: str
    category_name: str = Field(description="The category's plain-language name.")
    unit_name: str = Field(description="Where: the unit for staff, the grid in the public form.")
    reported_on: dt.date
    full: bool = Field(description="False: the public form, without title, distance, similarity and score.")
    own: bool = Field(False, description="Your own report, or one you already follow: not to join.")
    title: str | None = None
    distance_m: int | None = Field(None, description="Null when matched by grid (no coordinates on one side).")
    similarity: float | None = None
    score: float | None = None


class JoinIn(Schema):
    title: PlainText = Field("", max_length=120, description="Default: the category's name.")
    description: PlainText = Field("", max_length=TEXT)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    datum: Literal[tuple(Datum.values)] = Field(Datum.WGS84, description=DATUM_HELP)
    address: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=20, pattern=r"^[0-9+\- ]*$")


class JoinOut(Schema):
    case: str = Field(description="Your report, merged into the master case.")
    master: str
    master_status: str


class AddressOut(Schema):
    unit: str
    kind: str
    name: str
    matched: list[str]


class HotspotCaseOut(Schema):
    code: str
    title: str
    status: str
    reported_at: dt.datetime


class HotspotOut(Schema):
    category: str
    category_name: str
    kind: str = Field(description="unit: a grid (or coarser unit); cell: a ~200 m square of coordinates.")
    place: str | None
    place_name: str | None
    center: list[float] | None
    reports: int
    reporters: int
    first_half: int
    second_half: int
    growth: float
    heat: float
    open_cases: int
    cases: list[HotspotCaseOut]


# -- helpers ------------------------------------------------------------------------------------


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationError(_("There is no category %(code)s.") % {"code": code}, code="category")
    return category


def _guesses(suggestions) -> list[dict]:
    return [{"category": g.category.code, "name": g.category.name, "plain_name": g.category.plain_name,
             "confidence": g.confidence} for g in suggestions.guesses]


def _case(case: Case) -> dict:
    handler = case.handler_user.username if case.handler_user_id else (
        case.handler_unit.code if case.handler_unit_id else None)
    return {"code": case.code, "title": case.title, "status": case.status, "category": case.category.code,
            "category_name": case.category.name, "unit": case.unit.code, "unit_name": case.unit.short_name,
            "queue": case.queue.code, "handler": handler, "reported_at": case.reported_at}


def _similar(offers) -> list[dict]:
    return [{"code": offer.code, "status": offer.status, "category": offer.category.code,
             "category_name": offer.category.plain_name, "unit_name": offer.place, "reported_on": offer.reported_on,
             "full": offer.full, "own": offer.own, "title": offer.title, "distance_m": offer.distance_m, "similarity": offer.similarity,
             "score": offer.score} for offer in offers]


def _both_or_neither(lat, lng) -> None:
    if (lat is None) != (lng is None):
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="location")


# -- endpoints ----------------------------------------------------------------------------------
@router.post("/suggest", response={200: SuggestOut, **errors(400, 401, 403, 422)})
def suggest(request, body: TextIn):
    """The three likeliest categories for a report's text, with their confidence, to pre-fill the
    report form."""
    suggestions = classify.suggest(body.title, body.description)
    return {"model_version": suggestions.model_version, "suggestions": _guesses(suggestions)}


@router.post("/reports", response={201: ReportOut, **errors(400, 401, 403, 422)})
def report(request, body: IntakeReportIn):
    """Report in words. Without ``category`` the classifier chooses: at or above the district's
    self-routing threshold the case routes itself (small loop to the grid worker, big loop to its
    queue); below it the case waits in its street's queue for a dispatcher to classify. Without
    coordinates the place is read from ``address`` (and the text)."""
    user = request.user
    _both_or_neither(body.lat, body.lng)
    district = caller_district(user, body.district)
    channel, reporter = channel_and_reporter(user, body.channel)
    result = services.file_report(
        district=district, channel=channel, title=body.title, description=body.description,
        category=_category(body.category) if body.category else None, lat=body.lat, lng=body.lng,
        address=body.address, reporter=reporter, reported_by=user, contact_name=body.contact_name,
        contact_phone=body.contact_phone, datum=body.datum)
    return 201, {"case": _case(result.case), "auto_routed": result.auto_routed,
                 "model_version": result.suggestions.model_version, "suggestions": _guesses(result.suggestions),
                 "address": result.address.matched if result.address else []}


@router.post("/cases/{code}/recategorise", response={200: IntakeCaseOut, **errors(400, 401, 403, 404, 409, 422)})
def recategorise(request, code: CaseCode, body: RecategoriseIn):
    """A dispatcher of the case's queue corrects its category (kept as training data)."""
    case = get_visible_or_404(request.user, Case.objects.all(), code=code)
    return _case(services.recategorise(request.user, case, _category(body.category), body.note))


@router.post("/similar", response={200: list[SimilarOut], **errors(400, 401, 403, 422)})
def similar(request, body: SimilarIn):
    """“Already reported?”: open cases of the same category, nearby, recent and alike. Staff get
    them best first and in full; anyone else only those where they are (their home grid, or within
    the duplicate radius of ``lat``/``lng`` when that point lies in the district), newest first and
    in the public form."""
    _both_or_neither(body.lat, body.lng)
    # Only looked up, not kept: the WGS 84 point the report will be filed at (the filing converts its own).
    lat, lng = to_wgs84(body.lat, body.lng, body.datum) if body.lat is not None else (None, None)
    user = request.user
    district = caller_district(user, body.district)
    return _similar(duplicates.similar_for_report(user, district.code, _category(body.category), title=body.title,
                                                  description=body.description, lat=lat, lng=lng,
                                                  address=body.address))


@router.get("/cases/{code}/similar", response={200: list[SimilarOut], **errors(401, 404, 422)})
def similar_to_case(request, code: CaseCode):
    """For a dispatcher: the open cases that look like this one, to merge (``lifecycle.merge``)."""
    case = get_visible_or_404(request.user, Case.objects.all(), code=code)
    return _similar(duplicates.offers(request.user, duplicates.similar_to_case(case, request.user)))


@router.post("/cases/{code}/join", response={201: JoinOut, **errors(400, 401, 403, 404, 409, 422)})
def join(request, code: CaseCode, body: JoinIn):
    """“Me too”: instead of filing a new case, follow an open case of the same problem where you are
    (as ``/similar`` offers it; a grid worker's report is their observation on it): you are told of
    its progress and see it in its public form (``GET /api/v1/cases/{master}/progress``); rating it
    stays with its reporter, and once it is closed you rate your own report (``case``). Your own
    report, or one you already follow, is refused (400)."""
    _both_or_neither(body.lat, body.lng)
    master = duplicates.joinable(request.user, code)
    case = duplicates.join(request.user, master, title=body.title, description=body.description, lat=body.lat,
                           lng=body.lng, address=body.address, contact_phone=body.contact_phone, datum=body.datum)
    master.refresh_from_db(fields=["status"])
    return 201, {"case": case.code, "master": master.code, "master_status": master.status}


@router.get("/address", response={200: AddressOut, **errors(401, 403, 404, 422)})
def address(request, text: Query[str, {"min_length": 1, "max_length": 200}],
            district: Query[str | None, {"pattern": DISTRICT_CODE}] = None):
    """The unit an address text names (street, community, compound, building), or 404."""
    resolved = resolve_address(caller_district(request.user, district).code, text)
    if resolved is None:
        raise Http404
    unit = resolved.unit
    return {"unit": unit.code, "kind": unit.kind, "name": unit.short_name, "matched": resolved.matched}


@router.get("/hotspots", response={200: list[HotspotOut], **errors(401, 403, 404, 422)})
def list_hotspots(request, unit: Query[str | None, {"pattern": r"^\d{6,18}$"}] = None,
                  days: Query[int | None, {"ge": 1, "le": 366}] = None,
                  min_reports: Query[int | None, {"ge": 2, "le": 1000}] = None):
    """Recurring problems (未诉先办): the same category in the same place over the window, hottest
    first, with their cases — among the cases the caller may see (a street sees its own). ``unit``
    narrows to a street, community or grid; by default the caller's district."""
    user = request.user
    found = hot.visible_hotspots(user, hot.place_for(user, unit), days, min_reports)
    return [{"category": s.category.code, "category_name": s.category.name, "kind": s.kind,
             "place": s.place.code if s.place else None, "place_name": s.place.short_name if s.place else None,
             "center": list(s.center) if s.center else None, "reports": s.reports, "reporters": s.reporters,
             "first_half": s.first_half, "second_half": s.second_half, "growth": s.growth, "heat": s.heat,
             "open_cases": s.open_cases,
             "cases": [{"code": c.code, "title": c.title, "status": c.status, "reported_at": c.reported_at}
                       for c in s.cases]} for s in found]
