"""What the facilities services share: who may change what, the checks of text, areas and points,
and the journal every change is appended to."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from gridgov.accounts.roles import FACILITY_STAFF_ROLES, FACILITY_STANDARD_ROLES
from gridgov.accounts.scope import may
from gridgov.core import journal
from gridgov.core.geo import Datum, parse_datum, to_wgs84
from gridgov.core.text import plain as plain  # shared by every app's services
from gridgov.structure.models import Unit

from ..models import FacilitiesEntry


def append(subject, actor, action, **kwargs) -> None:
    """Every kind, facility, setting and network change is appended to the facilities journal."""
    journal.append(subject, actor, action, journal=FacilitiesEntry, **kwargs)




def area(value, label: str) -> Decimal | None:
    """A floor area in m² (one decimal), or None when not given; never negative."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("%(field)s must be a number of square metres.") % {"field": label}) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(_("%(field)s cannot be negative.") % {"field": label})
    if number >= Decimal("100000000"):
        raise ValidationError(_("%(field)s is too large.") % {"field": label})
    return number.quantize(Decimal("0.1"))


def require_standards(user, district: Unit) -> None:
    """The district's standards and network are its administrator's (the platform may set them)."""
    if user is not None and not may(user, FACILITY_STANDARD_ROLES, district):
        raise PermissionDenied(_("Only the district's administrator may change its standards and walk network."))


def require_staff(user, unit: Unit) -> None:
    if user is not None and not may(user, FACILITY_STAFF_ROLES, unit):
        raise PermissionDenied(_("Only the staff of this unit or above may record its facilities."))


def district_of(unit: Unit) -> Unit:
    return unit if unit.code == unit.district_code else Unit.objects.get(code=unit.district_code)


def point_in(district: Unit, lat, lng, datum=Datum.WGS84) -> tuple[float, float, str]:
    """(lat, lng) in WGS 84 and the datum they came in, checked to lie in ``district``: a point
    outside is refused, and one that lies inside only with latitude and longitude exchanged is
    refused as swapped (the usual slip when copying from a map)."""
    datum = parse_datum(datum)
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        raise ValidationError(_("Give the place as a latitude and a longitude in degrees.")) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        if -90 <= lng <= 90 and -180 <= lat <= 180:
            raise ValidationError(_("The latitude and longitude look swapped: the latitude comes first."))
        raise ValidationError(_("Give the place as a latitude and a longitude in degrees."))
    lat, lng = to_wgs84(lat, lng, datum)
    if district.boundary:
        outline = shape(district.boundary)
        if not outline.covers(Point(lng, lat)):
            if outline.covers(Point(lat, lng)):
                raise ValidationError(_("The latitude and longitude look swapped: the latitude comes first."))
            raise ValidationError(_("The place lies outside %(district)s.") % {"district": district.short_name})
    return round(lat, 7), round(lng, 7), datum
