"""The catalogue in the back office: edited row by row here, or exported to Excel/CSV, edited in a
spreadsheet and imported back whole (see :mod:`gridgov.catalogue.services`)."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.admin_journal import JournaledAdmin

from .models import Category
from .services import EXPORT_FORMATS, import_file


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel (.xlsx) or CSV file"))


@admin.register(Category)
class CategoryAdmin(JournaledAdmin):
    list_display = ["code", "name", "plain_name", "handling_level", "lead_department", "response_limit_hours",
                    "resolution_limit_days", "on_grid_list", "needs_verification", "urgency", "active"]
    list_filter = ["handling_level", "on_grid_list", "needs_verification", "urgency", "active", "lead_department"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "plain_name", "keywords"]
    autocomplete_fields = ["parent"]
    list_per_page = 200

    def get_urls(self):
        return [
            path("export/<str:file_format>/", self.admin_site.admin_view(self.export_view),
                 name="catalogue_category_export"),
            path("import/", self.admin_site.admin_view(self.import_view), name="catalogue_category_import"),
        ] + super().get_urls()

    def _can_import(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "can_import": self._can_import(request)})

    def export_view(self, request, file_format):
        """The whole catalogue as a download."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in EXPORT_FORMATS:
            raise Http404
        write, content_type = EXPORT_FORMATS[file_format]
        response = HttpResponse(content_type=content_type,
                                headers={"Content-Disposition": f'attachment; filename="catalogue.{file_format}"'})
        write(response)
        return response

    def import_view(self, request):
        """Upload a file; a file with any bad row is refused whole and its errors listed."""
        if not self._can_import(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            report = import_file(form.cleaned_data["file"])
            if report.ok:
                self.message_user(request, _(
                    "Catalogue imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
                ) % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
                    messages.SUCCESS)
                return redirect("admin:catalogue_category_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, "report": report,
                   "title": _("Import the catalogue")}
        return TemplateResponse(request, "admin/catalogue/category/import.html", context)
