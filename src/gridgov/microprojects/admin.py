"""The district's micro-project rules in the back office (the same rows ``PUT /api/v1/microprojects/settings``
writes); scoped to the administrator's district and journaled as every back-office edit."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import MicroprojectSettings


@admin.register(MicroprojectSettings)
class MicroprojectSettingsAdmin(ScopedAdmin):
    list_display = ["district_code", "large_threshold", "evaluation_days", "min_responses"]
