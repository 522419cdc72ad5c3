"""The intake settings an administrator keeps per district, the stored classifier versions (read
only, with an action to make one active), and the suggestions and training examples, read only."""
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.admin_scope import ScopedAdmin

from . import classify
from .models import ClassifierModel, IntakeSettings, Suggestion, TrainingExample


@admin.register(IntakeSettings)
class IntakeSettingsAdmin(ScopedAdmin):
    list_display = ["district", "auto_route_threshold", "duplicate_radius_m", "duplicate_window_hours",
                    "duplicate_text_similarity", "hotspot_window_days", "hotspot_min_reports", "hotspot_cell_m"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
    fieldsets = [
        (None, {"fields": ["district"]}),
        (gettext_lazy("Classification"), {"fields": ["auto_route_threshold", "unclassified_category"]}),
        (gettext_lazy("Duplicates"), {"fields": ["duplicate_radius_m", "duplicate_window_hours",
                                                 "duplicate_text_similarity"]}),
        (gettext_lazy("Hot spots"), {"fields": ["hotspot_window_days", "hotspot_min_reports", "hotspot_cell_m"]}),
    ]


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """Not scoped: one classifier serves every district (see ``GLOBAL`` in tests/test_security_admin.py)."""

    list_display = ["version", "created", "source", "n_samples", "active", "macro_f1"]
    fields = ["version", "created", "source", "n_samples", "labels", "metrics", "digest", "active"]
    readonly_fields = fields
    actions = ["make_active"]

    @admin.display(description=gettext_lazy("macro-F1 (cross-validated)"))
    def macro_f1(self, obj):
        figures = obj.metrics.get("cross_validation", {}).get("model")
        return f"{figures['macro_f1']:.3f}" if figures else "—"

    @admin.action(description=gettext_lazy("Make the selected version the active classifier"))
    def make_active(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version."), messages.ERROR)
            return
        chosen = classify.activate(queryset.get().version)
        self.message_user(request, _("Version %(version)s is active.") % {"version": chosen.version})

    def has_add_permission(self, request):
        return False  # versions come from ``gridgov classifier train``

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Suggestion)
class SuggestionAdmin(ScopedAdmin):
    list_display = ["case", "category", "confidence", "model_version", "auto_routed", "chosen_by_reporter", "at"]
    list_filter = ["auto_routed", "chosen_by_reporter", "model_version"]
    list_select_related = ["case", "category"]
    search_fields = ["case__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrainingExample)
class TrainingExampleAdmin(ScopedAdmin):
    list_display = ["at", "category", "previous_category", "source", "case", "created_by"]
    list_filter = ["source"]
    list_select_related = ["category", "previous_category", "case", "created_by"]
    search_fields = ["text", "case__code"]
    raw_id_fields = ["case", "created_by"]
    autocomplete_fields = ["category", "previous_category"]
