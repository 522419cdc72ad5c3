"""The inbox's side of the participation apps: who is told what stays with each app
(``volunteering.services.notices``, ``shop.services.notices``: ``recipients(subject, action)``); the
inbox only listens to their journals once a step has committed and puts each message in the inbox,
dated as the step, leaving out whoever took it."""
from django.conf import settings
from django.utils import translation

from gridgov.shop.services import notices as shop_notices
from gridgov.volunteering.services import notices as service_notices

from .models import Kind
from .services import notify


def listener(recipients, kind: str):
    def on_recorded(sender, subject, action, actor, entry, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            for users, text in recipients(subject, action):
                notify([user for user in users if user != actor], subject, kind, text, entry.at)
    return on_recorded


on_service_order_recorded = listener(service_notices.recipients, Kind.SERVICE)
on_shop_order_recorded = listener(shop_notices.recipients, Kind.SHOP)
