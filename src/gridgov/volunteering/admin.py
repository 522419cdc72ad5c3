"""The district's volunteering rules in the back office (the same rows ``PUT /api/v1/volunteering/settings``
writes); scoped to the administrator's district and journaled as every back-office edit."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import VolunteeringSettings


@admin.register(VolunteeringSettings)
class VolunteeringSettingsAdmin(ScopedAdmin):
    list_display = ["district_code", "registration_target", "accept_days", "dispatch_days", "take_days"]
