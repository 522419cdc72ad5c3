"""The points shop in the API (tag ``shop``): items, my balance, placing an order, my orders,
cancelling, and the keeper's lists and pick-up. Every read goes through the scope (outside it: 404,
like something that does not exist); every change calls a service of ``gridgov.shop.services``,
which checks role, scope and state again in its own locked transaction. Refusals are JSON
``{"detail": …}``: a rule broken 422 (too few points, too little stock, a bad quantity), the order's
state 409 (picked up twice, cancelled after pick-up), a role 403."""
import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from pydantic import AfterValidator

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .models import Item, Order
from .services import items, orders
from .services.access import buyer_person, community_of
from .services.accounts import points_balance

router = Router(tags=["shop"])

Id = Path[int, {"ge": 1, "le": 2**63 - 1}]
Whole = Annotated[int, Field(strict=True)]


def _local(value):
    return timezone.localtime(value) if value else None


Local = Annotated[dt.datetime, AfterValidator(_local)]


class ShopItemOut(Schema):
    id: int
    community: str = Field(..., description="The community's unit code.")
    community_name: str
    name: str
    description: str
    price: int = Field(..., description="Points per piece.")
    stock: int
    active: bool

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_community_name(obj):
        return obj.community.short_name


class ShopItemIn(Schema):
    community: str = Field(..., pattern=r"^\d{12}$", description="The community's 12-digit unit code.")
    name: PlainText = Field(..., min_length=1, max_length=80)
    description: PlainText = Field("", max_length=2000)
    price: Whole = Field(..., ge=1, le=items.MAX_PRICE)
    stock: Whole = Field(..., ge=0, le=items.MAX_STOCK)
    active: bool = True


class ShopItemChange(Schema):
    name: PlainText | None = Field(None, min_length=1, max_length=80)
    description: PlainText | None = Field(None, max_length=2000)
    price: Whole | None = Field(None, ge=1, le=items.MAX_PRICE)
    stock: Whole | None = Field(None, ge=0, le=items.MAX_STOCK, description="The count on the shelf.")
    active: bool | None = None


class ShopItemFilters(Schema):
    community: str | None = Field(None, pattern=r"^\d{12}$")
    active: bool | None = None


class ShopBalanceOut(Schema):
    points: int
    community: str | None


class ShopOrderOut(Schema):
    id: int
    code: str = Field(..., description="The pick-up code the buyer shows the keeper.")
    item: int
    item_name: str
    community: str
    buyer: str
    quantity: int
    points: int
    status: str
    status_label: str
    placed_at: Local
    expires_at: Local
    closed_at: Local | None
    reason: str

    @staticmethod
    def resolve_item(obj):
        return obj.item_id

    @staticmethod
    def resolve_item_name(obj):
        return obj.item.name

    @staticmethod
    def resolve_community(obj):
        return obj.community.code

    @staticmethod
    def resolve_buyer(obj):
        return obj.person.name

    @staticmethod
    def resolve_status_label(obj):
        return str(obj.get_status_display())


class ShopOrderIn(Schema):
    item: Whole = Field(..., ge=1, le=2**63 - 1)
    quantity: Whole = Field(1, ge=1, le=orders.MAX_QUANTITY)


class ShopCancelIn(Schema):
    reason: PlainText = Field("", max_length=200, description="Required when a keeper cancels.")


class ShopPickUpIn(Schema):
    code: str = Field(..., pattern=r"^[0-9A-Za-z\- ]{4,16}$", description="The code the buyer shows.")


class ShopOrderFilters(Schema):
    status: Literal["placed", "picked_up", "cancelled", "expired"] | None = None
    community: str | None = Field(None, pattern=r"^\d{12}$")
    limit: int = Field(100, ge=1, le=500)


def _orders():
    return Order.objects.select_related("item", "community", "person")


# -- items ----------------------------------------------------------------------------------------
@router.get("/items", response={200: list[ShopItemOut], **errors(401, 404, 422)})
def list_items(request, filters: Query[ShopItemFilters]):
    """The items the caller may see: a resident's own community's shop; a keeper's or staff's shops."""
    found = visible(request.user, Item.objects.select_related("community"))
    if filters.community:
        get_visible_or_404(request.user, Unit.objects.all(), code=filters.community)
        found = found.filter(subtree_q("community__code", filters.community))
    if filters.active is not None:
        found = found.filter(active=filters.active)
    return found[:500]


