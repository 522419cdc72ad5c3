"""The time bank's web forms: they parse; the services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from .services.expiry import MAX_DAYS
from .services.movements import MAX_MINUTES


class DonationForm(forms.Form):
    recipient = forms.TypedChoiceField(label=_("Family member"), coerce=int)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, family=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [(person.pk, person.name) for person in family]


class TransferForm(forms.Form):
    to_community = forms.RegexField(label=_("To community (12-digit code)"), regex=r"^\d{12}$",
                                    error_messages={"invalid": _("A community's code has 12 digits.")})
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class FundingForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_MINUTES)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ExpiryRuleForm(forms.Form):
    days = forms.IntegerField(label=_("Points expire after (days)"), min_value=1, max_value=MAX_DAYS)
    active = forms.BooleanField(label=_("Active"), required=False)
