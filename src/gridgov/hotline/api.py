"""The hotline's side of the API, authenticated by the integration's key (``X-Api-Key``), not by a
user: the key belongs to one district, and every call files into or reads from that district only.

- ``POST /api/v1/hotline/orders``: one order (the batch layout's columns under English keys). 201
  with the new case's code; 200 with the existing code when the order number was already filed
  (a retried push is harmless); 422 with the reasons, column by column; 403 without a valid key.
- ``GET /api/v1/hotline/orders/{order_no}``: the answer-back to poll: state, closure, result,
  handling unit, rating.
- ``POST /api/v1/hotline/orders/{order_no}/rating``: the hotline's call-back (回访) result. A
  hotline caller has no account to rate with, so the hotline reports the rating; the first
  不满意 reopens the case, as a resident's would.
"""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader

from gridgov.cases.services import lifecycle
from gridgov.core import clock
from gridgov.core.api import errors
from gridgov.core.errors import InvalidTransition
from gridgov.core.text import PlainText
from gridgov.integrations.models import Integration, Kind

from . import services


class HotlineKey(APIKeyHeader):
    """``X-Api-Key: <key>`` of an active 12345 hotline integration. A missing or wrong key is 403
    (the caller is a system with a key, not a person who could sign in)."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        integration = Integration.for_key(key or "", kind=Kind.HOTLINE)
        if integration is None:
            raise PermissionDenied(_("Send an active 12345 hotline integration key in the X-Api-Key header."))
        Integration.objects.filter(pk=integration.pk).update(last_used=clock.now())
        return integration


router = Router(tags=["hotline"], auth=HotlineKey())


class OrderIn(Schema):
    order_no: str | int = Field(..., description="工单编号: the hotline's order number (letters, digits, - _ .).")
    reported_at: str = Field(..., max_length=40,
                             description="来电时间: ISO 8601 or 2024-12-31 15:00; without a zone, Beijing time.")
    contact_name: PlainText = Field("", max_length=100, description="来电人")
    contact_phone: str | int = Field("", description="联系电话: a mobile number or a landline with area code.")
    title: PlainText = Field("", max_length=200, description="诉求标题 (the start of the description when empty)")
    description: PlainText = Field("", max_length=5000, description="诉求内容")
    category: str | int = Field(..., description="事项分类: the category's code, name or plain-language name.")
    address: PlainText = Field("", max_length=400, description="发生地址 (needed when there are no coordinates)")
    lng: float | None = Field(None, description="经度, in degrees of the datum ``datum`` names")
    lat: float | None = Field(None, description="纬度")
    datum: str = Field("", max_length=20, description="坐标系 of lng/lat: wgs84 (the default when empty), gcj02 "
                                                       "(Amap, Tencent) or bd09 (Baidu). Stored as WGS-84.")
    street: str = Field("", max_length=100, description="所属街道 (optional; checked against the coordinates)")
    district: str | None = Field(None, max_length=6,
                                 description="Optional: the district code the hotline means; must be the key's.")


class Filed(Schema):
    order_no: str
    case: str
    created: bool
    status: str
    status_label: str


class Refusal(Schema):
    detail: str
    reasons: dict[str, list[str]] = Field({}, description="Column → why it was refused; absent when the JSON "
                                                          "itself did not fit (then ``errors`` says where).")


class AnswerOut(Schema):
    order_no: str
    case: str
    status: str
    status_label: str
    reported_at: dt.datetime
    resolution_due: dt.datetime | None
    closed_at: dt.datetime | None
    closed_on_time: bool | None
    result: str
    handled_by: str
    rating: str | None
    rating_label: str
    rated_at: dt.datetime | None


class RatingIn(Schema):
    rating: str = Field(..., max_length=20, description="满意 / 基本满意 / 不满意, or satisfied / basically / unsatisfied")
    note: PlainText = Field("", max_length=500, description="What the caller said.")


def _filed(case, created: bool) -> dict:
    return {"order_no": case.external_id, "case": case.code, "created": created, "status": case.status,
            "status_label": services.status_word(case.status)}


@router.post("/orders", response={200: Filed, 201: Filed, **errors(400, 403), 422: Refusal})
def push_order(request, order: OrderIn):
    """File one order into the key's district."""
    district = request.auth.district
    if order.district and order.district != district.code:
        raise PermissionDenied(_("This key files orders into %(district)s (%(code)s) only.") % {
            "district": district.short_name, "code": district.code})
    try:
        case, created = services.push(order.model_dump(exclude={"district"}), district)
    except ValidationError as error:
        reasons = error.message_dict if hasattr(error, "error_dict") else {"order": error.messages}
        detail = "; ".join(f"{key}: {' '.join(messages)}" for key, messages in reasons.items())
        return 422, {"detail": _("The order was refused: %(reasons)s") % {"reasons": detail}, "reasons": reasons}
    return (201 if created else 200), _filed(case, created)


def _case(request, order_no: str):
    case = services.find_case(request.auth.district.code, order_no)
    if case is None:
        raise Http404
    return services.answer_queryset(services.hotline_cases(case.district_code)).get(pk=case.pk)


@router.get("/orders/{order_no}", response={200: AnswerOut, **errors(403, 404)})
def order_answer(request, order_no: str):
    """The answer-back of one order of the key's district."""
    return services.answer_for_api(_case(request, order_no))


@router.post("/orders/{order_no}/rating", response={200: AnswerOut, **errors(400, 403, 404, 409, 422)})
def rate_order(request, order_no: str, body: RatingIn):
    """The caller's rating from the hotline's call-back, on a closed case."""
    case = _case(request, order_no)
    rating = services.rating_value(body.rating)
    try:
        lifecycle.rate(None, case, rating, body.note)
    except InvalidTransition as error:
        return 409, {"detail": " ".join(error.messages)}
    return services.answer_for_api(_case(request, order_no))
