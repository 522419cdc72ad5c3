"""The points shop: items a community offers for points, and residents' orders (redemptions).

An :class:`Item` belongs to one community and has a price in points and a stock that never goes
below zero (a check constraint as well as the services). An :class:`Order` holds its points in the
district's ``escrow`` ledger account from the moment it is placed until it is picked up (the points
go to the community's ``shop`` account), cancelled or expired (they go back to the buyer). Both keep
a hash-chained journal (``ItemEntry``, ``OrderEntry``). Only ``services`` write them.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.journal import JournalEntry

from .actions import ShopAction

#: Days an order waits for pick-up when the district has not said otherwise.
DEFAULT_PICKUP_DAYS = 14


class ShopSettings(models.Model):
    """One row per district, kept in the back office; a district without one uses the defaults."""

    district = models.OneToOneField("structure.Unit", models.CASCADE, related_name="shop_settings",
                                    verbose_name=_("district"), limit_choices_to={"kind": "district"})
    pickup_days = models.PositiveIntegerField(
        _("days to pick up"), default=DEFAULT_PICKUP_DAYS,
        help_text=_("An order not picked up within this many days expires: its points and stock go back."))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")
        constraints = [models.CheckConstraint(condition=Q(pickup_days__gt=0), name="shop_settings_pickup_days_positive")]

    def __str__(self):
        return str(self.district)


class Item(models.Model):
    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="shop_items",
                                  verbose_name=_("community"), limit_choices_to={"kind": "community"})
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    price = models.PositiveIntegerField(_("price (points)"))
    stock = models.IntegerField(_("stock"), default=0)
    active = models.BooleanField(_("on sale"), default=True)
    created_at = models.DateTimeField(_("created"), default=clock.now, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name", "pk"]
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="shop_item_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="shop_item_price_positive"),
        ]

    def __str__(self):
        return self.name


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("waiting for pick-up")
    PICKED_UP = "picked_up", _("picked up")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")


class Order(models.Model):
    code = models.CharField(_("pick-up code"), max_length=12, unique=True)
    item = models.ForeignKey(Item, models.PROTECT, related_name="orders", verbose_name=_("item"))
    community = models.ForeignKey("structure.Unit", models.PROTECT, related_name="shop_orders",
                                  verbose_name=_("community"))
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="shop_orders", verbose_name=_("buyer"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="shop_orders",
                              verbose_name=_("buyer's account"))
    quantity = models.PositiveIntegerField(_("quantity"))
    points = models.PositiveIntegerField(_("points"), help_text=_("Price × quantity when ordered."))
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.PLACED,
                              db_index=True)
    placed_at = models.DateTimeField(_("ordered"), db_index=True)
    expires_at = models.DateTimeField(_("pick up by"), db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("closed by"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("shop order")
        verbose_name_plural = _("shop orders")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0) & Q(points__gt=0),
                                              name="shop_order_quantity_points_positive")]

    def __str__(self):
        return f"{self.code} {self.item}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("shop-order", args=[self.pk])


class ItemEntry(JournalEntry):
    item = models.ForeignKey(Item, models.PROTECT, related_name="journal", verbose_name=_("item"))
    action = models.CharField(_("action"), max_length=24, choices=ShopAction.choices)

    subject_field = "item"

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("shop item journal entry")
        verbose_name_plural = _("shop item journal")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="shop_item_journal_sequence")]

    @classmethod
    def subject_name(cls, item) -> str:
        return f"shop-item:{item.pk}"


class OrderEntry(JournalEntry):
    order = models.ForeignKey(Order, models.PROTECT, related_name="journal", verbose_name=_("order"))
    action = models.CharField(_("action"), max_length=24, choices=ShopAction.choices)

    subject_field = "order"

    class Meta:
        ordering = ["order", "seq"]
        verbose_name = _("shop order journal entry")
        verbose_name_plural = _("shop order journal")
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="shop_order_journal_sequence")]

    @classmethod
    def subject_name(cls, order) -> str:
        return f"shop-order:{order.code}"
