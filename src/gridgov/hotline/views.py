"""The hotline page for dispatchers: upload a 12345 export and read the row-by-row report; download
the answer-back (closure and rating) in the same layout.

Open to the district's administrators and dispatchers and to street dispatchers (the people who
take in the hotline's orders); anyone else gets 403. A batch files into the user's district (the
hotline's orders are the district's, located to streets by their coordinates); the download holds
only the cases the user's scope shows.
"""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import HOTLINE_ROLES
from gridgov.accounts.scope import visible
from gridgov.cases.models import Case
from gridgov.structure.models import Unit, UnitKind

from . import services

#: A row costs some 25 ms to file (intake routing, numbering, timeline, notifications): 2000 rows
#: stay well inside the web server's 120 s timeout. Larger batches go through the command.
MAX_WEB_ROWS = 2000


def hotline_districts(user):
    """The districts where ``user`` may take in hotline orders."""
    districts = Unit.objects.filter(kind=UnitKind.DISTRICT)
    if user.is_superuser:
        return districts
    codes = user.role_assignments.filter(role__in=HOTLINE_ROLES).values("unit__district_code")
    return districts.filter(code__in=codes)


class DistrictField(forms.ModelChoiceField):
    """A district chosen by its code (the URL of a download names it)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Unit.objects.none(), to_field_name="code", empty_label=None, **kwargs)

    def label_from_instance(self, unit):
        return unit.short_name


class ImportForm(forms.Form):
    district = DistrictField(label=gettext_lazy("District"))
    file = forms.FileField(label=gettext_lazy("12345 export (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, districts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class ExportForm(forms.Form):
    district = DistrictField(label=gettext_lazy("District"))
    since = forms.DateField(label=gettext_lazy("With a step since"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=gettext_lazy("Empty: all hotline cases."))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")])

    def __init__(self, districts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


def _style(form):
    for bound in form:
        widget = bound.field.widget
        widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
    return form


def _districts_or_403(user):
    districts = hotline_districts(user)
    if not districts.exists():
        raise PermissionDenied(_("Only district and street dispatchers take in hotline orders."))
    return districts


@login_required
def hotline_page(request):
    districts = _districts_or_403(request.user)
    report = None
    form = ImportForm(districts, request.POST or None, request.FILES or None,
                      initial={"district": districts.first()})
    if request.method == "POST" and form.is_valid():
        report = services.import_batch(form.cleaned_data["file"].read(), form.cleaned_data["district"],
                                       max_rows=MAX_WEB_ROWS)
    export_form = ExportForm(districts, initial={"district": districts.first(), "format": "xlsx"})
    return render(request, "hotline/page.html", {
        "form": _style(form), "export_form": _style(export_form), "report": report, "single_district": districts.count() == 1,
        "order_columns": services.ORDER_COLUMNS, "answer_columns": services.ANSWER_COLUMNS,
    })


@login_required
def hotline_export(request):
    districts = _districts_or_403(request.user)
    form = ExportForm(districts, request.GET)
    if not form.is_valid():
        return render(request, "hotline/page.html", {
            "form": _style(ImportForm(districts, initial={"district": districts.first()})), "export_form": _style(form),
            "single_district": districts.count() == 1, "order_columns": services.ORDER_COLUMNS,
            "answer_columns": services.ANSWER_COLUMNS}, status=400)
    district, since, file_format = (form.cleaned_data[name] for name in ("district", "since", "format"))
    cases = services.answer_queryset(visible(request.user, Case.objects.filter(district_code=district.code)),
                                     since=since)
    write, content_type = services.EXPORT_FORMATS[file_format]
    name = f"hotline-{district.code}{f'-since-{since:%Y%m%d}' if since else ''}.{file_format}"
    response = HttpResponse(content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    write(cases, response)
    return response
