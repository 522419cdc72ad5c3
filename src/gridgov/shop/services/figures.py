"""The shop's figures (``core.figures`` set ``shop``; definitions in docs/shop.md).

Every figure of a unit covers its subtree: ledger accounts by their ``place_code`` (a person's home
unit, a shop's community), orders by their community. The period is the local days ``start`` to
``end`` inclusive.
"""
import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock
from gridgov.core.figures import Figure, FigureSet
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, Posting, SystemAccount
from gridgov.structure.codes import subtree_q

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


def compute(unit_codes, start: dt.date, end: dt.date) -> dict:
    begin, until = _bounds(start, end)
    today = timezone.localdate(clock.now())
    result = {}
    for code in unit_codes:
        issued = (Posting.objects.filter(_PERSON_POINTS, subtree_q("account__place_code", code), amount__gt=0,
                                         entry__at__gte=begin, entry__at__lt=until)
                  .filter(_FROM_ISSUANCE).aggregate(total=Sum("amount"))["total"] or 0)
        orders = Order.objects.filter(subtree_q("community__code", code))
        redeemed = orders.filter(status=OrderStatus.PICKED_UP, closed_at__gte=begin, closed_at__lt=until) \
            .aggregate(total=Sum("points"))["total"] or 0
        if end >= today:  # "now": the balance caches
            outstanding = Account.objects.filter(subtree_q("place_code", code), kind=AccountKind.PERSON,
                                                 unit=MeasureUnit.POINTS).aggregate(total=Sum("balance"))["total"] or 0
        else:  # a past period: the postings up to its end
            outstanding = Posting.objects.filter(_PERSON_POINTS, subtree_q("account__place_code", code),
                                                 entry__at__lt=until).aggregate(total=Sum("amount"))["total"] or 0
        counts = orders.filter(placed_at__gte=begin, placed_at__lt=until).aggregate(
            placed=Count("pk"), **{key: Count("pk", filter=Q(status=status)) for status, key in STATE_FIGURES.items()})
        result[code] = {
            "points_issued": issued, "points_redeemed": redeemed, "points_outstanding": outstanding,
            "redemption_rate": redeemed / issued if issued else None, "orders_placed": counts.pop("placed"), **counts,
        }
    return result


FIGURE_SET = FigureSet(key="shop", label=_("Points shop"), figures=FIGURES, compute=compute, order=20,
                       headline=("points_issued", "points_redeemed", "redemption_rate"))
