"""The Excel workbook of a report: a summary sheet, then one sheet per ranking, every figure."""
import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gridgov.core import tables

from . import figures as figure_defs
from .pages import Report, period_label


# -- the workbook ------------------------------------------------------------------------------
def workbook(report: Report) -> bytes:
    """The report as an Excel workbook a district office can forward: a summary sheet, then one
    sheet per section (streets, communities, departments, grid workers), each with a title row
    naming the place and period, Chinese headers (in the default language), percentages formatted."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = tables.SafeWorkbook()
    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    fills = {"red": PatternFill("solid", fgColor="FDE2E1"), "black": PatternFill("solid", fgColor="D9D9D9")}

    def titled(sheet, subtitle: str, width: int):
        sheet["A1"] = f"{report.title} · {subtitle}"
        sheet["A1"].font = title_font
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
        sheet["A2"] = _("Period %(start)s to %(end)s; previous period %(previous)s.") % {
            "start": report.period.start.isoformat(), "end": (report.period.end - dt.timedelta(days=1)).isoformat(),
            "previous": period_label(report.period.comparison())}
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(width, 1))

    def header(sheet, row: int, labels: list[str]):
        for column, label in enumerate(labels, 1):
            cell = sheet.cell(row=row, column=column, value=label)
            cell.font, cell.fill = bold, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def put(sheet, row: int, column: int, key: str, value):
        """A figure (``key``; "%" for any share): a rate as a fraction formatted as a percentage, a
        time in hours, a score."""
        if value is None:
            sheet.cell(row=row, column=column, value="—").alignment = Alignment(horizontal="right")
            return
        if key == "score":
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "0.0"
        elif key == "%" or figure_defs.BY_KEY[key].unit == "%":
            cell = sheet.cell(row=row, column=column, value=round(value / 100, 4))
            cell.number_format = "0.0%"
        else:
            cell = sheet.cell(row=row, column=column, value=value)
            cell.number_format = "0.00"

    # Summary
    summary = book.active
    summary.title = _safe_sheet_name(_("Summary"))
    totals = report.totals
    titled(summary, _("Summary"), 5)
    header(summary, 4, [_("Figure"), period_label(report.period), period_label(report.period.comparison()),
                        pgettext("difference", "Change"), _("Weight")])
    r = 5
    summary.cell(row=r, column=1, value=_("Composite score")).font = bold
    put(summary, r, 2, "score", totals["score"])
    put(summary, r, 3, "score", totals["previous_score"])
    put(summary, r, 4, "score", totals["score_change"].value)
    r += 1
    summary.cell(row=r, column=1, value=_("Grade")).font = bold
    summary.cell(row=r, column=2, value=totals["grade"] or "—")
    summary.cell(row=r, column=3, value=totals["previous_grade"] or "—")
    for figure in totals["rows"]:
        r += 1
        summary.cell(row=r, column=1, value=figure.label)
        put(summary, r, 2, figure.key, figure.current)
        put(summary, r, 3, figure.key, figure.previous)
        delta = figure.change.value
        if delta is not None:
            cell = summary.cell(row=r, column=4, value=delta)
            cell.number_format = "+0.0;-0.0;0"
        summary.cell(row=r, column=5, value=figure.weight or None)
    r += 2
    summary.cell(row=r, column=1, value=_("Top categories")).font = bold
    r += 1
    header(summary, r, [_("Category"), _("Cases reported"), _("Share"), _("Previous period"),
                        pgettext("difference", "Change")])
    for item in report.categories:
        r += 1
        summary.cell(row=r, column=1, value=item["name"])
        summary.cell(row=r, column=2, value=item["reported"])
        put(summary, r, 3, "%", item["share"])
        summary.cell(row=r, column=4, value=item["previous"])
        summary.cell(row=r, column=5, value=item["change"]).number_format = "+0;-0;0"
    r += 2
    summary.cell(row=r, column=1, value=_("Where cases were resolved")).font = bold
    r += 1
    header(summary, r, [_("Level"), _("Closed cases"), _("Share"), _("Cumulative"), _("Previous period")])
    for item in report.levels:
        r += 1
        summary.cell(row=r, column=1, value=item["label"])
        summary.cell(row=r, column=2, value=item["count"])
        put(summary, r, 3, "%", item["share"])
        if item["within_label"]:
            put(summary, r, 4, "%", item["within"])
            put(summary, r, 5, "%", item["within_previous"])
    for section in report.sections:
        r += 2
        summary.cell(row=r, column=1, value=_("Red and black lists: %(what)s") % {"what": section.title}).font = bold
        for label, rows in ((_("Red list"), section.red), (_("Black list"), section.black)):
            r += 1
            summary.cell(row=r, column=1, value=label)
            summary.cell(row=r, column=2, value="、".join(f"{row.name}（{row.score_text} {row.grade}）"
                                                          for row in rows) or "—")
    summary.column_dimensions["A"].width = 28
    for column in "BCDE":
        summary.column_dimensions[column].width = 16
    summary.freeze_panes = "A5"

    # One sheet per section
    figures_keys = [f.key for f in figure_defs.FIGURES]
    for section in report.sections:
        sheet = book.create_sheet(_safe_sheet_name(section.title))
        labels = [_("Rank"), pgettext("assessed", "Name"), _("Code"), _("Composite score"), _("Grade"),
                  _("Previous score"),
                  _("Score change"), _("Red / black list"), _("Cases reported"), _("Cases accepted"),
                  _("Cases closed"),
                  *[str(figure_defs.BY_KEY[k].label) for k in figures_keys]]
        titled(sheet, section.title, len(labels))
        header(sheet, 3, labels)
        list_names = {"red": _("Red list"), "black": _("Black list")}
        for index, row in enumerate(section.rows, 4):
            values = [row.rank, row.name, row.code]
            for column, value in enumerate(values, 1):
                sheet.cell(row=index, column=column, value=value)
            put(sheet, index, 4, "score", row.score)
            sheet.cell(row=index, column=5, value=row.grade or "—")
            put(sheet, index, 6, "score", row.previous_score)
            if row.change.value is not None:
                sheet.cell(row=index, column=7, value=row.change.value).number_format = "+0.0;-0.0;0"
            if row.on_list:
                sheet.cell(row=index, column=8, value=list_names[row.on_list])
                for column in range(1, len(labels) + 1):
                    sheet.cell(row=index, column=column).fill = fills[row.on_list]
            for column, measure in enumerate(("reported", "accepted", "closures"), 9):
                sheet.cell(row=index, column=column, value=row.counts.get(measure, 0))
            for column, key in enumerate(figures_keys, 12):
                put(sheet, index, column, key, row.figures.get(key))
        sheet.freeze_panes = "D4"
        sheet.row_dimensions[3].height = 42
        for column in range(1, len(labels) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = {1: 6, 2: 22, 3: 20}.get(column, 12)
    return tables.xlsx_bytes(book)


def _safe_sheet_name(name: str) -> str:
    for bad in "[]:*?/\\":
        name = name.replace(bad, "·")
    return name[:31]
