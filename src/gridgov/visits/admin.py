"""Visit rules in the back office (the same rows the staff page and ``POST /api/v1/visits/rules``
write); scoped and journaled as every back-office edit."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import VisitRule


@admin.register(VisitRule)
class VisitRuleAdmin(ScopedAdmin):
    list_display = ["unit", "special_group", "visitor_kind", "period", "active"]