@router.post("/items", response={201: ShopItemOut, **errors(400, 401, 403, 404, 422)})
def create_item(request, body: ShopItemIn):
    """A new item in a community's shop (its shop keeper or staff)."""
    community = get_visible_or_404(request.user, Unit.objects.all(), code=body.community)
    item = items.create_item(request.user, community, name=body.name, description=body.description,
                             price=body.price, stock=body.stock, active=body.active)
    return 201, Item.objects.select_related("community").get(pk=item.pk)


@router.get("/items/{item_id}", response={200: ShopItemOut, **errors(401, 404, 422)})
def item_detail(request, item_id: Id):
    return get_visible_or_404(request.user, Item.objects.select_related("community"), pk=item_id)


@router.patch("/items/{item_id}", response={200: ShopItemOut, **errors(400, 401, 403, 404, 422)})
def change_item(request, item_id: Id, body: ShopItemChange):
    """Change an item: name, description, price, stock on the shelf, on sale or not."""
    item = get_visible_or_404(request.user, Item.objects.all(), pk=item_id)
    items.update_item(request.user, item, **body.dict(exclude_none=True))
    return Item.objects.select_related("community").get(pk=item.pk)


# -- buying ---------------------------------------------------------------------------------------
@router.get("/balance", response={200: ShopBalanceOut, **errors(401, 403)})
def my_balance(request):
    """The caller's points (residents and party members)."""
    person = buyer_person(request.user)
    return {"points": points_balance(person), "community": community_of(person)}


@router.post("/orders", response={201: ShopOrderOut, **errors(400, 401, 403, 404, 422)})
def place_order(request, body: ShopOrderIn):
    """Order an item of the caller's own community: the stock is taken and the points are held
    until pick-up. Too few points or too little stock: 422, and nothing changes."""
    item = get_visible_or_404(request.user, Item.objects.all(), pk=body.item)
    order = orders.place_order(request.user, item, body.quantity)
    return 201, _orders().get(pk=order.pk)


@router.get("/orders/mine", response={200: list[ShopOrderOut], **errors(401)})
def my_orders(request):
    """The caller's own orders, newest first, with their pick-up codes."""
    return _orders().filter(buyer=request.user)[:200]


@router.get("/orders", response={200: list[ShopOrderOut], **errors(401, 404, 422)})
def list_orders(request, filters: Query[ShopOrderFilters]):
    """The orders the caller may see (a keeper's shops, staff's subtree), newest first."""
    found = visible(request.user, _orders())
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.community:
        get_visible_or_404(request.user, Unit.objects.all(), code=filters.community)
        found = found.filter(subtree_q("community__code", filters.community))
    return found[:filters.limit]


@router.get("/orders/{order_id}", response={200: ShopOrderOut, **errors(401, 404, 422)})
def order_detail(request, order_id: Id):
    return get_visible_or_404(request.user, _orders(), pk=order_id)


@router.post("/orders/{order_id}/cancel", response={200: ShopOrderOut, **errors(400, 401, 403, 404, 409, 422)})
def cancel_order(request, order_id: Id, body: ShopCancelIn):
    """The buyer cancels a waiting order; a keeper cancels it with a reason. Points and stock go back."""
    order = get_visible_or_404(request.user, Order.objects.all(), pk=order_id)
    orders.cancel(request.user, order, reason=body.reason)
    return _orders().get(pk=order.pk)


@router.post("/orders/{order_id}/pick-up", response={200: ShopOrderOut, **errors(401, 403, 404, 409, 422)})
def pick_up_order(request, order_id: Id):
    """The keeper hands a waiting order over: its points go to the community's shop."""
    order = get_visible_or_404(request.user, Order.objects.all(), pk=order_id)
    orders.pick_up(request.user, order)
    return _orders().get(pk=order.pk)


@router.post("/pick-up", response={200: ShopOrderOut, **errors(400, 401, 403, 404, 409, 422)})
def pick_up_by_code(request, body: ShopPickUpIn):
    """The keeper types the code the buyer shows; the order with that code is handed over."""
    order = orders.pick_up_by_code(request.user, body.code)
    return _orders().get(pk=order.pk)
