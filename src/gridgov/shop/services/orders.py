"""Orders (redemptions): place, pick up, cancel, expire. Each is one transaction that locks what it
changes, moves the points through the ledger with a key named after the order, and journals the
order's step. The rules (docs/shop.md):

- a buyer orders from the shop of **their own community** only;
- placing an order locks the item row, checks and takes the stock, and holds the points in the
  district's escrow (``shop-order:<id>:hold``) — all or nothing: too few points or too little stock
  refuse the order and change nothing;
- pick-up (by the keeper, with the buyer's code) releases the escrow to the community's shop
  account (``shop-order:<id>:release``);
- cancellation (the buyer, or a keeper with a reason) and expiry (the worker, after the district's
  days to pick up) return the points (``shop-order:<id>:return``) and put the stock back.

Ledger entries are never deleted or changed: every movement is a new entry.
"""
import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.core.text import check_plain
from gridgov.ledger import services as ledger

from ..actions import ShopAction
from ..models import DEFAULT_PICKUP_DAYS, Item, Order, OrderEntry, OrderStatus, ShopSettings
from .access import buyer_person, community_of, is_keeper, require_keeper
from .accounts import escrow_account, points_account, shop_account

MAX_QUANTITY = 99
#: Pick-up codes: no 0/O, 1/I/L, so a keeper can type what the buyer shows.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

transition = journal.transition(Order, visible=visible, related=("item", "community", "person__unit"))


def pickup_days(district_code: str) -> int:
    days = ShopSettings.objects.filter(district__code=district_code).values_list("pickup_days", flat=True).first()
    return days or DEFAULT_PICKUP_DAYS


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Order.objects.filter(code=code).exists():
            return code


def normalise_code(code) -> str:
    return "".join(str(code or "").split()).upper().replace("-", "")


def check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError(_("The quantity must be a whole number."), code="quantity")
    if quantity < 1:
        raise ValidationError(_("Order at least one."), code="quantity")
    if quantity > MAX_QUANTITY:
        raise ValidationError(_("Order at most %(max)s at a time.") % {"max": MAX_QUANTITY}, code="quantity")
    return quantity


def _record(order, actor, action, from_status, *, at, note="", data=None):
    return journal.append(order, actor, action, journal=OrderEntry, from_status=from_status,
                          to_status=order.status, at=at, note=note, data=data)


def place_order(actor, item, quantity) -> Order:
    """The buyer ``actor`` orders ``quantity`` of ``item`` of their own community's shop."""
    quantity = check_quantity(quantity)
    person = buyer_person(actor)
    now = clock.now()
    with transaction.atomic():
        # The item's row lock serialises buyers of the same item: the second sees the stock the first left.
        try:
            item = visible(actor, Item.objects.select_for_update(of=("self",)).select_related("community")).get(
                pk=item.pk)
        except Item.DoesNotExist:
            raise NotFound from None
        if item.community.code != community_of(person):
            raise ValidationError(_("You can only order from the shop of your own community."), code="community")
        if not item.active:
            raise ValidationError(_("This item is not on sale."), code="inactive")
        if item.stock < quantity:
            raise ValidationError(
                _("Only %(stock)s of “%(item)s” left: you asked for %(quantity)s.")
                % {"stock": item.stock, "item": item.name, "quantity": quantity}, code="stock")
        points = item.price * quantity
        account = points_account(person)
        order = Order.objects.create(
            code=_new_code(), item=item, community=item.community, person=person, buyer=actor, quantity=quantity,
            points=points, placed_at=now, expires_at=now + dt.timedelta(days=pickup_days(item.community.district_code)))
        item.stock -= quantity
        item.save(update_fields=["stock"])
        try:
            ledger.post([(account, -points), (escrow_account(item.community.district_code), points)],
                        key=f"shop-order:{order.pk}:hold", memo=_("Shop order %(code)s: points held") % {"code": order.code},
                        actor=actor, kind="shop-hold", at=now)
        except ValidationError as error:
            if getattr(error, "code", None) == "insufficient_balance":
                raise ValidationError(
                    _("Not enough points: “%(item)s” × %(quantity)s costs %(points)s points and you have %(balance)s.")
                    % {"item": item.name, "quantity": quantity, "points": points,
                       "balance": ledger.balance(account)}, code="insufficient_points") from None
            raise
        Order.objects.select_for_update().get(pk=order.pk)
        _record(order, actor, ShopAction.PLACE, "", at=now,
                data={"item": item.pk, "quantity": quantity, "points": points})
    return order


