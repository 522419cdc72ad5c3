"""The 12345 hotline's work orders (工单): its column layout, the batch import with a row-by-row
report, the one-by-one push, and the answer-back (closure and rating) in the same layout.

An order becomes a case through :func:`gridgov.cases.services.intake.report` with channel
``hotline``, the hotline's order number as ``external_id`` and its call time as ``reported_at``, so
the deadline runs from when the resident called, not from when the order reached us. An order
without coordinates is located to the place its address names (:mod:`gridgov.intake.address`), so it
is routed like a located one; an address that names no place of the district leaves it to the
district's queue.

A batch is checked whole before anything is written (:class:`Checker`, every row, every column);
then each accepted row is filed in its own transaction, so a refused row writes nothing and the good
rows go in even when others are refused. An order number the district already has is reported as
"already imported" and not touched: importing the same file twice changes nothing.

The file reading reuses the catalogue's helpers (:mod:`gridgov.catalogue.services`): the same
Excel/CSV detection and encodings, the same cell clean-up, the same row-numbered messages.
"""
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch, TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _, pgettext_lazy
from openpyxl.utils.datetime import from_excel

from gridgov.cases.models import Assignment, AssignmentStatus, Case, Channel, Level, Rating, Status, TimelineEntry
from gridgov.cases.services import intake
from gridgov.cases.services.locate import locate
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import XLSX_TYPE, _cell, _code, _read_table, _row_messages
from gridgov.core import clock, tables
from gridgov.intake.address import resolve_address
from gridgov.people.models import PHONE_RE
from gridgov.structure.models import Unit, UnitKind

#: The hotline's clock: a time written without a zone is Beijing time, whatever the server runs in.
HOTLINE_TZ = ZoneInfo("Asia/Shanghai")
#: Calls time-stamped further ahead than this are refused as impossible (clocks drift a little).
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=HOTLINE_TZ)
ORDER_NO_RE = re.compile(r"[\w.\-]{1,64}")
TITLE_FROM_DESCRIPTION = 30  # characters of the description that make a missing title
#: How far down a file the header row may be (exports often start with a title line).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    """One column of the hotline layout: the English key (push API, code) and the header the
    hotline's export uses, with the other headers seen for the same thing in 12345 exports."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


#: The order columns a hotline export has; a file must have the required ones, may have the others
#: in any order, and may have more (they are ignored).
ORDER_COLUMNS = (
    Column("order_no", "工单编号", ("工单号", "工单编码", "工单流水号"), required=True),
    Column("reported_at", "来电时间", ("来电日期", "诉求时间", "来话时间"), required=True),
    Column("contact_name", "来电人", ("来电人姓名", "诉求人", "联系人")),
    Column("contact_phone", "联系电话", ("来电号码", "联系方式", "诉求人电话")),
    Column("title", "诉求标题", ("工单标题", "标题")),
    Column("description", "诉求内容", ("问题描述", "工单内容"), required=True),
    Column("category", "事项分类", ("诉求分类", "问题分类", "事项类别"), required=True),
    Column("address", "发生地址", ("事发地址", "诉求地址", "问题地址"), required=True),
    Column("lng", "经度"),
    Column("lat", "纬度"),
    Column("street", "所属街道", ("街道", "所属镇街")),
)
#: The answer-back columns the export appends to the order columns.
ANSWER_COLUMNS = (
    Column("case", "平台编号"),
    Column("status", "办理状态"),
    Column("closed_at", "办结时间"),
    Column("result", "办理结果"),
    Column("handled_by", "承办单位"),
    Column("rating", "满意度评价"),
    Column("rated_at", "评价时间"),
)
LAYOUT = ORDER_COLUMNS + ANSWER_COLUMNS
HEADERS = {column.key: column.header for column in LAYOUT}
#: Row checks that concern more than one column are reported under this name.
HEADERS["location"] = "经度/纬度"
_BY_HEADER = {name: column for column in ORDER_COLUMNS for name in (column.header, *column.aliases)}

