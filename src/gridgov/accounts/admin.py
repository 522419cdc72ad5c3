"""The back office: role assignments, API tokens, the site's titles, and the scoped base admin
that the structure and people admins build on."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, RoleAssignment
from .scope import is_scoped, visible

admin.site.site_header = _("gridgov back office")
admin.site.site_title = _("gridgov back office")
admin.site.index_title = _("District data")


class ScopedAdmin(admin.ModelAdmin):
    """An admin for a scoped model. A superuser sees everything; any other staff account sees, in
    lists, forms and the choices of its related fields, only what :func:`visible` grants it, so the
    back office is not a way around the scope."""

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_foreignkey(db_field, request, **kwargs), db_field, request)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped(super().formfield_for_manytomany(db_field, request, **kwargs), db_field, request)

    @staticmethod
    def _scoped(formfield, db_field, request):
        if formfield is not None and is_scoped(db_field.related_model):
            formfield.queryset = visible(request.user, formfield.queryset)
        return formfield


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Who may do what where. The model's ``clean()`` refuses a role at the wrong kind of unit and
    a department outside the unit's district; the admin form runs it on every save."""

    list_display = ["user", "role", "unit", "department"]
    list_filter = ["role"]
    list_select_related = ["user", "unit", "department"]
    search_fields = ["user__username", "unit__code", "unit__short_name"]
    autocomplete_fields = ["user", "unit", "department"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issued tokens, read-only: a token is issued through the API and its key shown only then;
    the stored digest is never shown. Deleting a token revokes it."""

    list_display = ["user", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created", "last_used"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
