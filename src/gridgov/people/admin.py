"""The back office for people. ID and phone numbers never appear unmasked here: the list shows
them masked, the form shows them masked and keeps the stored number unless a new one is typed,
and the only way to an unmasked number is the logged reveal action (which the admin does not
offer). The reveal log itself is read-only."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.admin_scope import ScopedAdmin

from .idnumber import validate_id_number
from .models import PHONE_RE, Person, RevealLog, SpecialGroup

# The masked stand-in the admin shows for each encrypted field.
MASKED = {"id_number": "masked_id_number", "phone": "masked_phone"}
# What a read-only view shows instead: the masks, and the birth decade for the birth date (which is
# part of the ID number and would complete its mask: see core.crypto.mask_id_number).
SHOWN_READ_ONLY = {**MASKED, "birth_date": "birth_decade"}
KEEP_HELP = _("Shown masked. Leave it as it is to keep the number, type a new one to replace it, or empty the box to remove it.")


def _validate_phone(value: str) -> str:
    if not PHONE_RE.fullmatch(value):
        raise ValidationError(_("Enter a mobile number (11 digits) or a landline with area code."))
    return value


class PersonForm(forms.ModelForm):
    """Plain text boxes for the encrypted numbers (never the ciphertext), initially masked."""

    id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    phone = forms.CharField(label=_("phone"), required=False, max_length=20)

    class Meta:
        model = Person
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for field, masked in MASKED.items():
                self.initial[field] = getattr(self.instance, masked)
                self.fields[field].help_text = KEEP_HELP

    def _number(self, field: str, validate) -> str:
        value = self.cleaned_data[field]
        if value and value == getattr(self.instance, MASKED[field]):
            return getattr(self.instance, field)
        return validate(value) if value else ""

    def clean_id_number(self):
        return self._number("id_number", validate_id_number)

    def clean_phone(self):
        return self._number("phone", _validate_phone)


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    form = PersonForm
    list_display = ["name", "gender", "unit", "masked_id_number", "masked_phone", "is_party_member"]
    list_filter = ["gender", "is_party_member", "special_groups"]
    list_select_related = ["unit"]
    search_fields = ["name"]
    autocomplete_fields = ["unit", "household", "user"]
    filter_horizontal = ["special_groups"]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, person):
        return person.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone(self, person):
        return person.masked_phone

    @admin.display(description=_("born in"))
    def birth_decade(self, person):
        return person.get_birth_decade_display()

    def get_fields(self, request, obj=None):
        """A read-only view (no change permission) would print the fields' plain values: show the
        masked ones instead."""
        fields = super().get_fields(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            return [SHOWN_READ_ONLY.get(name, name) for name in fields]
        return fields


@admin.register(SpecialGroup)
class SpecialGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(RevealLog)
class RevealLogAdmin(ScopedAdmin):
    """Who read which unmasked number or searched by a number, when and why. An audit trail:
    nobody adds, edits or deletes."""

    list_display = ["at", "user", "kind", "person", "field", "result_count", "reason"]
    list_filter = ["kind", "field"]
    list_select_related = ["user", "person"]
    search_fields = ["user__username", "person__name", "reason"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