# The hotline's own words for our states and ratings (its layout is Chinese whatever our UI speaks).
STATUS_WORDS = {
    Status.REPORTED: "待受理", Status.ACCEPTED: "已受理", Status.DISPATCHED: "已派遣", Status.ACKNOWLEDGED: "办理中",
    Status.HANDLED: "已办理待核查", Status.CLOSED: "已办结", Status.REJECTED: "不予受理", Status.SUSPENDED: "挂起",
    Status.MERGED: "已并案",
}
RATING_WORDS = {Rating.SATISFIED: "满意", Rating.BASICALLY: "基本满意", Rating.UNSATISFIED: "不满意"}
REJECT_WORDS = {"duplicate": "重复诉求", "out_of_scope": "不属于受理范围", "invalid": "无效诉求"}


class Outcome(TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("hotline row", "Imported")
    ALREADY = "already", pgettext_lazy("hotline row", "Already imported")
    REFUSED = "refused", pgettext_lazy("hotline row", "Refused")


@dataclass
class Order:
    """A checked order, ready for intake."""

    order_no: str
    reported_at: dt.datetime
    category: Category
    title: str
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    unit: Unit | None = None  # without coordinates: the place the address names, if it names one


@dataclass
class RowResult:
    """What became of one row: imported as ``case``, already imported as ``case``, or refused with
    ``reasons`` (column header → messages) and ``messages`` (the same as row-numbered sentences)."""

    row: int
    order_no: str
    outcome: str = ""
    case: str = ""
    reasons: dict[str, list[str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class BatchReport:
    """The row-by-row report of a batch. ``errors`` are about the file itself (unreadable, no
    header): then no row was looked at and nothing was written."""

    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def accepted(self) -> int:
        return self.count(Outcome.ACCEPTED)

    @property
    def already(self) -> int:
        return self.count(Outcome.ALREADY)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def refused_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == Outcome.REFUSED]

    def summary(self) -> str:
        if self.errors:
            return _("The file was not imported.")
        return _("%(rows)s rows: %(accepted)s imported, %(already)s already imported, %(refused)s refused.") % {
            "rows": len(self.rows), "accepted": self.accepted, "already": self.already, "refused": self.refused}


def _no_progress(iterable, **_kwargs):
    return iterable


# -- checking one order ---------------------------------------------------------------------------
def _text(value) -> str:
    value = _cell(value)
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
        text = _code(raw) if isinstance(raw, int) else _text(raw)
        if not text:
            raise ValueError(_("Required."))
        if text.isdigit() and len(text) % 2:  # a CSV saved by Excel lost the code's leading zero
            text = _code(int(text))
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
        if _cell(raw) == "":
            raise ValueError(_("Required."))
        try:
            moment = parse_time(raw)
        except ValueError as error:
            raise ValueError(_("Not a call time (%(reason)s): “%(value)s”. Write it like 2024-12-31 15:00.") % {
                "reason": error, "value": _text(raw)})
        if moment > clock.now() + FUTURE_TOLERANCE:
            raise ValueError(_("The call time %(value)s is in the future.") % {"value": _show(moment)})
        if moment < EARLIEST:
            raise ValueError(_("The call time %(value)s is before 2000.") % {"value": _show(moment)})
        return moment

    def _order_no(self, raw) -> str:
        text = _text(raw)
        if not text:
            raise ValueError(_("Required."))
        if not ORDER_NO_RE.fullmatch(text):
            raise ValueError(_("Not an order number: “%(value)s” (letters, digits, - _ and . only; at most 64).") % {
                "value": text[:80]})
        return text

    def _phone(self, raw) -> str:
        text = _text(raw)
        if not text:
            return ""
        phone = normalise_phone(text)
        if not PHONE_RE.fullmatch(phone):
            raise ValueError(_("Not a phone number: “%(value)s” (a mobile number of 11 digits or a landline "
                               "with its area code).") % {"value": text[:40]})
        return phone

    def _coordinates(self, raw_lat, raw_lng) -> tuple[float | None, float | None]:
        given = [_cell(raw) != "" for raw in (raw_lat, raw_lng)]
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
        texts = {key: _text(values.get(key)) for key in ("contact_name", "title", "description", "address", "street")}
        for key, limit in (("contact_name", 50), ("address", 200)):
            if len(texts[key]) > limit:
                errors.setdefault(key, []).append(_("At most %(limit)s characters.") % {"limit": limit})
        title, description = texts["title"], texts["description"]
        if not title and not description:
            errors.setdefault("description", []).append(_("Give 诉求内容 or 诉求标题."))
        if not title:
            first_line = description.splitlines()[0] if description else ""
            title = first_line if len(first_line) <= TITLE_FROM_DESCRIPTION else first_line[:TITLE_FROM_DESCRIPTION] + "…"
        if len(title) > 120:
            title = title[:119] + "…"
        street = None
        if texts["street"]:
            street = self.streets.get(texts["street"])
            if street is None:
                errors.setdefault("street", []).append(_("%(district)s has no street called “%(value)s”.") % {
                    "district": self.district.short_name, "value": texts["street"]})
        lat, lng = checked.get("location", (None, None))
        if lat is not None:
            on_earth = -90 <= lat <= 90 and -180 <= lng <= 180
            unit = locate(self.district.code, lat, lng) if on_earth else None
            if unit is None:
                values = {"lat": lat, "lng": lng, "district": self.district.short_name}
                message = (_("(%(lat)s, %(lng)s) is outside %(district)s.") if on_earth
                           else _("(%(lat)s, %(lng)s) is not a place on Earth.")) % values
                if -90 <= lng <= 90 and -180 <= lat <= 180 and locate(self.district.code, lng, lat) is not None:
                    message += " " + _("经度 and 纬度 look swapped.")
                errors.setdefault("location", []).append(message)
            elif street is not None and not unit.code.startswith(street.code):
                errors.setdefault("street", []).append(
                    _("The coordinates are in %(located)s, not in %(street)s.") % {
                        "located": self.streets[unit.code[:9]].short_name if unit.code[:9] in self.streets
                        else self.district.short_name, "street": street.short_name})
        elif "location" in checked and not texts["address"]:
            errors.setdefault("address", []).append(_("Give 发生地址 or 经度 and 纬度."))
        if errors:
            raise ValidationError(errors)
        return Order(order_no=checked["order_no"], reported_at=checked["reported_at"], category=checked["category"],
                     title=title, description=description, contact_name=texts["contact_name"],
                     contact_phone=checked["contact_phone"], address=texts["address"], lat=lat, lng=lng,
                     unit=self._place(texts["address"], street) if lat is None else None)

    def _place(self, address: str, street: Unit | None) -> Unit | None:
        """The unit an order without coordinates is located to: the one its 发生地址 names
        (:func:`gridgov.intake.address.resolve_address`), unless that lies outside its 所属街道;
        None — the district — when the address names no place of the district."""
        resolved = resolve_address(self.district.code, address) if address else None
        if resolved is None or (street is not None and not resolved.unit.code.startswith(street.code)):
            return None
        return resolved.unit


# -- filing ---------------------------------------------------------------------------------------
def hotline_cases(district_code: str):
    return Case.objects.filter(district_code=district_code, channel=Channel.HOTLINE)


def existing_codes(district_code: str, order_nos) -> dict[str, str]:
    """Order number → case code, for the given order numbers the district already has."""
    found = {}
    order_nos = list(dict.fromkeys(order_nos))
    for start in range(0, len(order_nos), 500):
        found.update(hotline_cases(district_code).filter(external_id__in=order_nos[start:start + 500])
                     .order_by("external_id", "pk").values_list("external_id", "code"))
    return found


def _lock_order(district_code: str, order_no: str) -> None:
    """Serialise two filings of the same order (a batch and a push at once) until commit. SQLite
    already serialises writing transactions (they begin IMMEDIATE); PostgreSQL takes an advisory
    lock on the order."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"hotline:{district_code}:{order_no}"])


def file_order(order: Order, district: Unit) -> tuple[Case, bool]:
    """Create the case for a checked order in its own transaction, or find the one the district
    already has for that order number. Returns (case, created). A rule of intake that refuses the
    order raises ValidationError and writes nothing."""
    with transaction.atomic():
        _lock_order(district.code, order.order_no)
        case = hotline_cases(district.code).filter(external_id=order.order_no).order_by("pk").first()
        if case is not None:
            return case, False
        case = intake.report(district=district, channel=Channel.HOTLINE, external_id=order.order_no,
                             reported_at=order.reported_at, title=order.title, description=order.description,
                             category=order.category, lat=order.lat, lng=order.lng, address=order.address,
                             contact_name=order.contact_name, contact_phone=order.contact_phone, unit=order.unit)
        return case, True


def push(values: dict, district: Unit) -> tuple[Case, bool]:
    """One order from the push API (``values`` keyed like :data:`ORDER_COLUMNS`): checked like a
    batch row, then filed. An order number the district already has answers its case at once,
    without checking the rest (a retried push must not fail because, say, a category was renamed)."""
    order_no = _text(values.get("order_no"))
    known = existing_codes(district.code, [order_no]) if order_no else {}
    if order_no in known:
        return hotline_cases(district.code).get(code=known[order_no]), False
    return file_order(Checker(district).check(values), district)


# -- batches --------------------------------------------------------------------------------------
def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """The data rows of an export as (row number as the spreadsheet shows it, {column key: cell}).
    The header row is the first of the top rows that names 工单编号 (or another name for it); columns
    not in the layout are ignored; blank rows are skipped. Raises ValidationError for the file."""
    table = _read_table(data)
    if not any(any(_cell(cell) != "" for cell in row) for row in table):
        raise ValidationError(_("The file is empty."))
    order_no_names = {name for name, column in _BY_HEADER.items() if column.key == "order_no"}
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        header = [_text(cell) for cell in row]
        if order_no_names & set(header):
            break
    else:
        raise ValidationError(_("No header row naming 工单编号 in the first %(n)s rows.") % {"n": HEADER_SEARCH_ROWS})
    keys, seen = [], {}
    for name in header:
        column = _BY_HEADER.get(name)
        if column is not None and column.key in seen:
            raise ValidationError(_("Two columns, %(first)s and %(second)s, both give %(header)s.") % {
                "first": seen[column.key], "second": name, "header": column.header})
        if column is not None:
            seen[column.key] = name
        keys.append(column.key if column else None)
    missing = [column.header for column in ORDER_COLUMNS if column.required and column.key not in seen]
    if missing:
        raise ValidationError(_("The header row lacks the columns %(missing)s (the layout: %(layout)s).") % {
            "missing": ", ".join(missing), "layout": ", ".join(column.header for column in ORDER_COLUMNS)})
    rows = []
    for number, cells in enumerate(table[index + 1:], start=index + 2):
        values = {key: cell for key, cell in zip(keys, cells) if key}
        if any(_cell(cell) != "" for cell in values.values()):
            rows.append((number, values))
    return rows


def _refused(number: int, order_no: str, error: ValidationError) -> RowResult:
    by_header = ValidationError({HEADERS.get(key, key): messages for key, messages in error.message_dict.items()})
    return RowResult(row=number, order_no=order_no, outcome=Outcome.REFUSED, reasons=by_header.message_dict,
                     messages=_row_messages(number, by_header))


def import_batch(data: bytes, district: Unit, *, progress=_no_progress, max_rows: int | None = None) -> BatchReport:
    """Import a hotline export (Excel or CSV) into ``district``: check every row, then file each
    accepted row in its own transaction. ``progress(iterable, total=, desc=)`` may wrap the two
    passes (the command passes tqdm); a file of more than ``max_rows`` rows is refused whole (the
    web page's limit, so that a request ends well within the server's timeout)."""
    try:
        raw_rows = read_rows(data)
    except ValidationError as error:
        return BatchReport(errors=error.messages)
    if max_rows is not None and len(raw_rows) > max_rows:
        return BatchReport(errors=[_("The file has %(rows)s rows; the page takes at most %(max)s. Split it, or "
                                     "import it with the command gridgov hotline-import.") % {
            "rows": len(raw_rows), "max": max_rows}])
    known = existing_codes(district.code, [_text(values.get("order_no")) for _number, values in raw_rows])
    checker = Checker(district)
    report, ready, first_row = BatchReport(), [], {}
    for number, values in progress(raw_rows, total=len(raw_rows), desc=_("Checking")):
        order_no = _text(values.get("order_no"))
        if order_no in first_row:  # the file contradicts itself: its first row for the order counts
            report.rows.append(_refused(number, order_no, ValidationError({"order_no": _(
                "The same order number as row %(row)s.") % {"row": first_row[order_no]}})))
            continue
        if order_no:
            first_row[order_no] = number
        if order_no in known:
            report.rows.append(RowResult(row=number, order_no=order_no, outcome=Outcome.ALREADY, case=known[order_no]))
            continue
        try:
            order = checker.check(values)
        except ValidationError as error:
            report.rows.append(_refused(number, order_no, error))
            continue
        result = RowResult(row=number, order_no=order_no)
        report.rows.append(result)
        ready.append((result, order))
    for result, order in progress(ready, total=len(ready), desc=_("Importing")):
        try:
            case, created = file_order(order, district)
        except ValidationError as error:
            refused = _refused(result.row, result.order_no, error)
            result.outcome, result.reasons, result.messages = refused.outcome, refused.reasons, refused.messages
            continue
        result.outcome, result.case = (Outcome.ACCEPTED if created else Outcome.ALREADY), case.code
    return report


# -- answer-back ----------------------------------------------------------------------------------
ACTIVE_ASSIGNMENTS = [AssignmentStatus.DISPATCHED, AssignmentStatus.ACKNOWLEDGED, AssignmentStatus.HANDLED]
LEVEL_LENGTH = {Level.GRID: 15, Level.COMMUNITY: 12, Level.STREET: 9, Level.DISTRICT: 6}


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(HOTLINE_TZ).replace(tzinfo=None, microsecond=0) if moment else None


def _show(moment: dt.datetime | None) -> str:
    return f"{_local(moment):%Y-%m-%d %H:%M:%S}" if moment else ""


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=HOTLINE_TZ)


def answer_queryset(cases, since: dt.date | None = None):
    """Hotline cases with what the answer needs loaded; ``since`` keeps those with any step (report,
    dispatch, closure, rating …) on or after that day, Beijing time."""
    if since is not None:
        cases = cases.filter(pk__in=TimelineEntry.objects.filter(at__gte=start_of_day(since)).values("case"))
    return (cases.filter(channel=Channel.HOTLINE)
            .select_related("category", "unit", "queue", "handler_unit", "merged_into")
            .prefetch_related(
                Prefetch("assignments", queryset=Assignment.objects.filter(lead=True, status__in=ACTIVE_ASSIGNMENTS)
                         .select_related("department"), to_attr="lead_assignments"),
                Prefetch("timeline", queryset=TimelineEntry.objects.filter(action__in=["handle", "reject"])
                         .order_by("seq"), to_attr="result_entries"))
            .order_by("reported_at", "pk"))


class _UnitNames(dict):
    """Unit code → official name, read per district once."""

    def __missing__(self, code):
        district = code[:6]
        self.update(Unit.objects.filter(district_code=district).exclude(kind=UnitKind.MICROGRID)
                    .values_list("code", "name"))
        return self.setdefault(code, "")


def _result(case) -> str:
    if case.status == Status.MERGED and case.merged_into:
        return f"已并入 {case.merged_into.code}"
    entries = case.result_entries
    if case.status == Status.REJECTED:
        note = next((entry.note for entry in reversed(entries) if entry.action == "reject"), "")
        word = REJECT_WORDS.get(case.reject_reason, case.reject_reason)
        return f"{word}：{note}" if note else word
    if case.status in (Status.HANDLED, Status.CLOSED):
        return next((entry.note for entry in reversed(entries) if entry.action == "handle"), "")
    return ""


def _handled_by(case, names: _UnitNames) -> str:
    """The department leading the case, else the unit whose worker or staff has it, else the unit
    whose queue it waits in."""
    if case.lead_assignments:
        return case.lead_assignments[0].department.name
    if case.handler_unit:
        return case.handler_unit.name
    length = LEVEL_LENGTH.get(case.level, 6)
    if case.handler_user_id and len(case.unit.code) >= length:
        return names[case.unit.code[:length]]
    return case.queue.name


def answer(case, names: _UnitNames | None = None) -> dict:
    """One case in the layout: the order columns as filed, then the answer-back columns, keyed by
    column key, in Python values (times naive Beijing time). The phone is masked: the hotline has
    the number, and it leaves the platform unmasked only through the logged reveal."""
    names = _UnitNames() if names is None else names
    street = case.unit.code[:9] if len(case.unit.code) >= 9 else ""
    return {
        "order_no": case.external_id, "reported_at": _local(case.reported_at), "contact_name": case.contact_name,
        "contact_phone": case.masked_contact_phone, "title": case.title, "description": case.description,
        "category": f"{case.category.code} {case.category.name}", "address": case.address, "lng": case.lng,
        "lat": case.lat, "street": names[street] if street else "",
        "case": case.code, "status": STATUS_WORDS.get(case.status, case.status), "closed_at": _local(case.closed_at),
        "result": _result(case), "handled_by": _handled_by(case, names),
        "rating": RATING_WORDS.get(case.rating, ""), "rated_at": _local(case.rated_at),
    }


def answer_rows(cases) -> list[dict]:
    names = _UnitNames()
    return [answer(case, names) for case in cases]


def _table(cases) -> list[list]:
    return [[column.header for column in LAYOUT]] + [[row[column.key] for column in LAYOUT]
                                                     for row in answer_rows(cases)]


def write_xlsx(cases, stream) -> None:
    """The answer-back as an Excel workbook (times as Excel date cells) to a binary stream."""
    workbook = tables.SafeWorkbook()
    sheet = workbook.active
    sheet.title = "12345工单办理结果"
    for row in _table(cases):
        sheet.append(row)
    for column_cells in sheet.iter_cols(min_row=2):
        for cell in column_cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    sheet.freeze_panes = "B2"
    stream.write(tables.xlsx_bytes(workbook))


def write_csv(cases, stream) -> None:
    """The answer-back as CSV (see :func:`gridgov.core.tables.write_csv`)."""
    tables.write_csv(_table(cases), stream)


EXPORT_FORMATS = {"xlsx": (write_xlsx, XLSX_TYPE), "csv": (write_csv, "text/csv; charset=utf-8")}


def find_case(district_code: str, order_no: str) -> Case | None:
    return hotline_cases(district_code).filter(external_id=order_no).order_by("pk").first()


RATING_INPUT = {**{value: value for value in Rating.values}, **{word: value for value, word in RATING_WORDS.items()}}


def answer_for_api(case) -> dict:
    """The answer-back of one case for the hotline's poll: the same facts as the export's
    answer-back columns, with machine values beside the hotline's words."""
    row = answer(case)
    return {
        "order_no": case.external_id, "case": case.code, "status": case.status, "status_label": row["status"],
        "reported_at": case.reported_at, "resolution_due": case.resolution_due, "closed_at": case.closed_at,
        "closed_on_time": case.closed_on_time, "result": row["result"], "handled_by": row["handled_by"],
        "rating": case.rating or None, "rating_label": row["rating"], "rated_at": case.rated_at,
    }


def parse_since(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(_("Give the date like 2025-01-31."))


def rating_value(value: str) -> str:
    rating = RATING_INPUT.get((value or "").strip())
    if rating is None:
        raise ValidationError(_("Rate it 满意, 基本满意 or 不满意 (satisfied, basically, unsatisfied)."))
    return rating

