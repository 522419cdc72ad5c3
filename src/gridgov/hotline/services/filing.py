"""Filing orders: one pushed by the hotline's API, or a batch from its export — checked whole
first, then each accepted row filed in its own transaction; an order number the district already
has is "already imported" and not touched."""
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, Channel
from gridgov.core import tables
from gridgov.intake.services import file_report
from gridgov.structure.models import Unit

from .checker import Checker, cell_text
from .layout import BY_HEADER, HEADER_SEARCH_ROWS, HEADERS, ORDER_COLUMNS, BatchReport, Order, Outcome, RowResult


def _no_progress(iterable, **_kwargs):
    return iterable


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
        case = file_report(district=district, channel=Channel.HOTLINE, external_id=order.order_no,
                           reported_at=order.reported_at, title=order.title, description=order.description,
                           category=order.category, lat=order.lat, lng=order.lng, address=order.address,
                           contact_name=order.contact_name, contact_phone=order.contact_phone,
                           # the checker has placed it: where its address points, else the district's queue
                           unit=order.unit or district, datum=order.datum).case
        return case, True


def push(values: dict, district: Unit) -> tuple[Case, bool]:
    """One order from the push API (``values`` keyed like :data:`ORDER_COLUMNS`): checked like a
    batch row, then filed. An order number the district already has answers its case at once,
    without checking the rest (a retried push must not fail because, say, a category was renamed)."""
    order_no = cell_text(values.get("order_no"))
    known = existing_codes(district.code, [order_no]) if order_no else {}
    if order_no in known:
        return hotline_cases(district.code).get(code=known[order_no]), False
    return file_order(Checker(district).check(values), district)


# -- batches --------------------------------------------------------------------------------------
def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """The data rows of an export as (row number as the spreadsheet shows it, {column key: cell}).
    The header row is the first of the top rows that names 工单编号 (or another name for it); columns
    not in the layout are ignored; blank rows are skipped. Raises ValidationError for the file."""
    table = tables.read_table(data)
    if not any(any(tables.cell_value(cell) != "" for cell in row) for row in table):
        raise ValidationError(_("The file is empty."))
    order_no_names = {name for name, column in BY_HEADER.items() if column.key == "order_no"}
    for index, row in enumerate(table[:HEADER_SEARCH_ROWS]):
        header = [cell_text(cell) for cell in row]
        if order_no_names & set(header):
            break
    else:
        raise ValidationError(_("No header row naming 工单编号 in the first %(n)s rows.") % {"n": HEADER_SEARCH_ROWS})
    keys, seen = [], {}
    for name in header:
        column = BY_HEADER.get(name)
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
        if any(tables.cell_value(cell) != "" for cell in values.values()):
            rows.append((number, values))
    return rows


def _refused(number: int, order_no: str, error: ValidationError) -> RowResult:
    by_header = ValidationError({HEADERS.get(key, key): messages for key, messages in error.message_dict.items()})
    return RowResult(row=number, order_no=order_no, outcome=Outcome.REFUSED, reasons=by_header.message_dict,
                     messages=tables.row_messages(number, by_header))


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
    known = existing_codes(district.code, [cell_text(values.get("order_no")) for _number, values in raw_rows])
    checker = Checker(district)
    report, ready, first_row = BatchReport(), [], {}
    for number, values in progress(raw_rows, total=len(raw_rows), desc=_("Checking")):
        order_no = cell_text(values.get("order_no"))
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
