"""The back office: role assignments, API tokens, accounts and the site's titles. Every page here
is scoped (:class:`~gridgov.accounts.admin_scope.ScopedAdmin`): a district's administrator manages
the roles, tokens and accounts of their own district and nothing above it."""
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .admin_scope import ScopedAdmin
from .models import ApiToken, RoleAssignment

admin.site.site_header = _("gridgov back office")
admin.site.site_title = _("gridgov back office")
admin.site.index_title = _("District data")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    """Who may do what where. The model's ``clean()`` refuses a role at the wrong kind of unit and
    a department outside the unit's district; the admin form runs it on every save.

    Besides the scope (a role only at a unit of one's own subtree, and so never a role above one's
    own, since each role is bound to a kind of unit), nobody but a superuser grants or changes their
    own roles: inside one's own subtree a new role widens no view, but it does confer actions
    (dispatching, closing, verifying cases) that another administrator should decide on."""

    list_display = ["user", "role", "unit", "department"]
    list_filter = ["role"]
    list_select_related = ["user", "unit", "department"]
    search_fields = ["user__username", "unit__code", "unit__short_name"]
    autocomplete_fields = ["user", "unit", "department"]

    def check_scope(self, request, obj):
        if not request.user.is_superuser and obj.user_id == request.user.pk:
            raise ValidationError({"user": _("You cannot grant or change your own roles: ask another administrator.")})
        super().check_scope(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    """Issued tokens, read-only: a token is issued through the API and its key shown only then;
    the stored digest is never shown. Deleting a token revokes it. An administrator sees the tokens
    of the accounts they answer for (see the account rule in :mod:`gridgov.accounts.apps`)."""

    list_display = ["user", "created", "last_used"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created", "last_used"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Back-office permissions are not scoped: whoever could set them could make anyone (themselves
# included) a superuser or give them permissions over the whole platform.
PERMISSION_FIELDS = ["is_superuser", "is_staff", "groups", "user_permissions"]


class ScopedUserAdmin(ScopedAdmin, UserAdmin):
    """Accounts: an administrator sees and changes (passwords included) only the accounts they
    answer for, and only a superuser changes anyone's back-office permissions."""

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if request.user.is_superuser else [*readonly, *PERMISSION_FIELDS]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ScopedUserAdmin)
