from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "gridgov.workdays"
    verbose_name = _("Working-day calendar")

    def ready(self):
        # Any change to the calendar must reach the in-memory copy the deadline functions use.
        from django.utils import timezone

        from gridgov.core import jobs

        from .services import calendar_changed, ensure_provisional

        jobs.register("holidays-provisional", lambda now: ensure_provisional(timezone.localdate(now)))

        holiday = self.get_model("Holiday")
        post_save.connect(calendar_changed, sender=holiday, dispatch_uid="workdays_calendar_saved")
        post_delete.connect(calendar_changed, sender=holiday, dispatch_uid="workdays_calendar_deleted")
