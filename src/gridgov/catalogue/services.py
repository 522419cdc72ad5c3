"""Rules about the matter catalogue: grid admission, departments per district, and the catalogue's
exchange with Excel and CSV files (administrators keep it in a spreadsheet and load it back).

One column layout (:data:`COLUMNS`) serves export, import and the standard catalogue, and every
write goes through :func:`_upsert`, so a file exported and imported again changes nothing.
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import tables
from gridgov.core.stamps import StampedCache
from gridgov.structure.models import Department

from . import standard
from .models import Category, parent_code_of

#: The stamp (``core.stamps``) raised whenever a category is saved or deleted: what the per-process
#: copies of the catalogue (intake's classifier labels and keywords) watch.
CATALOGUE_STAMP = "catalogue.categories"


@dataclass(frozen=True)
class _Copy:
    by_code: dict
    leaves: frozenset


def _read_copy(_key) -> _Copy:
    categories = list(Category.objects.all())
    parents = {category.parent_id for category in categories}
    return _Copy({c.code: c for c in categories}, frozenset(c.pk for c in categories if c.pk not in parents))


_copy = StampedCache(CATALOGUE_STAMP, _read_copy)


def category_by_code(code: str) -> Category | None:
    """The category with ``code``, from this process's copy of the catalogue (kept until a category
    changes anywhere): every report names one. Shared by the process's threads: read it, never
    change or save it."""
    return _copy.get().by_code.get(code)


def is_leaf(category: Category) -> bool:
    """Whether ``category`` has no sub-categories (only a leaf is reported), from the same copy."""
    return category.pk in _copy.get().leaves

COLUMNS = ["code", "name", "parent_code", "plain_name", "handling_level", "lead_department", "assisting_departments",
           "response_limit_hours", "resolution_limit_days", "on_grid_list", "needs_verification", "urgency",
           "keywords", "active"]
# The columns that are plain model fields (code is the key, parent_code becomes the parent).
FIELDS = [column for column in COLUMNS if column not in ("code", "parent_code")]
BOOLEAN_COLUMNS = {"on_grid_list", "needs_verification", "active"}
# Spreadsheet users write booleans many ways; anything else is left for the model to refuse.
BOOLEAN_WORDS = {"1": True, "true": True, "yes": True, "y": True, "是": True,
                 "0": False, "false": False, "no": False, "n": False, "否": False}


def check_grid_admission(category: Category) -> None:
    """The admission rule (网格事项准入): only matters on the grid matter list may be dispatched to a
    grid worker, so grids are not loaded with work that belongs to a department. The cases engine
    calls this before every dispatch to a grid worker."""
    if not category.on_grid_list:
        raise ValidationError(
            _("「%(name)s」is not on the grid matter list; it cannot be dispatched to a grid worker."),
            code="not_on_grid_list", params={"name": category.name},
        )


def related_categories(category: Category):
    """The categories a report of ``category`` may be about the same problem as: the category and
    its siblings (the same parent in the catalogue — one 大类's 小类 are often confused: 占道经营 and
    流动摊贩 on the same corner). A top-level class has no siblings: only itself."""
    if category.parent_id is None:
        return Category.objects.filter(pk=category.pk)
    return Category.objects.filter(parent_id=category.parent_id)


def _district_departments(district_unit, codes):
    # Any unit carries its district's code, so a grid or street resolves like its district.
    return Department.objects.filter(district__code=district_unit.district_code, code__in=codes)


def lead_department_for(category: Category, district_unit) -> Department | None:
    """The district's department for the category's lead slug, or None if the district has none."""
    return _district_departments(district_unit, [category.lead_department]).first()


def assisting_departments_for(category: Category, district_unit) -> list[Department]:
    """The district's assisting departments for a joint (big-loop) case, in the catalogue's order;
    slugs the district has no department for are left out."""
    found = {department.code: department for department in
             _district_departments(district_unit, category.assisting_departments)}
    return [found[code] for code in category.assisting_departments if code in found]


@dataclass
class ImportReport:
    """What an import or a load did. With errors, nothing was written."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _values(category) -> dict:
    """A category as one row of :data:`COLUMNS` in Python values (the parent must be loaded)."""
    values = {name: getattr(category, name) for name in FIELDS}
    values["code"] = category.code
    values["parent_code"] = category.parent.code if category.parent else ""
    return values


@transaction.atomic
def _upsert(model, rows: list[dict]) -> ImportReport:
    """Write validated rows, parents before children, keyed by code; rows equal to the stored
    category are not saved. ``model`` lets the data migration pass its historical model."""
    existing = {category.code: category for category in model.objects.select_related("parent")}
    report = ImportReport()
    for row in sorted(rows, key=lambda row: (len(row["code"]), row["code"])):
        category = existing.get(row["code"])
        if category is not None and _values(category) == row:
            report.unchanged += 1
            continue
        if category is None:
            category = existing[row["code"]] = model(code=row["code"])
            report.created += 1
        else:
            report.updated += 1
        for name in FIELDS:
            setattr(category, name, row[name])
        category.parent = existing[row["parent_code"]] if row["parent_code"] else None
        category.save()
    return report


def standard_rows() -> list[dict]:
    """The standard catalogue of :mod:`gridgov.catalogue.standard` as rows of :data:`COLUMNS`."""
    rows = []
    for values in standard.CATALOGUE:
        row = dict(zip(standard.COLUMNS, values))
        row.update(parent_code=parent_code_of(row["code"]), assisting_departments=row["assisting_departments"].split(),
                   resolution_limit_days=Decimal(row["resolution_limit_days"]), active=True)
        rows.append(row)
    return rows


