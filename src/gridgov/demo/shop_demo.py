"""The demo district's points shop (see ``participation.py``), made through the shop's services.

Runs after the volunteering demo, which pays volunteers' points into their ledger accounts. Every
community where someone holds points (found through the ledger: persons' points accounts with a
balance) gets a shop keeper (an existing one, the community's staff, or a new ``sk_<code>`` login)
and a shelf of items; then, over the last 90 days, inside ``clock.frozen``, the buyers — residents
and party members with a login — order, and the keeper hands over, cancels or the order expires,
in time order. A buyer never spends points earned later than the order: what they may spend at a
moment is the sum of their postings up to it; the ``resident`` login keeps :data:`RESERVE` points
(so it can still redeem something). The demo community (怡湖社区) gets the login ``shop_keeper``.
With no points anywhere it does nothing.
"""
import datetime as dt
import heapq
import random

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.roles import SELF_ROLES, SHOP_ROLES
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, Posting
from gridgov.people.models import Person
from gridgov.shop.models import Item, Order, OrderStatus
from gridgov.shop.services import items, orders
from gridgov.shop.services.access import community_of
from gridgov.structure.models import Unit

from .seed import DISTRICT, SEED
from .volunteering_demo import password_hash

#: The shelf of every demo shop: name, price in points, stock, description.
SHELF = [("洗衣液 2kg", 30, 12, "日用品"), ("抽纸 10包", 15, 20, "日用品"), ("毛巾", 10, 20, ""),
         ("大米 5kg", 50, 8, "本地新米"), ("食用油 1.8L", 60, 6, ""), ("牙膏", 12, 15, ""),
         ("雨伞", 40, 5, "便民服务点也可借用"), ("理发券", 20, 10, "社区理发室")]
REFUSED = (ValidationError, PermissionDenied, NotFound)
#: About how many orders the whole district tries to place over the period: each buyer tries on a
#: day with probability 10 %, less when there are many buyers, so the demo stays a few seconds long
#: (a try with too few points for anything places nothing).
ORDERS_TARGET = 320
#: The fates of the first orders (by number), so every ending is there however the dice fall: a
#: cancellation by the buyer, one by the keeper, one left to expire.
FATES = {2: "keeper_cancel", 3: "cancel", 4: "expire"}
#: Points the ``resident`` login never spends in the demo (it can still redeem something).
RESERVE = 30
HOME_COMMUNITY = "510113002001"  # 怡湖社区, where the main demo logins work


def _buyers(district_code):
    """(person, user) for every person with points and a buyer's login, and their communities."""
    keys = Account.objects.filter(kind=AccountKind.PERSON, unit=MeasureUnit.POINTS, district_code=district_code,
                                  balance__gt=0).values_list("owner_key", flat=True)
    pks = [int(key.split(":", 1)[1]) for key in keys if key.startswith("person:") and key[7:].isdigit()]
    users = RoleAssignment.objects.filter(role__in=SELF_ROLES).values("user")
    return list(Person.objects.filter(pk__in=pks, user__in=users, user__is_active=True)
                .select_related("unit", "user").order_by("pk"))


def _keeper(community) -> User:
    """The community's shop keeper: the demo community's ``shop_keeper`` login (made here), else
    whoever keeps its shop already (a shop keeper before the community's staff), else a new
    ``sk_<code>`` login."""
    if community.code == HOME_COMMUNITY:
        return _login("shop_keeper", community)
    held = (RoleAssignment.objects.filter(role__in=SHOP_ROLES, unit=community).select_related("user")
            .order_by("-role", "pk"))  # shop_keeper sorts before community_staff
    for assignment in held:
        if assignment.user.is_active:
            return assignment.user
    return _login(f"sk_{community.code}", community)


def _login(username, community) -> User:
    user, created = User.objects.get_or_create(username=username,
                                               defaults={"password": password_hash(), "first_name": "店长"})
    if created:
        RoleAssignment.objects.create(user=user, role=Role.SHOP_KEEPER, unit=community)
    return user


def _available(person, at) -> int:
    """What the person may spend at ``at``: their postings up to then (never points earned later),
    less the ``resident`` login's reserve."""
    reserve = RESERVE if person.user.username == "resident" else 0
    total = Posting.objects.filter(account__kind=AccountKind.PERSON, account__unit=MeasureUnit.POINTS,
                                   account__owner_key=f"person:{person.pk}", entry__at__lte=at) \
        .aggregate(total=Sum("amount"))["total"] or 0
    return total - reserve


