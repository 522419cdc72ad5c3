"""The district's 双报到 target (services per member per year) in the back office; scoped and journaled."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import ReportinSettings


@admin.register(ReportinSettings)
class ReportinSettingsAdmin(ScopedAdmin):
    list_display = ["district", "services_target"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
