"""The 12345 hotline's work orders (工单), by job: :mod:`.layout` (its columns, words and clock),
:mod:`.checker` (one order, every column checked), :mod:`.filing` (the one-by-one push and the batch
import with a row-by-row report) and :mod:`.answer` (the answer-back: closure and rating, in the
same layout). The names the hotline's API, pages and commands use are re-exported here.

An order becomes a case through the intake every channel shares
(:func:`gridgov.intake.services.file_report`: its category doubted, duplicates looked for) with channel
``hotline``, the hotline's order number as ``external_id`` and its call time as ``reported_at``, so
the deadline runs from when the resident called, not from when the order reached us. An order
without coordinates is located to the place its address names (:mod:`gridgov.intake.address`), so it
is routed like a located one; an address that names no place of the district leaves it to the
district's queue.

A batch is checked whole before anything is written (:class:`Checker`, every row, every column);
then each accepted row is filed in its own transaction, so a refused row writes nothing and the good
rows go in even when others are refused. An order number the district already has is reported as
"already imported" and not touched: importing the same file twice changes nothing.

Files are read by the kernel's reader (:mod:`gridgov.core.tables`), as the catalogue's are: the same
Excel/CSV detection and encodings, the same cell clean-up, the same row-numbered messages.
"""
from .answer import (
    EXPORT_FORMATS,
    answer,
    answer_for_api,
    answer_queryset,
    answer_rows,
    find_case,
    parse_since,
    rating_value,
)
from .checker import Checker, normalise_phone, parse_time
from .filing import existing_codes, file_order, hotline_cases, import_batch, push, read_rows
from .layout import (
    ANSWER_COLUMNS,
    HEADERS,
    LAYOUT,
    ORDER_COLUMNS,
    BatchReport,
    Column,
    Order,
    Outcome,
    RowResult,
    status_word,
)

__all__ = [
    "ANSWER_COLUMNS", "EXPORT_FORMATS", "HEADERS", "LAYOUT", "ORDER_COLUMNS", "BatchReport", "Checker", "Column",
    "Order", "Outcome", "RowResult", "answer", "answer_for_api", "answer_queryset", "answer_rows", "existing_codes",
    "file_order", "find_case", "hotline_cases", "import_batch", "normalise_phone", "parse_since", "parse_time", "push",
    "rating_value", "read_rows", "status_word",
]
