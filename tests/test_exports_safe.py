"""No exported cell is a formula (security review item 7, CSV/formula injection).

Every export writes through ``gridgov.core.tables``: the rule itself (which text is neutralised,
what stays a number), its CSV writer and its workbook, then each export with a hostile value in
a field people type (a hotline caller's name, a category name, a street's name), and a guard that
fails when code outside ``core/tables.py`` builds a CSV writer or a workbook of its own.
"""
import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import gridgov
from gridgov.cases.services import filing
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import import_file
from gridgov.core.tables import SafeWorkbook, SafeWorksheet, safe_cell, unquote, write_csv, xlsx_bytes
from gridgov.structure.models import Unit

from .cases_world import IN_A1_1

PAYLOAD = '=HYPERLINK("http://x","y")'
HOSTILE = [PAYLOAD, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]
PACKAGE = Path(gridgov.__file__).parent


def is_text_not_formula(cell) -> bool:
    return cell.data_type != "f" and isinstance(cell.value, str) and cell.value.startswith("'")


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# -- the rule ----------------------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_would_start_a_formula_is_quoted_and_unquoted_back(value):
    assert safe_cell(value) == "'" + value
    assert unquote(safe_cell(value)) == value


@pytest.mark.parametrize("value", ["居民01", "a=b", "'quoted", "", None, -3, -1.5, Decimal("-0.5"), 0, True,
                                   dt.datetime(2024, 12, 31, 15, 0)])
def test_numbers_dates_and_harmless_text_are_left_alone(value):
    assert safe_cell(value) is value
    assert unquote(value) is value


def test_the_csv_writer_quotes_formulas_and_keeps_numbers_times_and_blanks():
    stream = io.BytesIO()
    write_csv([["name", "lng", "at", "none"], [PAYLOAD, -104.5, dt.datetime(2024, 12, 31, 15, 0), None]], stream)
    data = stream.getvalue()
    assert data.startswith("\ufeff".encode())  # Excel opens the Chinese text as UTF-8
    assert read_csv(data)[1] == ["'" + PAYLOAD, "-104.5", "2024-12-31 15:00:00", ""]


def test_every_way_into_a_workbook_sheet_is_quoted():
    book = SafeWorkbook()
    first, second = book.active, book.create_sheet("second")
    assert isinstance(first, SafeWorksheet) and isinstance(second, SafeWorksheet)
    assert book.sheetnames == ["Sheet", "second"]
    first.append([PAYLOAD, -3])
    first.append({"A": PAYLOAD})
    first.cell(row=3, column=1, value=PAYLOAD)
    first["A4"] = PAYLOAD
    second.cell(1, 1, PAYLOAD)
    saved = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(book)))
    sheet = saved["Sheet"]
    for coordinate in ("A1", "A2", "A3", "A4"):
        assert is_text_not_formula(sheet[coordinate]), coordinate
        assert sheet[coordinate].value == "'" + PAYLOAD
    assert (sheet["B1"].value, sheet["B1"].data_type) == (-3, "n")  # a negative number stays a number
    assert is_text_not_formula(saved["second"]["A1"])


# -- each export -------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_hotline_answer_back_quotes_a_callers_formula(world, tmp_path, suffix):
    filing.report(district=world.units["district"], channel="hotline", title="路灯不亮", external_id="HL-F1",
                  category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1], contact_name=PAYLOAD)
    path = tmp_path / f"answer.{suffix}"
    call_command("hotline_export", district="510113", output=str(path), stdout=io.StringIO())
    if suffix == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        name = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("来电人") + 1)
        assert is_text_not_formula(name)
        assert name.value == "'" + PAYLOAD
    else:
        header, row = read_csv(path.read_bytes())
        assert row[header.index("来电人")] == "'" + PAYLOAD


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_catalogue_export_quotes_a_formula_and_reads_back_unchanged(db, tmp_path, file_format):
    Category.objects.filter(code="0101").update(name=PAYLOAD)
    path = tmp_path / f"catalogue.{file_format}"
    call_command("export_catalogue", file_format=file_format, output=str(path), stdout=io.StringIO())
    if file_format == "xlsx":
        sheet = openpyxl.load_workbook(path).active
        name = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "0101")
        assert is_text_not_formula(name)
    else:
        table = read_csv(path.read_bytes())
        assert next(row[1] for row in table if row[0] == "0101") == "'" + PAYLOAD
    # The catalogue's round trip: the quote an export adds is taken off again on import.
    report = import_file(SimpleUploadedFile(path.name, path.read_bytes()))
    assert (report.errors, report.created, report.updated) == ([], 0, 0)
    assert Category.objects.get(code="0101").name == PAYLOAD


