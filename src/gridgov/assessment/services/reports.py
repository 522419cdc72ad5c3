"""What the assessment pages, reports, rankings, workbooks and API show: the one name the views and
the API import, over the modules that compute it by job — :mod:`.targets` (whose figures),
:mod:`.rankings`, :mod:`.cells` (a figure as shown), :mod:`.pages` (periods, one subject's figures,
the reports' data, the weights) and :mod:`.workbook` — from the tallies (:mod:`.totals`), the figures
(:mod:`.figures`) and the composite score (:mod:`.scoring`), within the user's reach (:mod:`.access`:
whose figures they may read):

* **Rankings** (:func:`ranking`): every street, community, grid, department or grid worker in
  reach, with its figures, composite score and grade, best first, and the red and black lists:

  - 红榜 (red list): the three best, among those graded A or B (a score of 75 or more);
  - 黑榜 (black list): everyone graded D or E (below 60); when fewer than three are, filled up to
    three with the worst graded C.

  Best means the higher score; on equal scores, more cases accepted in the period; then the code.
  Only subjects with a score are listed (no weighted figure with data means no score). The grades
  keep the lists apart: nobody graded A or B is on the black list, nobody graded C or below on the
  red list. The red list praises a few; the black list names everyone failing.
* **Reports** (:func:`report_for`): the monthly review (月调度), quarterly bulletin (季通报) and
  annual assessment (年考核) of a district, street or community, and their Excel workbook
  (:func:`workbook`).
"""
from .cells import Change, FigureRow, change, figure_rows, show
from .pages import (
                    REPORT_KINDS,
                    REPORT_NAMES,
                    SUBJECT_LABELS,
                    Report,
                    ancestors_in_reach,
                    category_choices,
                    category_for,
                    figures_chart,
                    figures_view,
                    parse_period,
                    period_label,
                    period_nav,
                    report_for,
                    report_root,
                    resolution_levels,
                    top_categories,
                    weight_table,
)
from .rankings import (
                    COLUMNS,
                    GROUPING_LABELS,
                    GROUPINGS,
                    RED_BLACK,
                    UNIT_GROUPS,
                    Ranking,
                    Row,
                    by_choices,
                    check_by,
                    order,
                    ranking,
                    red_black,
                    scoring_subject,
)
from .targets import Target, display_name, target_for, unit_target
from .workbook import workbook

__all__ = [
    "COLUMNS", "GROUPINGS", "GROUPING_LABELS", "RED_BLACK", "REPORT_KINDS", "REPORT_NAMES", "SUBJECT_LABELS",
    "UNIT_GROUPS", "Change", "FigureRow", "Ranking", "Report", "Row", "Target", "ancestors_in_reach", "by_choices",
    "category_choices", "category_for", "change", "check_by", "display_name", "figure_rows", "figures_chart",
    "figures_view", "order", "parse_period", "period_label", "period_nav", "ranking", "red_black", "report_for",
    "report_root", "resolution_levels", "scoring_subject", "show", "target_for", "top_categories", "unit_target",
    "weight_table", "workbook",
]
