from django.contrib import admin, messages
from django.utils.translation import gettext as _

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import Integration


@admin.register(Integration)
class IntegrationAdmin(ScopedAdmin):
    """Creating an integration (or the "new key" action) shows its key once, in a message. Each
    integration files cases into one district, and only that district's administrator sees it."""

    list_display = ["name", "kind", "district", "key_hint", "active", "last_used"]
    list_filter = ["kind", "active"]
    readonly_fields = ["key_hint", "created", "last_used"]
    actions = ["new_key"]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.issue_key()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(request, _("API key for %(name)s (shown only now): %(key)s") % {"name": obj.name, "key": key})

    @admin.action(description=_("Issue a new API key"))
    def new_key(self, request, queryset):
        for integration in queryset:
            key = integration.issue_key()
            integration.save()
            messages.warning(request, _("API key for %(name)s (shown only now): %(key)s") % {
                "name": integration.name, "key": key})
