"""What the shop's journals record: one value per state change, stored and hashed, so never renamed
(only added)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopAction(models.TextChoices):
    # an item (its own journal, ``ItemEntry``)
    ITEM_CREATE = "item_create", _("item created")
    ITEM_UPDATE = "item_update", _("item changed")
    # an order (``OrderEntry``)
    PLACE = "place", _("ordered")
    PICK_UP = "pick_up", _("picked up")
    CANCEL = "cancel", _("cancelled")
    EXPIRE = "expire", _("expired")
