"""What an Open311 client sent with a case beyond the case's own fields.

The case itself is an ordinary :class:`gridgov.cases.models.Case` (channel ``open311``); this row
keeps the request's token, its media URLs (links, never fetched), the attribute values and the
reporter's other details, so that the GeoReport answers can give them back.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core.crypto import EncryptedTextField


class ServiceRequest(models.Model):
    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="open311_request", verbose_name=_("case"))
    integration = models.ForeignKey("integrations.Integration", models.SET_NULL, null=True, blank=True,
                                    related_name="open311_requests", verbose_name=_("integration"))
    token = models.CharField(_("token"), max_length=32, unique=True)
    media_urls = models.JSONField(_("media URLs"), default=list, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    address_id = models.CharField(_("address ID"), max_length=100, blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    account_id = models.CharField(_("account ID"), max_length=100, blank=True)
    device_id = models.CharField(_("device ID"), max_length=100, blank=True)
    created = models.DateTimeField(_("received"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("Open311 service request")
        verbose_name_plural = _("Open311 service requests")

    def __str__(self):
        return self.token
