from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gridgov.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from gridgov.cases.services.lifecycle import case_changed

        from .services import on_case_changed

        case_changed.connect(on_case_changed, dispatch_uid="gridgov.notifications")
