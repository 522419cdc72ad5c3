from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "gridgov.workdays"
    verbose_name = _("Working-day calendar")

    def ready(self):
        # Any change to the calendar must reach every process's copy and the case deadlines.
        from django.utils import timezone

        from gridgov.core import jobs, stamps

        from .services import CALENDAR_STAMP, ensure_provisional

        jobs.register("holidays-provisional", lambda now: ensure_provisional(timezone.localdate(now)))

        stamps.bump_on_change(CALENDAR_STAMP, self.get_model("Holiday"))
