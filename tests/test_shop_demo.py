"""The shop's demo generator against a small world (not the full demo): shops where people hold
points, orders in every state through the real services, a ledger that balances; nothing at all
when no one holds points."""
import datetime as dt

from gridgov.core import clock, journal
from gridgov.demo import shop_demo
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Account, AccountKind
from gridgov.people.models import Person
from gridgov.shop.models import Item, Order, OrderStatus

from .shop_world import issue, user

NOW = dt.datetime(2026, 6, 30, 4, 0, tzinfo=dt.timezone.utc)


def test_nothing_happens_when_no_one_holds_points(district):
    assert shop_demo.generate(now=NOW, district_code="510113") == {"shop_items": 0, "shop_orders": 0}
    assert not Item.objects.exists() and not Order.objects.exists()


def test_the_demo_shops_sell_in_every_state_and_the_ledger_balances(district):
    from gridgov.accounts.models import Role

    units = district.units
    with clock.frozen(NOW - dt.timedelta(days=89)):
        for n in range(12):
            person = Person.objects.create(name=f"志愿者{n}", gender="M", unit=units["A1-1-1" if n % 2 else "B1-1-1"])
            user(f"v{n}", Role.PARTY_MEMBER if n % 3 else Role.RESIDENT, person.unit, person=person)
            issue(person, 400, f"demo-test:{person.pk}")
    summary = shop_demo.generate(now=NOW, district_code="510113")

    assert summary["shop_items"] == 12 and summary["shop_orders"] > 20, summary
    assert set(Item.objects.values_list("community__code", flat=True)) == {units["A1"].code, units["B1"].code}
    states = set(Order.objects.values_list("status", flat=True))
    assert states == set(OrderStatus.values), summary
    assert sum(summary[f"shop_orders_{status}"] for status in OrderStatus.values) == summary["shop_orders"]
    assert Order.objects.filter(status=OrderStatus.PLACED, expires_at__lt=NOW).count() == 0
    assert all(journal.verify(order) for order in Order.objects.all())
    assert ledger.check().ok
    assert not Account.objects.filter(kind=AccountKind.PERSON, balance__lt=0).exists()
    assert Order.objects.order_by("placed_at").first().placed_at >= NOW - dt.timedelta(days=90)
