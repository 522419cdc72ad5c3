"""The 双报到 pages' forms: they only parse; the services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Period, PledgeKind, UnitKind


class UnitForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class PledgeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Resource"), choices=PledgeKind.choices)
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.CharField(label=_("Quantity or value"), max_length=60, required=False)


class LiaisonForm(forms.Form):
    username = forms.CharField(label=_("Liaison's account"), max_length=150)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EmployerForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"))
    employer_name = forms.CharField(label=_("Employer"), max_length=100)
    name = forms.CharField(label=_("Party organisation"), max_length=120)
    contact = forms.CharField(label=_("Organisation's contact (e-mail or office phone)"), max_length=120,
                              required=False)
    resident_unit = forms.ModelChoiceField(queryset=None, label=_("Resident unit (if the employer is one)"),
                                           required=False)

    def __init__(self, *args, communities, resident_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["resident_unit"].queryset = resident_units


class MemberForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label=_("Party member"))
    employer_org = forms.ModelChoiceField(queryset=None, label=_("Employer's party organisation"))

    def __init__(self, *args, people, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["employer_org"].queryset = orgs


class ReportForm(forms.Form):
    employer_org = forms.ModelChoiceField(queryset=None, label=_("Employer's party organisation"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices)
    with_lines = forms.BooleanField(label=_("List each service"), required=False)

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer_org"].queryset = orgs


class AcknowledgeForm(forms.Form):
    acknowledged_by = forms.CharField(label=_("Acknowledged by (name and post at the employer)"), max_length=100)
