"""Items: created and changed by the community's shop keeper or staff, each change journaled."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import visible
from gridgov.core import clock, journal
from gridgov.core.errors import NotFound
from gridgov.core.text import check_plain
from gridgov.structure.models import UnitKind

from ..actions import ShopAction
from ..models import Item, ItemEntry
from .access import require_keeper

MAX_PRICE = 1_000_000
MAX_STOCK = 1_000_000


def _whole(value, *, field, low, high):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("%(field)s must be a whole number.") % {"field": field}, code="not_integer")
    if value < low or value > high:
        raise ValidationError(_("%(field)s must be between %(low)s and %(high)s.") % {"field": field, "low": low,
                                                                                        "high": high}, code="range")
    return value


def check_price(price) -> int:
    return _whole(price, field=_("The price"), low=1, high=MAX_PRICE)


def check_stock(stock) -> int:
    return _whole(stock, field=_("The stock"), low=0, high=MAX_STOCK)


def _name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the item a name."), code="name")
    if len(name) > 80:
        raise ValidationError(_("The name is at most 80 characters."), code="name")
    check_plain("name", name, _("The name"))
    return name


def _description(text) -> str:
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError(_("The description is at most 2000 characters."), code="description")
    check_plain("description", text, _("The description"))
    return text


def create_item(actor, community, *, name, price, stock, description="", active=True) -> Item:
    """A new item of ``community``'s shop (the keeper or community staff only)."""
    if community is None or community.kind != UnitKind.COMMUNITY:
        raise ValidationError(_("Items belong to a community's shop."), code="community")
    require_keeper(actor, community)
    item = Item(community=community, name=_name(name), description=_description(description),
                price=check_price(price), stock=check_stock(stock), active=bool(active))
    with transaction.atomic():
        item.save()
        Item.objects.select_for_update().get(pk=item.pk)
        journal.append(item, actor, ShopAction.ITEM_CREATE, journal=ItemEntry, at=clock.now(),
                       data={"price": item.price, "stock": item.stock, "active": item.active})
    return item


FIELDS = ("name", "description", "price", "stock", "active")


def update_item(actor, item, **changes) -> Item:
    """Change an item's name, description, price, stock or being on sale; the journal records what
    changed from what. The stock set here is the count on the shelf (never below zero)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError(_("Unknown item fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        rows = Item.objects.select_for_update(of=("self",)).select_related("community")
        try:
            item = (rows if actor is None else visible(actor, rows)).get(pk=item.pk)
        except Item.DoesNotExist:
            raise NotFound from None
        require_keeper(actor, item.community)
        clean = {}
        for field, value in changes.items():
            if value is None:
                continue
            clean[field] = {"name": _name, "description": _description, "price": check_price, "stock": check_stock,
                            "active": bool}[field](value)
        changed = {field: [getattr(item, field), value] for field, value in clean.items() if getattr(item, field) != value}
        if not changed:
            return item
        for field, (_old, new) in changed.items():
            setattr(item, field, new)
        item.save(update_fields=list(changed))
        journal.append(item, actor, ShopAction.ITEM_UPDATE, journal=ItemEntry, at=clock.now(),
                       data={field: values for field, values in changed.items() if field != "description"})
    return item
