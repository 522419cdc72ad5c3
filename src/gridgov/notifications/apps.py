from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gridgov.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import menu

        menu.register_entries()

        from gridgov.cases.models import Case
        from gridgov.core import journal

        from .services import on_case_recorded

        # After commit, for cases only: a change rolled back tells no one.
        journal.changed.connect(on_case_recorded, sender=Case, dispatch_uid="gridgov.notifications")

        from .participation import senders

        for model, listener in senders():
            journal.changed.connect(listener, sender=model,
                                    dispatch_uid=f"gridgov.notifications.{model._meta.label_lower}")
