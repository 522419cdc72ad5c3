"""External notification channels behind one interface: ``send(user, text)``.

The default writes to the ``gridgov.notifications`` log. ``WebhookChannel`` posts JSON to an SMS or
WeChat gateway the district runs (``GRIDGOV_SMS_WEBHOOK``, ``GRIDGOV_WECHAT_WEBHOOK``); gridgov does
not talk to carriers itself. ``settings.GRIDGOV_NOTIFY_CHANNELS`` lists the channels in use.
"""
import json
import logging
import urllib.request
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("gridgov.notifications")


class LogChannel:
    def send(self, user, text: str) -> None:
        log.info("notify %s: %s", user.username, text)


class WebhookChannel:
    """POST ``{"to": <phone or username>, "text": …}`` to a gateway URL; failures are logged, not
    raised, because a missed SMS must not undo the case change that caused it."""

    def __init__(self, url: str, timeout: float = 5):
        self.url, self.timeout = url, timeout

    def send(self, user, text: str) -> None:
        person = getattr(user, "person", None) if hasattr(user, "person") else None
        self.post((person.phone if person else "") or user.username, text)

    def post(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=self.timeout).close()
        except OSError as error:
            log.warning("webhook %s failed: %s", self.url, error)


def text_phone(phone: str, text: str) -> None:
    """An SMS to a number with no account behind it (a care plan's guardians, a buddy without a
    login): through the district's SMS gateway when one is set, else to the log, like every message."""
    if settings.GRIDGOV_SMS_WEBHOOK:
        WebhookChannel(settings.GRIDGOV_SMS_WEBHOOK).post(phone, text)
    else:
        log.info("sms %s: %s", phone[:3] + "****" + phone[-4:], text)


def sms_channel():
    return WebhookChannel(settings.GRIDGOV_SMS_WEBHOOK)


def wechat_channel():
    return WebhookChannel(settings.GRIDGOV_WECHAT_WEBHOOK)


@lru_cache(maxsize=1)
def configured() -> list:
    return [import_string(path)() for path in settings.GRIDGOV_NOTIFY_CHANNELS]
