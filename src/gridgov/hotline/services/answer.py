"""The answer-back: each hotline case in the import layout followed by what became of it (state,
closure, result, who handled it, rating), as the export and the hotline's poll give it."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case, Channel, Rating, Status, TimelineEntry
from gridgov.cases.services import handling
from gridgov.core import tables
from gridgov.core.geo import Datum
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit, UnitKind

from .filing import hotline_cases
from .layout import LAYOUT, RATING_WORDS, REJECT_WORDS, local, start_of_day, status_word


def answer_queryset(cases, since: dt.date | None = None):
    """Hotline cases with what the answer needs loaded; ``since`` keeps those with any step (report,
    dispatch, closure, rating …) on or after that day, Beijing time."""
    if since is not None:
        cases = cases.filter(pk__in=TimelineEntry.objects.filter(at__gte=start_of_day(since)).values("case"))
    return (cases.filter(channel=Channel.HOTLINE)
            .select_related("category", "unit", "queue", "handler_unit", "merged_into")
            .prefetch_related(
                handling.lead_prefetch(),
                Prefetch("timeline", queryset=TimelineEntry.objects.filter(action__in=[CaseAction.HANDLE, CaseAction.REJECT])
                         .order_by("seq"), to_attr="result_entries"))
            .order_by("reported_at", "pk"))


class _UnitNames(dict):
    """Unit code → official name, read per district once."""

    def __missing__(self, code):
        district = prefix(code, "district")
        self.update(Unit.objects.filter(district_code=district).exclude(kind=UnitKind.MICROGRID)
                    .values_list("code", "name"))
        return self.setdefault(code, "")


def _result(case) -> str:
    if case.status == Status.MERGED and case.merged_into:
        return f"已并入 {case.merged_into.code}"
    entries = case.result_entries
    if case.status == Status.REJECTED:
        note = next((entry.note for entry in reversed(entries) if entry.action == CaseAction.REJECT), "")
        word = REJECT_WORDS.get(case.reject_reason, case.reject_reason)
        return f"{word}：{note}" if note else word
    if case.status in Status.WITH_RESULT:
        return next((entry.note for entry in reversed(entries) if entry.action == CaseAction.HANDLE), "")
    return ""


def answer(case, names: _UnitNames | None = None) -> dict:
    """One case in the layout: the order columns as filed, then the answer-back columns, keyed by
    column key, in Python values (times naive Beijing time). The point is the case's, in WGS-84
    whatever datum the order gave (坐标系 says so), so an export imported again lands on the same spot. The phone is masked: the hotline has
    the number, and it leaves the platform unmasked only through the logged reveal."""
    names = _UnitNames() if names is None else names
    street = prefix(case.unit.code, "street")
    return {
        "order_no": case.external_id, "reported_at": local(case.reported_at), "contact_name": case.contact_name,
        "contact_phone": case.masked_contact_phone, "title": case.title, "description": case.description,
        "category": f"{case.category.code} {case.category.name}", "address": case.address, "lng": case.lng,
        "lat": case.lat, "datum": Datum.WGS84.value, "street": names[street] if street else "",
        "case": case.code, "status": status_word(case.status), "closed_at": local(case.closed_at),
        "result": _result(case), "handled_by": handling.handled_by(case, names),
        "rating": RATING_WORDS.get(case.rating, ""), "rated_at": local(case.rated_at),
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


EXPORT_FORMATS = {"xlsx": (write_xlsx, tables.XLSX_TYPE), "csv": (write_csv, "text/csv; charset=utf-8")}


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