def _require_placed(order):
    if order.status != OrderStatus.PLACED:
        raise InvalidTransition(_("The order is “%(status)s”; this is not possible now.")
                                % {"status": order.get_status_display()}, code="state")


def _give_back(order, actor, action, *, now, reason=""):
    """Return the stock and the held points; close the order as ``action`` says."""
    item = Item.objects.select_for_update().get(pk=order.item_id)
    item.stock += order.quantity
    item.save(update_fields=["stock"])
    ledger.post([(escrow_account(order.community.district_code), -order.points), (points_account(order.person), order.points)],
                key=f"shop-order:{order.pk}:return", memo=_("Shop order %(code)s: points returned") % {"code": order.code},
                actor=actor, kind="shop-return", at=now)
    from_status = order.status
    order.status = OrderStatus.CANCELLED if action == ShopAction.CANCEL else OrderStatus.EXPIRED
    order.closed_at, order.closed_by, order.reason = now, actor, reason
    order.save(update_fields=["status", "closed_at", "closed_by", "reason"])
    item_data = {"stock_returned": order.quantity, "points_returned": order.points}
    _record(order, actor, action, from_status, at=now, note=reason, data=item_data)


@transition
def pick_up(actor, order, code=None):
    """The keeper hands the order over: its points go from escrow to the community's shop. With
    ``code`` (what the buyer shows), the code must be this order's."""
    require_keeper(actor, order.community)
    if code is not None and normalise_code(code) != order.code:
        raise ValidationError(_("That is not this order's pick-up code."), code="code")
    _require_placed(order)
    now = clock.now()
    ledger.post([(escrow_account(order.community.district_code), -order.points), (shop_account(order.community), order.points)],
                key=f"shop-order:{order.pk}:release", memo=_("Shop order %(code)s: picked up") % {"code": order.code},
                actor=actor, kind="shop-release", at=now)
    order.status, order.closed_at, order.closed_by = OrderStatus.PICKED_UP, now, actor
    order.save(update_fields=["status", "closed_at", "closed_by"])
    _record(order, actor, ShopAction.PICK_UP, OrderStatus.PLACED, at=now, data={"points": order.points})


def pick_up_by_code(actor, code) -> Order:
    """The keeper types the code the buyer shows: the order with that code among those the keeper
    may see (another's answers like a code that does not exist)."""
    code = normalise_code(code)
    if not code or len(code) > 12:
        raise ValidationError(_("Type the pick-up code the buyer shows."), code="code")
    order = visible(actor, Order.objects.filter(code=code)).first()
    if order is None:
        raise NotFound(_("No order has this pick-up code."))
    return pick_up(actor, order)


@transition
def cancel(actor, order, reason: str = ""):
    """The buyer cancels their waiting order, or a keeper cancels it with a reason; the points and the
    stock go back."""
    reason = (reason or "").strip()
    check_plain("reason", reason, _("The reason"))
    if len(reason) > 200:
        raise ValidationError(_("The reason is at most 200 characters."), code="reason")
    own = order.buyer_id == actor.pk
    if not own:
        if not is_keeper(actor, order.community):
            raise PermissionDenied(_("Only the buyer, the shop keeper or the community's staff may cancel an order."))
        if not reason:
            raise ValidationError(_("Say why the order is cancelled: the buyer will read it."), code="reason")
    _require_placed(order)
    _give_back(order, actor, ShopAction.CANCEL, now=clock.now(), reason=reason)


@transition
def expire(actor, order, now=None):
    """The platform (``actor=None``) closes an order not picked up in time."""
    _require_placed(order)
    now = now or clock.now()
    if order.expires_at > now:
        raise InvalidTransition(_("The order may still be picked up."), code="not_due")
    _give_back(order, actor, ShopAction.EXPIRE, now=now)


def expire_due(now=None) -> str:
    """The worker's round: expire every waiting order past its pick-up date (each in its own
    transaction; an order picked up meanwhile is left alone)."""
    now = now or clock.now()
    done = 0
    for pk in Order.objects.filter(status=OrderStatus.PLACED, expires_at__lte=now).values_list("pk", flat=True):
        try:
            expire(None, Order(pk=pk), now=now)
            done += 1
        except (InvalidTransition, Order.DoesNotExist):
            continue
    return f"{done} shop orders expired"
