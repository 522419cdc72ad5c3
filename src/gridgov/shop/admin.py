"""The district's shop rule (days to pick up an order) in the back office; scoped and journaled."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import ShopSettings


@admin.register(ShopSettings)
class ShopSettingsAdmin(ScopedAdmin):
    list_display = ["district", "pickup_days"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
