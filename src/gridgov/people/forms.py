"""The people list's filters, and the exact-number search (a POST of its own, see ``NumberSearchForm``)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import visible
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .models import Person, SpecialGroup


class PeopleFilterForm(forms.Form):
    """Filters over the people the user may see. Bound to the user because a unit outside their
    scope must be refused exactly like a unit that does not exist."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=18)
    group = forms.ModelChoiceField(SpecialGroup.objects.all(), to_field_name="code", required=False,
                                   label=_("Special group"), empty_label=_("All"))
    name = forms.CharField(label=_("Name contains"), required=False, max_length=50)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"

    def clean_unit(self) -> Unit | None:
        code = self.cleaned_data["unit"]
        if not code:
            return None
        unit = visible(self.user, Unit.objects.filter(code=code)).first()
        if unit is None:
            raise forms.ValidationError(_("There is no unit with this code in your area."))
        return unit

    def people(self):
        """The visible people matching the filters; nobody while the filters are invalid."""
        if not self.is_valid():
            return Person.objects.none()
        data = self.cleaned_data
        people = visible(self.user, Person.objects.all())
        if data["unit"]:
            people = people.filter(subtree_q("unit__code", data["unit"].code))
        if data["group"]:
            people = people.filter(special_groups=data["group"])
        if data["name"]:
            people = people.filter(name__icontains=data["name"])
        return people.select_related("unit").prefetch_related("special_groups")


class NumberSearchForm(forms.Form):
    """Find people by a whole ID or phone number. Posted, never in a URL (where it would land in
    access logs, browser history and Referer headers). The fields are not ``required`` on the
    server so that ``people.services.search_by_number`` gives the one refusal for a missing reason
    or number, the same wherever the search comes from; the browser still asks for both."""

    number = forms.CharField(label=_("ID or phone number"), required=False, max_length=30,
                             widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
                             help_text=_("The whole number: exact match only."))
    reason = forms.CharField(label=_("Why do you need to search by this number?"), required=False, max_length=200,
                             widget=forms.TextInput(attrs={"required": True}),
                             help_text=_("Your name, the reason and the time are logged; searches are limited per hour."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