def test_assessment_workbook_quotes_a_units_formula(client, world):
    street = world.units["A"]
    Unit.objects.filter(pk=street.pk).update(name=PAYLOAD, short_name=PAYLOAD[:20])
    client.force_login(world.users["district_admin"])
    response = client.get(reverse("assessment-report-xlsx", args=[timezone.localdate().strftime("%Y-%m")]))
    assert response.status_code == 200, response.content[:300]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and PAYLOAD[:20] in cell.value]
    assert cells, "the street's name is in the workbook"
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert any(cell.value == "'" + PAYLOAD[:20] for cell in cells)


# -- the guard ---------------------------------------------------------------------------------
WORKBOOK_CLASSES = {"Workbook", "Worksheet", "WriteOnlyWorksheet"}


def _works_with_spreadsheets(tree) -> bool:
    """Whether a module imports openpyxl or ``core.tables``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.startswith("openpyxl") for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.startswith("openpyxl") or node.module == "gridgov.core.tables"
                or (node.module == "gridgov.core" and any(alias.name == "tables" for alias in node.names))):
            return True
    return False


def bypasses(source: str) -> list[str]:
    """Where ``source`` writes a spreadsheet without ``core.tables``: a CSV writer, a workbook or
    worksheet built directly, a workbook loaded for writing, or (in a module that works with
    spreadsheets) a cell's value set by hand, which no worksheet method sees."""
    tree = ast.parse(source)
    spreadsheets = _works_with_spreadsheets(tree)
    found = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") \
                and isinstance(node.value, ast.Name) and node.value.id == "csv":
            found.append(f"{where}: csv.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "csv" \
                and {alias.name for alias in node.names} & {"writer", "DictWriter"}:
            found.append(f"{where}: from csv import writer")
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in WORKBOOK_CLASSES:
                found.append(f"{where}: {name}()")
            elif name == "load_workbook" and not any(
                    k.arg == "read_only" and isinstance(k.value, ast.Constant) and k.value.value is True
                    for k in node.keywords):
                found.append(f"{where}: load_workbook() for writing")
        elif spreadsheets and isinstance(node, ast.Assign):
            found += [f"{where}: .value =" for target in node.targets
                      if isinstance(target, ast.Attribute) and target.attr == "value"]
    return found


def test_no_code_writes_a_spreadsheet_around_core_tables():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "core" / "tables.py":
            continue
        found = bypasses(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(PACKAGE))] = found
    assert not offenders, f"write spreadsheets through gridgov.core.tables: {offenders}"


@pytest.mark.parametrize("source", [
    "import csv\nw = csv.writer(buffer)",
    "import csv\ncsv.DictWriter(buffer, fields).writerows(rows)",
    "from csv import writer",
    "import openpyxl\nbook = openpyxl.Workbook()",
    "from openpyxl import Workbook\nbook = Workbook()",
    "book = openpyxl.load_workbook(path)",
    "from gridgov.core import tables\nsheet.cell(row=1, column=1).value = name",
    "import openpyxl\ncell = sheet['A1']\ncell.value = name",
])
def test_the_guard_catches_each_bypass(source):
    assert bypasses(source)


def test_the_guard_lets_reading_the_safe_workbook_and_other_values_pass():
    assert bypasses("from gridgov.core import tables\nrows = list(csv.reader(text))\n"
                    "book = openpyxl.load_workbook(data, read_only=True)\nbook = tables.SafeWorkbook()\n"
                    "sheet.append(row)\nsheet.cell(row=1, column=1, value=name)") == []
    assert bypasses("counter.value = 1") == []  # not a spreadsheet module: a model's field
