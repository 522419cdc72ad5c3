"""Intake's pages in the menu: reporting a problem, and the hot spots for dispatchers."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import DISPATCH_ROLES, GRID_ROLES
from gridgov.cases.menu import reports_cases
from gridgov.core.menu import Entry, register


def _report_label(scope):
    return _("Report from patrol") if scope.roles & GRID_ROLES else _("Report a problem")


def register_entries() -> None:
    register(Entry(_("Hot spots"), "hotspots", 25, lambda request, scope: scope.has_role(*DISPATCH_ROLES)))
    register(Entry(_report_label, "case-report", 60, reports_cases))
