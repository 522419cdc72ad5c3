"""Checking one order: every column of a row, read from a spreadsheet cell or a JSON value, with
every problem of the row reported at once, column by column."""
import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from gridgov.cases.services import filing as case_filing
from gridgov.cases.services.locate import locate
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import category_code
from gridgov.core import clock, tables
from gridgov.core.geo import Datum, parse_datum, to_wgs84
from gridgov.intake.address import resolve_address
from gridgov.people.models import PHONE_RE
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit, UnitKind

from .layout import HOTLINE_TZ, Order, show

#: Calls time-stamped further ahead than this are refused as impossible (clocks drift a little).
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=HOTLINE_TZ)
ORDER_NO_RE = re.compile(r"[\w.\-]{1,64}")


def cell_text(value) -> str:
    """A cell or JSON value as text (a number as its digits), cleaned as every cell is."""
    value = tables.cell_value(value)
    return value if isinstance(value, str) else str(value)


def parse_time(value) -> dt.datetime:
    """A call time from a cell or a JSON string: an Excel date cell or serial number, ISO 8601, or
    the usual Chinese spellings (2024/12/31 15:00, 2024年12月31日 15:00). Without a zone it is
    Beijing time. Raises ValueError with the reason."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 20000 < value < 80000:  # 1954 … 2119 as Excel day numbers
            raise ValueError(_("not a time"))
        value = from_excel(value)
    if isinstance(value, str):
        text = value.strip()
        for old, new in (("年", "-"), ("月", "-"), ("日", " "), ("时", ":"), ("分", ":"), ("秒", ""), ("/", "-"),
                         ("：", ":"), ("T", " ")):
            text = text.replace(old, new)
        text = " ".join(text.split()).rstrip(":")
        if not re.search(r"\d{1,2}:\d{2}", text):
            raise ValueError(_("the time of day is missing") if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text)
                             else _("not a time"))
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
                try:
                    value = dt.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            else:
                raise ValueError(_("not a time"))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(_("the time of day is missing"))
    if not isinstance(value, dt.datetime):
        raise ValueError(_("not a time"))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=HOTLINE_TZ)
    return value


def normalise_phone(value: str) -> str:
    """A caller's number as the hotline writes it, reduced to digits (and a landline's one hyphen):
    spaces, a +86/0086 prefix and a leading ' from Excel go."""
    text = re.sub(r"[\s()（）']", "", value)
    text = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", text)
    return text


def _number(value) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return float(str(value).strip())


