"""The shop's figures (``core.figures`` set ``shop``; definitions in docs/shop.md).

Every figure of a unit covers its subtree: ledger accounts by their ``place_code`` (a person's home
unit, a shop's community), orders by their community. The period is the local days ``start`` to
``end`` inclusive.
"""
import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.figures import Figure, FigureSet
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, Posting, SystemAccount
from gridgov.structure.codes import per_subtree

from ..models import Order, OrderStatus

FIGURES = (
    Figure("points_issued", _("Points issued"), "points",
           _("Points paid into residents' and members' accounts from the district's issuance account in the period.")),
    Figure("points_redeemed", _("Points redeemed"), "points",
           _("Points of the shop orders picked up in the period (released from escrow to the shops).")),
    Figure("points_outstanding", _("Points outstanding"), "points",
           _("What residents' and members' points accounts hold at the end of the period.")),
    Figure("redemption_rate", _("Redemption rate"), "share",
           _("Points redeemed ÷ points issued in the period.")),
    Figure("orders_placed", _("Shop orders"), "count", _("Shop orders placed in the period.")),
    Figure("orders_waiting", _("Orders waiting for pick-up"), "count",
           _("Orders placed in the period and still waiting for pick-up.")),
    Figure("orders_picked_up", _("Orders picked up"), "count", _("Orders placed in the period and picked up.")),
    Figure("orders_cancelled", _("Orders cancelled"), "count", _("Orders placed in the period and cancelled.")),
    Figure("orders_expired", _("Orders expired"), "count",
           _("Orders placed in the period and not picked up in time.")),
)
STATE_FIGURES = {OrderStatus.PLACED: "orders_waiting", OrderStatus.PICKED_UP: "orders_picked_up",
                 OrderStatus.CANCELLED: "orders_cancelled", OrderStatus.EXPIRED: "orders_expired"}


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as a half-open interval of aware datetimes: local midnight of ``start`` to the
    local midnight after ``end``."""
    begin = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    return begin, timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))


_PERSON_POINTS = Q(account__kind=AccountKind.PERSON, account__unit=MeasureUnit.POINTS)
_FROM_ISSUANCE = Exists(Posting.objects.filter(entry=OuterRef("entry"), account__kind=AccountKind.SYSTEM,
                                               account__name=SystemAccount.ISSUANCE))


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict:
    """The figures of ``unit_codes`` in four queries, one per family (issued, redeemed, outstanding,
    orders), for any number of codes."""
    begin, until = _bounds(start, end)
    today = timezone.localdate(clock.now())
    issued = per_subtree(Posting.objects.filter(_PERSON_POINTS, amount__gt=0, entry__at__gte=begin, entry__at__lt=until)
                      .filter(_FROM_ISSUANCE), "account__place_code", unit_codes, total=Sum("amount"))
    redeemed = per_subtree(Order.objects.filter(status=OrderStatus.PICKED_UP, closed_at__gte=begin, closed_at__lt=until),
                        "community__code", unit_codes, total=Sum("points"))
    if end >= today:  # "now": the balance caches
        outstanding = per_subtree(Account.objects.filter(kind=AccountKind.PERSON, unit=MeasureUnit.POINTS),
                               "place_code", unit_codes, total=Sum("balance"))
    else:  # a past period: the postings up to its end
        outstanding = per_subtree(Posting.objects.filter(_PERSON_POINTS, entry__at__lt=until),
                               "account__place_code", unit_codes, total=Sum("amount"))
    counts = per_subtree(Order.objects.filter(placed_at__gte=begin, placed_at__lt=until), "community__code", unit_codes,
                      placed=Count("pk"),
                      **{key: Count("pk", filter=Q(status=status)) for status, key in STATE_FIGURES.items()})
    result = {}
    for code, placed in counts.items():
        points_in, points_out = issued[code]["total"], redeemed[code]["total"]
        result[code] = {
            "points_issued": points_in, "points_redeemed": points_out,
            "points_outstanding": outstanding[code]["total"],
            "redemption_rate": points_out / points_in if points_in else None,
            "orders_placed": placed.pop("placed"), **placed,
        }
    return result


FIGURE_SET = FigureSet(key="shop", label=_("Points shop"), figures=FIGURES, compute=compute, order=20,
                       headline=("points_issued", "points_redeemed", "redemption_rate"))
