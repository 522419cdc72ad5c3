"""The people list's filters."""
from django import forms
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import visible
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .models import Person, SpecialGroup
from .services import find_by_number


class PeopleFilterForm(forms.Form):
    """Filters over the people the user may see. Bound to the user because a unit outside their
    scope must be refused exactly like a unit that does not exist."""

    unit = forms.CharField(label=_("Unit code"), required=False, max_length=18)
    group = forms.ModelChoiceField(SpecialGroup.objects.all(), to_field_name="code", required=False,
                                   label=_("Special group"), empty_label=_("All"))
    name = forms.CharField(label=_("Name contains"), required=False, max_length=50)
    number = forms.CharField(label=_("ID or phone number"), required=False, max_length=30,
                             help_text=_("Exact match only."))

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
        people = find_by_number(self.user, data["number"]) if data["number"] else visible(self.user, Person.objects.all())
        if data["unit"]:
            people = people.filter(subtree_q("unit__code", data["unit"].code))
        if data["group"]:
            people = people.filter(special_groups=data["group"])
        if data["name"]:
            people = people.filter(name__icontains=data["name"])
        return people.select_related("unit").prefetch_related("special_groups")
