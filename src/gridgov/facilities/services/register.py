"""The facilities themselves: recorded, changed and photographed by the staff of the unit they serve
(or above), each point converted to WGS 84 from the datum it came in and checked to lie in the
district."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.core.geo import Datum
from gridgov.core.photos import checked
from gridgov.structure.models import Unit, UnitKind

from ..models import FacilitiesAction as A
from ..models import Facility, FacilityKind, FacilityPhoto
from .common import append, area, district_of, plain, point_in, require_staff

#: At most this many photos per facility.
MAX_PHOTOS = 12
SERVING_KINDS = (UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)


def _capacity(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The capacity is a whole number of people a day.")) from None
    if number < 0:
        raise ValidationError(_("The capacity cannot be negative."))
    return number


def _values(data: dict, district: Unit) -> dict:
    values = {}
    if "name" in data:
        values["name"] = plain(data["name"], _("Name"), 100, required=True)
    if "address" in data:
        values["address"] = plain(data["address"], _("Address"), 200)
    if "opening_hours" in data:
        values["opening_hours"] = plain(data["opening_hours"], _("Opening hours"), 100)
    if "floor_area" in data:
        values["floor_area"] = area(data["floor_area"], _("Floor area"))
    if "capacity" in data:
        values["capacity"] = _capacity(data["capacity"])
    if "active" in data:
        values["active"] = bool(data["active"])
    if "lat" in data or "lng" in data:
        values["lat"], values["lng"], values["source_datum"] = point_in(
            district, data.get("lat"), data.get("lng"), data.get("datum") or Datum.WGS84)
    return values


def _serving(unit: Unit, kind: FacilityKind) -> None:
    if unit.kind not in SERVING_KINDS:
        raise ValidationError(_("A facility serves a district, street, community or grid."))
    if unit.district_code != kind.district.code:
        raise ValidationError(_("The facility's kind belongs to another district."))


def create(actor, kind: FacilityKind, unit: Unit, *, photos=(), **data) -> Facility:
    """A facility of ``kind`` serving ``unit``, at the point given (required)."""
    require_staff(actor, unit)
    _serving(unit, kind)
    if not kind.active:
        raise ValidationError(_("This kind of facility is no longer in use."))
    if data.get("lat") in (None, "") or data.get("lng") in (None, ""):
        raise ValidationError(_("Mark where the facility stands."))
    values = _values({"name": data.get("name", ""), **data}, district_of(unit))
    uploads = checked(photos, at_most=MAX_PHOTOS)
    with transaction.atomic():
        facility = Facility.objects.create(kind=kind, unit=unit, **values)
        for upload in uploads:
            FacilityPhoto.objects.create(facility=facility, image=upload, uploaded_by=actor)
        append(facility, actor, A.CREATE, data={"kind": kind.code, "unit": unit.code, "photos": len(uploads)})
    return facility


def change(actor, facility: Facility, *, unit: Unit | None = None, **data) -> Facility:
    """Change a facility (locked; the actor must be staff over both the unit it served and the one it
    will serve)."""
    with transaction.atomic():
        facility = Facility.objects.select_for_update().select_related("unit", "kind__district").get(pk=facility.pk)
        require_staff(actor, facility.unit)
        values = _values(data, district_of(facility.unit))
        if unit is not None and unit.pk != facility.unit_id:
            require_staff(actor, unit)
            _serving(unit, facility.kind)
            values["unit"] = unit
        changed = {field: str(value) for field, value in values.items() if getattr(facility, field) != value}
        if changed:
            for field, value in values.items():
                setattr(facility, field, value)
            facility.updated_at = clock.now()
            facility.save()
            append(facility, actor, A.CHANGE, data=changed)
    return facility


def add_photos(actor, facility: Facility, photos) -> int:
    uploads = checked(photos, at_most=MAX_PHOTOS)
    if not uploads:
        raise ValidationError(_("Choose at least one photo."))
    with transaction.atomic():
        facility = Facility.objects.select_for_update().select_related("unit").get(pk=facility.pk)
        require_staff(actor, facility.unit)
        if facility.photos.count() + len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        for upload in uploads:
            FacilityPhoto.objects.create(facility=facility, image=upload, uploaded_by=actor)
        append(facility, actor, A.ADD_PHOTO, data={"photos": len(uploads)})
    return len(uploads)
