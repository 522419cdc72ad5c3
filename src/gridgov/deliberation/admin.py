"""The district's deliberation rules, the communities' thresholds and entitlement lists in the back
office; scoped to the administrator's reach and journaled as every back-office edit."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import CommunityThreshold, DeliberationSettings, RosterMember


@admin.register(DeliberationSettings)
class DeliberationSettingsAdmin(ScopedAdmin):
    list_display = ["district_code", "support_threshold", "display_days", "publication_days", "horizon_weeks"]


@admin.register(CommunityThreshold)
class CommunityThresholdAdmin(ScopedAdmin):
    list_display = ["community", "support_threshold"]


@admin.register(RosterMember)
class RosterMemberAdmin(ScopedAdmin):
    list_display = ["community", "roster", "person"]
    list_filter = ["roster"]
    raw_id_fields = ["person"]
