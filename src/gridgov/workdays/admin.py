"""The calendar in the back office: administrators enter next year's schedule as soon as the State
Council publishes it, and correct the package where it is wrong. Whatever they save becomes an
"admin" row, which ``gridgov seed-holidays`` never overwrites."""
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import Holiday, HolidaySource


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "name", "kind", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"
    search_fields = ["name"]
    readonly_fields = ["source"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "l")

    def save_model(self, request, obj, form, change):
        obj.source = HolidaySource.ADMIN
        super().save_model(request, obj, form, change)
