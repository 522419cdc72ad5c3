from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import ServiceRequest


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ScopedAdmin):
    """Read-only: what a client sent with a case (the e-mail address is not shown)."""

    list_display = ["token", "case", "integration", "created"]
    list_select_related = ["case", "integration"]
    search_fields = ["token", "case__code"]
    fields = ["case", "integration", "token", "media_urls", "attributes", "address_id", "account_id", "device_id",
              "created"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
