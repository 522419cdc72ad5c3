"""The community's service menu."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import journal

from ..actions import VolunteeringAction as A
from ..models import PointsBasis, ServiceItem, SetupEntry
from .common import plain, require_staff, whole_amount


def save_item(actor, *, community, name: str, description: str = "", points=10, basis: str = PointsBasis.PER_HOUR,
              care: bool = False, estimated_minutes=60, active: bool = True, item: ServiceItem | None = None
              ) -> ServiceItem:
    """Add an item to the community's menu, or change one (``item``)."""
    require_staff(actor, community)
    if item is not None and item.community_id != community.pk:
        raise ValidationError(_("This item belongs to another community's menu."))
    name = plain(name, _("Name"), 100)
    if not name:
        raise ValidationError(_("A service needs a name."))
    if basis not in PointsBasis.values:
        raise ValidationError(_("Points are given per hour or per service."))
    fields = {"name": name, "description": plain(description, _("Description"), 2000),
              "points": whole_amount(points, _("Points"), minimum=0, maximum=10000), "basis": basis,
              "care": bool(care), "estimated_minutes": whole_amount(estimated_minutes, _("Estimated minutes")),
              "active": bool(active)}
    with transaction.atomic():
        if item is None:
            item = ServiceItem(community=community)
            action = A.CREATE
        else:
            item = ServiceItem.objects.select_for_update().get(pk=item.pk)
            action = A.CHANGE
        changed = sorted(name for name, value in fields.items() if getattr(item, name) != value or item.pk is None)
        for name, value in fields.items():
            setattr(item, name, value)
        item.save()
        journal.append(item, actor, action, journal=SetupEntry, data={"fields": changed})
    return item
