"""The shop app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt

from django.utils import timezone

from gridgov.accounts.models import Role
from gridgov.accounts.roles import DISPATCH_ROLES, GRID_ROLES
from gridgov.shop.models import Item, Order, ShopSettings

EVERY_ROLE = frozenset(Role)


def _item(area):
    return Item.objects.create(community=area.units["community"], name=f"{area.label}毛巾", price=10, stock=3)


def _order(area):
    now = timezone.now()
    return Order.objects.create(code=f"M{area.label[:3].upper()}{Order.objects.count():04d}", item=_item(area),
                                community=area.units["community"], person=area.person,
                                buyer=area.users[Role.RESIDENT], quantity=1, points=10, placed_at=now,
                                expires_at=now + dt.timedelta(days=14))


ROWS: dict = {
    ShopSettings: (lambda a: ShopSettings.objects.create(district=a.units["district"]), EVERY_ROLE, True),
    # The community's structure roles, and the residents and party members of that community.
    Item: (_item, EVERY_ROLE - GRID_ROLES, False),
    # Personal data: the community's staff and those above, its shop keeper, and the buyer.
    Order: (_order, DISPATCH_ROLES | {Role.SHOP_KEEPER, Role.RESIDENT}, False),
}
ENDPOINTS: dict = {
    "api shop item": (Item, lambda item: f"/api/v1/shop/items/{item.pk}", 10**9),
    "api shop order": (Order, lambda order: f"/api/v1/shop/orders/{order.pk}", 10**9),
    "page shop order": (Order, lambda order: f"/shop/orders/{order.pk}/", 10**9),
}
