"""Every spreadsheet the platform writes, CSV or Excel, is written through this module, so that no
exported cell can become a formula (CSV/formula injection, OWASP "CSV Injection").

Text in an export often comes from outside: a resident's name, a hotline caller's words, a unit or
worker name an administrator typed. A spreadsheet program evaluates a cell that starts with ``=``,
``+``, ``-`` or ``@`` (and, after a leading tab or carriage return, the rest), so
``=HYPERLINK("http://evil","点击")`` in a contact name would open as a live link, and DDE payloads
can run programs. :func:`safe_cell` prefixes such text with ``'``, which spreadsheet programs show
as text; numbers (negative ones too) are not text and stay numbers. :func:`unquote` undoes it when
a file we exported comes back (the catalogue's round trip).

``tests/test_exports_safe.py`` fails when code outside this module builds a CSV writer or a
workbook itself, so a new export cannot skip this.

Files coming in (the catalogue's round trip, the hotline's exports) are read here too
(:func:`read_table`, :func:`cell_value`, :func:`row_messages`), so every upload accepts the same
Excel and CSV flavours and reports its problems in the same row-numbered sentences.
"""
import csv
import datetime as dt
import io
import zipfile

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

#: How a cell a spreadsheet program would evaluate begins.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write in a cell: text that would start a formula prefixed with ``'``; anything
    else (numbers, dates, None, harmless text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote(value):
    """The value :func:`safe_cell` was given, for a cell read back from a file we exported."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_csv(rows, stream) -> None:
    """Rows as CSV to a binary stream (a file or an HttpResponse): UTF-8 with a byte-order mark so
    that Excel opens Chinese text correctly, times as ``2024-12-31 15:00:00`` (which Excel reads as
    times), None as an empty field, every cell through :func:`safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([f"{value:%Y-%m-%d %H:%M:%S}" if isinstance(value, dt.datetime) else safe_cell(value)
                         for value in row])
    stream.write(buffer.getvalue().encode("utf-8-sig"))


class SafeWorksheet(Worksheet):
    """A worksheet whose every way of putting a value in a cell (``append``, ``cell(…, value=…)``,
    ``sheet["A1"] = …``) goes through :func:`safe_cell`."""

    def cell(self, row, column, value=None):
        return super().cell(row, column, safe_cell(value))

    def append(self, iterable):
        if isinstance(iterable, dict):  # openpyxl also takes {column: value}
            return super().append({key: safe_cell(value) for key, value in iterable.items()})
        return super().append([safe_cell(value) for value in iterable])

    def __setitem__(self, key, value):
        super().__setitem__(key, safe_cell(value))


class SafeWorkbook(Workbook):
    """The Excel workbook to export into: its sheets, the first one and every created one, are
    :class:`SafeWorksheet`."""

    def __init__(self):
        super().__init__()
        self.remove(self.active)
        self.create_sheet()

    def create_sheet(self, title=None, index=None):
        sheet = SafeWorksheet(parent=self, title=title)
        self._add_sheet(sheet, index)
        return sheet


def xlsx_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- reading ---------------------------------------------------------------------------------------
def read_table(data: bytes) -> list[list]:
    """The cells of an uploaded workbook (first sheet) or CSV file (UTF-8, or GB18030 as saved by a
    Chinese Excel). Raises ValidationError, in the reader's language, for anything else."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            table = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, OSError):
            raise ValidationError(_("The file is not a readable Excel workbook."))
        workbook.close()
        return table
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(data.decode(encoding))))
        except UnicodeDecodeError:
            continue
        except csv.Error:
            break
    raise ValidationError(_("The file is neither an Excel workbook nor a UTF-8 or GB18030 CSV file."))


def cell_value(value):
    """A spreadsheet cell as Python: text stripped (and without the quote an export puts before
    text that would be a formula), whole floats as integers and other floats as their shortest
    text (a float 0.1 would otherwise become a decimal with many places); an empty cell is ``""``."""
    if value is None:
        return ""
    if isinstance(value, float):
        return int(value) if value.is_integer() else repr(value)
    return unquote(value.strip()) if isinstance(value, str) else value


def row_messages(number: int, error: ValidationError) -> list[str]:
    """A row's ValidationError (keyed by column name) as sentences naming the row and the column,
    as the spreadsheet shows them."""
    messages = []
    for column, texts in error.message_dict.items():
        for text in texts:
            if column == NON_FIELD_ERRORS:
                messages.append(_("Row %(row)s: %(message)s") % {"row": number, "message": text})
            else:
                messages.append(_("Row %(row)s, %(column)s: %(message)s") % {"row": number, "column": column,
                                                                           "message": text})
    return messages
