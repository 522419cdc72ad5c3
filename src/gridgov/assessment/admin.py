"""Score weights in the back office: a district's weight for each rate figure of each kind of
subject. The assessment pages' weights form (``/assessment/weights/``) sets a whole kind at once;
here an administrator may also edit rows one by one. Tallies are kept by the platform and rebuilt
with ``gridgov assessment-rebuild``: they are not edited by hand."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.admin_scope import ScopedAdmin
from gridgov.structure.models import Unit, UnitKind

from .models import ScoreWeight
from .services.figures import BY_KEY, RATES
from .services.reports import SUBJECT_LABELS
from .services.scoring import SUBJECTS


class ScoreWeightForm(forms.ModelForm):
    subject = forms.ChoiceField(label=_("assessed"), choices=[(s, SUBJECT_LABELS[s]) for s in SUBJECTS])
    figure = forms.ChoiceField(label=_("figure"), choices=[(key, BY_KEY[key].label) for key in RATES])
    weight = forms.IntegerField(label=_("weight"), min_value=0, max_value=100)

    class Meta:
        model = ScoreWeight
        fields = ["district_code", "subject", "figure", "weight"]

    def clean_district_code(self):
        code = self.cleaned_data["district_code"]
        if not Unit.objects.filter(code=code, kind=UnitKind.DISTRICT).exists():
            raise forms.ValidationError(_("No district has this code."))
        return code


@admin.register(ScoreWeight)
class ScoreWeightAdmin(ScopedAdmin):
    form = ScoreWeightForm
    list_display = ["district_code", "subject_label", "figure_label", "weight"]
    list_filter = ["district_code", "subject"]
    ordering = ["district_code", "subject", "figure"]

    @admin.display(description=_("assessed"), ordering="subject")
    def subject_label(self, obj):
        return SUBJECT_LABELS.get(obj.subject, obj.subject)

    @admin.display(description=_("figure"), ordering="figure")
    def figure_label(self, obj):
        return BY_KEY[obj.figure].label if obj.figure in BY_KEY else obj.figure