def generate(progress: bool = False, now: dt.datetime | None = None, days: int = 90, seed=SEED,
             district_code: str = DISTRICT) -> dict:
    end = (now or timezone.now()).astimezone(dt.timezone.utc)
    start = end - dt.timedelta(days=days)
    rng = random.Random(f"{seed}:shop")
    with transaction.atomic():
        buyers = _buyers(district_code)
        codes = sorted({community_of(person) for person in buyers} - {None})
        if not codes:
            return {"shop_items": 0, "shop_orders": 0}
        communities = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
        keepers = {code: _keeper(unit) for code, unit in communities.items()}
        shelves = {}
        with clock.frozen(start):
            for code, unit in communities.items():
                existing = list(Item.objects.filter(community=unit))
                shelves[code] = existing or [
                    items.create_item(keepers[code], unit, name=name, price=price, stock=stock, description=text)
                    for name, price, stock, text in rng.sample(SHELF, 6)]

        events = []  # (time, sequence, kind, payload)
        sequence = 0

        def push(at, kind, payload):
            nonlocal sequence
            sequence += 1
            heapq.heappush(events, (at, sequence, kind, payload))

        chance = min(0.1, ORDERS_TARGET / (days * len(buyers)))
        for day in range(days):
            base = start + dt.timedelta(days=day)
            push(base.replace(hour=17, minute=0, second=0, microsecond=0), "expire", None)  # 01:00 local
            if day % 7 == 0:
                for code in codes:
                    push(base + dt.timedelta(hours=1), "restock", code)
            for person in buyers:
                if rng.random() < chance:
                    push(base + dt.timedelta(hours=rng.uniform(1, 12)), "order", person)

        placed = 0
        with clock.frozen(start):
            while events:
                at, _sequence, kind, payload = heapq.heappop(events)
                if at > end:
                    break
                clock.set(at)
                if kind == "expire":
                    orders.expire_due(now=at)
                elif kind == "restock":
                    for item in shelves[payload]:
                        item.refresh_from_db()
                        if item.stock < 5:
                            items.update_item(keepers[payload], item, stock=item.stock + 10)
                elif kind == "order":
                    order = _order(rng, payload, shelves, at)
                    if order is not None:
                        placed += 1
                        _fate(rng, order, push, at, FATES.get(placed), at > end - dt.timedelta(days=6))
                elif kind in ("pick_up", "cancel", "keeper_cancel"):
                    order = payload
                    try:
                        if kind == "pick_up":
                            orders.pick_up(keepers[order.community.code], order, code=order.code)
                        elif kind == "cancel":
                            orders.cancel(order.buyer, order)
                        else:
                            orders.cancel(keepers[order.community.code], order, reason="暂时缺货，积分已退回")
                    except REFUSED:
                        pass  # expired meanwhile
            clock.set(end)
            orders.expire_due(now=end)  # as the worker would at "now"
        counts = dict.fromkeys(OrderStatus.values, 0)
        for status in Order.objects.filter(community__code__in=codes).values_list("status", flat=True):
            counts[status] += 1
    summary = {"shop_items": Item.objects.filter(community__code__in=codes).count(), "shop_orders": placed}
    summary.update({f"shop_orders_{status}": count for status, count in counts.items()})
    return summary


def _order(rng, person, shelves, at):
    shelf = shelves.get(community_of(person), [])
    budget = _available(person, at)
    choices = [item for item in Item.objects.filter(pk__in=[i.pk for i in shelf], active=True, stock__gt=0)
               if item.price <= budget]
    if not choices:
        return None
    item = rng.choice(choices)
    quantity = 2 if item.price * 2 <= budget and item.stock >= 2 and rng.random() < 0.2 else 1
    try:
        return orders.place_order(person.user, item, quantity)
    except REFUSED:
        return None


def _fate(rng, order, push, at, fate=None, recent=False):
    """What happens to an order next: mostly picked up within days, sometimes cancelled, some left
    to expire (and the latest mostly still waiting). ``fate`` forces one (:data:`FATES`)."""
    roll = rng.random()
    if fate is None and recent and rng.random() < 0.7:
        return  # still waiting at "now"
    if fate == "pick_up" or (fate is None and roll < 0.72):
        push(at + dt.timedelta(hours=rng.uniform(2, 120)), "pick_up", order)
    elif fate == "cancel" or (fate is None and roll < 0.84):
        push(at + dt.timedelta(hours=rng.uniform(1, 72)), "cancel", order)
    elif fate == "keeper_cancel" or (fate is None and roll < 0.89):
        push(at + dt.timedelta(hours=rng.uniform(12, 48)), "keeper_cancel", order)
    # else: nobody comes; the worker expires it after the district's days to pick up