def load_standard(model=Category) -> ImportReport:
    """Upsert the standard catalogue by code: its rows get the standard values back, categories an
    administrator added are left alone. Used by the seeding migration and ``gridgov load-catalogue``."""
    return _upsert(model, standard_rows())


def export_rows() -> list[dict]:
    """The whole catalogue as file rows: one dict per category keyed by :data:`COLUMNS`, department
    lists as space-separated codes, whole days without decimals (2, not 2.00)."""
    rows = []
    for category in Category.objects.select_related("parent"):
        row = _values(category)
        row["assisting_departments"] = " ".join(row["assisting_departments"])
        days = row["resolution_limit_days"]
        row["resolution_limit_days"] = int(days) if days == days.to_integral_value() else days.normalize()
        rows.append(row)
    return rows


def _table() -> list[list]:
    return [COLUMNS] + [[row[column] for column in COLUMNS] for row in export_rows()]


def write_xlsx(stream) -> None:
    """Write the catalogue as an Excel workbook to a binary stream (a file or an HttpResponse)."""
    workbook = tables.SafeWorkbook()
    sheet = workbook.active
    sheet.title = _("Matter catalogue")[:31]
    for row in _table():
        sheet.append(row)
    sheet.freeze_panes = "A2"
    stream.write(tables.xlsx_bytes(workbook))


def write_csv(stream) -> None:
    """Write the catalogue as CSV to a binary stream (see :func:`gridgov.core.tables.write_csv`)."""
    tables.write_csv(_table(), stream)


EXPORT_FORMATS = {"xlsx": (write_xlsx, tables.XLSX_TYPE), "csv": (write_csv, "text/csv; charset=utf-8")}


def category_code(value) -> str:
    """A category code from a spreadsheet cell (the catalogue's files and the hotline's): Excel turns
    a typed 0101 into the number 101, whose lost zero is restored (every level has two digits, so a
    code has an even length)."""
    text = str(value)
    return "0" + text if isinstance(value, int) and len(text) % 2 else text


def _parse(raw: dict) -> dict:
    """One file row's cells converted to the Python values of :data:`COLUMNS`, before validation."""
    row = {column: tables.cell_value(raw.get(column)) for column in COLUMNS}
    row["code"], row["parent_code"] = category_code(row["code"]), category_code(row["parent_code"])
    for column in BOOLEAN_COLUMNS:
        if isinstance(row[column], str):
            row[column] = BOOLEAN_WORDS.get(row[column].lower(), row[column])
    row["assisting_departments"] = [code for code in re.split(r"[\s,，、]+", str(row["assisting_departments"])) if code]
    row["keywords"] = " ".join(str(row["keywords"]).split())
    return row


def _validated(raw: dict, known_codes: set[str]) -> dict:
    """A file row checked by the model's own validation, as a row ready for :func:`_upsert`."""
    row = _parse(raw)
    # A stand-in parent is enough: validation only compares codes, and the parent may be a later row.
    parent = Category(code=row["parent_code"]) if row["parent_code"] else None
    category = Category(code=row["code"], parent=parent, **{name: row[name] for name in FIELDS})
    errors = {}
    if row["parent_code"] not in known_codes:
        errors["parent_code"] = [_("Unknown parent code %(code)s.") % {"code": row["parent_code"]}]
    try:
        category.full_clean(validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault("parent_code" if name == "parent" else name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return _values(category)


def validate_rows(raw_rows: list[tuple[int, dict]]) -> tuple[list[dict], list[str]]:
    """Check every (row number, cells) pair; return the rows ready to write and the row-numbered
    error messages. A parent may be an existing category or another row of the same file."""
    known_codes = {"", *Category.objects.values_list("code", flat=True)}
    known_codes |= {category_code(tables.cell_value(raw.get("code"))) for _number, raw in raw_rows}
    rows, errors, seen = [], [], set()
    for number, raw in raw_rows:
        try:
            row = _validated(raw, known_codes)
        except ValidationError as error:
            errors.extend(tables.row_messages(number, error))
            continue
        if row["code"] in seen:
            errors.append(_("Row %(row)s: the code %(code)s appears twice in the file.") % {"row": number, "code": row["code"]})
        seen.add(row["code"])
        rows.append(row)
    return rows, errors


def _file_rows(data: bytes) -> list[tuple[int, dict]]:
    """The data rows of a file as (row number as the spreadsheet shows it, cells by column); blank
    rows are skipped, and the header must name exactly the export's columns."""
    table = tables.read_table(data)
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [str(tables.cell_value(name)) for name in table[0]]
    missing = [column for column in COLUMNS if column not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    if missing or unknown:
        raise ValidationError(_("The first row must name the columns %(columns)s (missing: %(missing)s; unknown: %(unknown)s).") % {
            "columns": ", ".join(COLUMNS), "missing": ", ".join(missing) or "—", "unknown": ", ".join(unknown) or "—"})
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        raw = {name: cell for name, cell in zip(header, cells) if name}
        if any(tables.cell_value(cell) != "" for cell in raw.values()):
            rows.append((number, raw))
    return rows


@transaction.atomic
def import_file(uploaded_file) -> ImportReport:
    """Import an Excel or CSV file laid out like the export: every row is validated first, and if
    any row is bad nothing at all is written (the report lists the row-numbered errors); otherwise
    the rows are upserted by code. Categories missing from the file are kept."""
    try:
        raw_rows = _file_rows(uploaded_file.read())
    except ValidationError as error:
        return ImportReport(errors=error.messages)
    rows, errors = validate_rows(raw_rows)
    if errors:
        return ImportReport(errors=errors)
    return _upsert(Category, rows)
