"""Who hears of a step of a shop order, and what they are told: for the inbox to call from its
``journal.changed`` listener (``sender=Order``); the shop cannot import the inbox (a higher floor).
A buyer whose redemption ends without them — cancelled by the keeper, or not picked up in time —
is told why and that the points are back; their own steps tell nobody."""
from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from ..actions import ShopAction


def recipients(order, action: str) -> list[tuple[list[User], str]]:
    buyer = list(User.objects.filter(pk=order.buyer_id, is_active=True))
    name = order.item.name
    if action == ShopAction.CANCEL and order.closed_by_id != order.buyer_id:
        return [(buyer, _("Your redemption of “%(item)s” was cancelled by the shop: %(reason)s. "
                          "Your %(points)s points are back.") % {"item": name, "reason": order.reason,
                                                                 "points": order.points})]
    if action == ShopAction.EXPIRE:
        return [(buyer, _("Your redemption of “%(item)s” was not picked up in time. Your %(points)s points "
                          "are back.") % {"item": name, "points": order.points})]
    return []
