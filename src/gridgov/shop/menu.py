"""The shop in the menu: the shop and one's orders for residents and party members, the counter
for shop keepers and community staff."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import SELF_ROLES, SHOP_ROLES
from gridgov.core.menu import TAKING_PART, Entry, register


def register_entries() -> None:
    register(Entry(_("Points shop"), "shop", 64, lambda request, scope: bool(scope.roles & SELF_ROLES),
                   active=("shop", "shop-my-orders", "shop-order")))
    register(Entry(_("Shop counter"), "shop-keeper", 74, lambda request, scope: bool(scope.roles & SHOP_ROLES),
                   active=("shop-keeper",), group=TAKING_PART))