class Checker:
    """Checks orders for one district: the categories and streets are read once, so a batch of
    thousands of rows costs one point-in-polygon lookup per located row, one address lookup per row
    without coordinates (intake's resolver, whose name index is built once per process), and no
    other query."""

    def __init__(self, district: Unit):
        self.district = district
        categories = list(Category.objects.prefetch_related("children"))
        self.by_code = {category.code: category for category in categories}
        self.by_name = defaultdict(list)
        self.by_plain_name = defaultdict(list)
        for category in categories:
            self.by_name[category.name].append(category)
            self.by_plain_name[category.plain_name].append(category)
        streets = list(Unit.objects.filter(district_code=district.code, kind=UnitKind.STREET))
        self.streets = {}
        for street in streets:
            for name in (street.code, street.name, street.short_name):
                self.streets.setdefault(name, street)

    # Each of these returns one column's value or raises ValueError with the message for it.
    def _category(self, raw) -> Category:
        text = category_code(raw) if isinstance(raw, int) else cell_text(raw)
        if not text:
            raise ValueError(_("Required."))
        if text.isdigit() and len(text) % 2:  # a CSV saved by Excel lost the code's leading zero
            text = category_code(int(text))
        found = [self.by_code[text]] if text in self.by_code else []
        if not found:
            code_and_name = re.fullmatch(r"(\d{2,6})\s+(.+)", text)  # "9903 违法建设", as the export writes it
            if code_and_name and code_and_name[1] in self.by_code:
                found = [self.by_code[code_and_name[1]]]
        if not found:
            last = re.split(r"\s*[/>＞－—]\s*", text)[-1]  # "市容环境/暴露垃圾": the last level names it
            for name in dict.fromkeys([text, last]):
                found = list(dict.fromkeys(self.by_name.get(name, []) + self.by_plain_name.get(name, [])))
                if found:
                    break
        if not found:
            raise ValueError(_("No category has the code or name “%(value)s”.") % {"value": text})
        usable = [category for category in found if category.active and not category.children.all()]
        if len(usable) > 1:
            raise ValueError(_("Several categories are called “%(value)s” (%(codes)s): give the code.") % {
                "value": text, "codes": ", ".join(category.code for category in usable)})
        if usable:
            return usable[0]
        category = found[0]
        if category.children.all():
            raise ValueError(_("“%(value)s” is a class with sub-categories: give one of them.") % {
                "value": category.name})
        raise ValueError(_("The category “%(value)s” is no longer in use.") % {"value": category.name})

    def _reported_at(self, raw) -> dt.datetime:
        if tables.cell_value(raw) == "":
            raise ValueError(_("Required."))
        try:
            moment = parse_time(raw)
        except ValueError as error:
            raise ValueError(_("Not a call time (%(reason)s): “%(value)s”. Write it like 2024-12-31 15:00.") % {
                "reason": error, "value": cell_text(raw)})
        if moment > clock.now() + FUTURE_TOLERANCE:
            raise ValueError(_("The call time %(value)s is in the future.") % {"value": show(moment)})
        if moment < EARLIEST:
            raise ValueError(_("The call time %(value)s is before 2000.") % {"value": show(moment)})
        return moment

    def _order_no(self, raw) -> str:
        text = cell_text(raw)
        if not text:
            raise ValueError(_("Required."))
        if not ORDER_NO_RE.fullmatch(text):
            raise ValueError(_("Not an order number: “%(value)s” (letters, digits, - _ and . only; at most 64).") % {
                "value": text[:80]})
        return text

    def _phone(self, raw) -> str:
        text = cell_text(raw)
        if not text:
            return ""
        phone = normalise_phone(text)
        if not PHONE_RE.fullmatch(phone):
            raise ValueError(_("Not a phone number: “%(value)s” (a mobile number of 11 digits or a landline "
                               "with its area code).") % {"value": text[:40]})
        return phone

    def _coordinates(self, raw_lat, raw_lng) -> tuple[float | None, float | None]:
        given = [tables.cell_value(raw) != "" for raw in (raw_lat, raw_lng)]
        if not any(given):
            return None, None
        if not all(given):
            raise ValueError(_("Give both 经度 and 纬度, or neither."))
        try:
            lat, lng = _number(raw_lat), _number(raw_lng)
        except ValueError:
            raise ValueError(_("经度 and 纬度 must be numbers in degrees."))
        if lat == 0 and lng == 0:  # exports write 0/0 for "not located"
            return None, None
        return lat, lng

    def _datum(self, raw) -> Datum:
        """坐标系: the datum of 经度/纬度. Empty is WGS-84: the hotline's layout and API have always
        said its points are WGS-84 (degrees as the unit boundaries are drawn), and nothing in its
        exports says Amap, so a feed that sends GCJ-02 (an Amap or Tencent map's pick) or BD-09 says
        so, per order or per column."""
        try:
            return parse_datum(cell_text(raw))
        except ValidationError as error:
            raise ValueError(error.messages[0])

    def _located(self, lat: float, lng: float, datum: Datum) -> Unit | None:
        """The unit a point given in ``datum`` lies in. Only to check the order: its filing converts
        the point as given (``filing.report``), so the stored point is converted once."""
        return locate(self.district.code, *to_wgs84(lat, lng, datum))

    def check(self, values: dict) -> Order:
        """One order as ``{column key: cell or JSON value}``; raises ValidationError keyed by column
        key with every problem of the row, not just the first."""
        errors: dict[str, list[str]] = {}
        checked = {}

        def run(key, check, *args):
            try:
                checked[key] = check(*args)
            except ValueError as error:
                errors.setdefault(key, []).append(str(error))

        run("order_no", self._order_no, values.get("order_no"))
        run("reported_at", self._reported_at, values.get("reported_at"))
        run("category", self._category, values.get("category"))
        run("contact_phone", self._phone, values.get("contact_phone"))
        run("location", self._coordinates, values.get("lat"), values.get("lng"))
        run("datum", self._datum, values.get("datum"))
        texts = {key: cell_text(values.get(key)) for key in ("contact_name", "title", "description", "address", "street")}
        for key, limit in (("contact_name", 50), ("address", 200)):
            if len(texts[key]) > limit:
                errors.setdefault(key, []).append(_("At most %(limit)s characters.") % {"limit": limit})
        title, description = texts["title"], texts["description"]
        if not title and not description:
            errors.setdefault("description", []).append(_("Give 诉求内容 or 诉求标题."))
        title = case_filing.title_for(title, description)
        street = None
        if texts["street"]:
            street = self.streets.get(texts["street"])
            if street is None:
                errors.setdefault("street", []).append(_("%(district)s has no street called “%(value)s”.") % {
                    "district": self.district.short_name, "value": texts["street"]})
        lat, lng = checked.get("location", (None, None))
        datum = checked.get("datum", Datum.WGS84)
        if lat is not None:
            on_earth = -90 <= lat <= 90 and -180 <= lng <= 180
            unit = self._located(lat, lng, datum) if on_earth else None
            if unit is None:
                values = {"lat": lat, "lng": lng, "district": self.district.short_name}
                message = (_("(%(lat)s, %(lng)s) is outside %(district)s.") if on_earth
                           else _("(%(lat)s, %(lng)s) is not a place on Earth.")) % values
                if -90 <= lng <= 90 and -180 <= lat <= 180 and self._located(lng, lat, datum) is not None:
                    message += " " + _("经度 and 纬度 look swapped.")
                errors.setdefault("location", []).append(message)
            elif street is not None and not unit.code.startswith(street.code):
                errors.setdefault("street", []).append(
                    _("The coordinates are in %(located)s, not in %(street)s.") % {
                        "located": self.streets[located].short_name if (located := prefix(unit.code, "street"))
                        in self.streets else self.district.short_name, "street": street.short_name})
        elif "location" in checked and not texts["address"]:
            errors.setdefault("address", []).append(_("Give 发生地址 or 经度 and 纬度."))
        if errors:
            raise ValidationError(errors)
        return Order(order_no=checked["order_no"], reported_at=checked["reported_at"], category=checked["category"],
                     title=title, description=description, contact_name=texts["contact_name"],
                     contact_phone=checked["contact_phone"], address=texts["address"], lat=lat, lng=lng, datum=datum,
                     unit=self._place(texts["address"], street) if lat is None else None)

    def _place(self, address: str, street: Unit | None) -> Unit | None:
        """The unit an order without coordinates is located to: the one its 发生地址 names
        (:func:`gridgov.intake.address.resolve_address`), unless that lies outside its 所属街道;
        None — the district — when the address names no place of the district."""
        resolved = resolve_address(self.district.code, address) if address else None
        if resolved is None or (street is not None and not resolved.unit.code.startswith(street.code)):
            return None
        return resolved.unit
