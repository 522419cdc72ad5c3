"""The district's standards: its facility kinds (circle, floor area, response circle) and walking
speeds. Data its administrator enters — GB 50180-2018 and the district's own rules — never constants."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gridgov.core import journal
from gridgov.structure.models import Unit, UnitKind

from ..models import CoverageSettings, FacilitiesEntry, FacilityKind
from ..models import FacilitiesAction as A
from .common import append, area, plain, require_standards


def settings_for(district: Unit) -> CoverageSettings:
    """The district's walking speeds (the defaults until its administrator changes them)."""
    found = CoverageSettings.objects.filter(district=district).first()
    return found or CoverageSettings(district=district)


def _minutes(value) -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("The circle is a whole number of minutes.")) from None
    if not 1 <= minutes <= 60:
        raise ValidationError(_("The circle is between 1 and 60 minutes of walking."))
    return minutes


def _kind_values(data: dict) -> dict:
    values = {}
    if "name" in data:
        values["name"] = plain(data["name"], _("Name"), 60, required=True)
    if "minutes" in data:
        values["minutes"] = _minutes(data["minutes"])
    for field, label in (("min_area", _("Minimum floor area")),
                         ("area_per_100_households", _("Floor area per 100 households"))):
        if field in data:
            values[field] = area(data[field], label)
    if "opening_hours" in data:
        values["opening_hours"] = plain(data["opening_hours"], _("Opening hours"), 100)
    for field in ("response", "active"):
        if field in data:
            values[field] = bool(data[field])
    if "order" in data:
        values["order"] = max(0, min(int(data["order"] or 0), 10000))
    return values


def create_kind(actor, district: Unit, *, code: str = "", **data) -> FacilityKind:
    """A new kind of facility with its standard."""
    if district.kind != UnitKind.DISTRICT:
        raise ValidationError(_("Facility kinds belong to a district."))
    require_standards(actor, district)
    values = _kind_values({"name": data.get("name", ""), **data})
    code = slugify(code or "")[:40]
    if not code:
        raise ValidationError(_("Give the kind a code (letters, digits and hyphens)."))
    try:
        with transaction.atomic():
            kind = FacilityKind.objects.create(district=district, code=code, **values)
            append(kind, actor, A.CREATE, data={"code": code, "name": kind.name})
    except IntegrityError:
        raise ValidationError(_("This district already has a facility kind with the code “%(code)s”.")
                              % {"code": code}) from None
    return kind


def change_kind(actor, kind: FacilityKind, **data) -> FacilityKind:
    """Change a kind's standard (locked: two administrators editing at once are serialised)."""
    values = _kind_values(data)
    with transaction.atomic():
        kind = FacilityKind.objects.select_for_update().select_related("district").get(pk=kind.pk)
        require_standards(actor, kind.district)
        changed = {field: str(value) for field, value in values.items() if getattr(kind, field) != value}
        for field, value in values.items():
            setattr(kind, field, value)
        if changed:
            kind.save()
            append(kind, actor, A.CHANGE, data=changed)
    return kind


def change_settings(actor, district: Unit, **data) -> CoverageSettings:
    """The district's walking speeds, the farthest a point may lie from the network, the number of
    candidate sites; the elderly never walk faster than the others."""
    require_standards(actor, district)
    labels = {"walk_speed": (_("Walking speed"), 20, 150), "elderly_speed": (_("Elderly walking speed"), 10, 150),
              "max_snap": (_("Farthest from the network"), 10, 5000), "candidate_sites": (_("Candidate sites"), 0, 20)}
    with transaction.atomic():
        current, _created = CoverageSettings.objects.select_for_update().get_or_create(district=district)
        changed = {}
        for field, (label, low, high) in labels.items():
            if field not in data:
                continue
            try:
                value = int(data[field])
            except (TypeError, ValueError):
                raise ValidationError(_("%(field)s must be a whole number.") % {"field": label}) from None
            if not low <= value <= high:
                raise ValidationError(_("%(field)s must be between %(low)d and %(high)d.")
                                      % {"field": label, "low": low, "high": high})
            if getattr(current, field) != value:
                changed[field] = value
                setattr(current, field, value)
        if current.elderly_speed > current.walk_speed:
            raise ValidationError(_("The elderly cannot walk faster than the others."))
        if changed:
            current.save()
            append(current, actor, A.CHANGE, data=changed)
    return current


def history(subject) -> list:
    """The journal of a kind, a facility, the settings or a network, oldest first (and whether its
    chain is intact)."""
    return list(FacilitiesEntry.objects.filter(**FacilitiesEntry.chain_of(subject)).order_by("seq"))


def intact(subject) -> bool:
    return journal.verify(subject, FacilitiesEntry)
