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

        from gridgov.shop.models import Order
        from gridgov.volunteering.models import ServiceOrder

        from .participation import on_service_order_recorded, on_shop_order_recorded

        journal.changed.connect(on_service_order_recorded, sender=ServiceOrder,
                                dispatch_uid="gridgov.notifications.service-orders")
        journal.changed.connect(on_shop_order_recorded, sender=Order, dispatch_uid="gridgov.notifications.shop-orders")
