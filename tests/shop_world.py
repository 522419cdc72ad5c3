"""A small world for the shop's tests: the test district (tests/factories.py) plus a shop keeper of
community A1, two buyers in A1 with points and one in A2, and an item or two."""
from types import SimpleNamespace

from django.contrib.auth.models import User

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.ledger import services as ledger
from gridgov.ledger.models import AccountKind, MeasureUnit, SystemAccount
from gridgov.shop.services import items
from gridgov.shop.services.accounts import escrow_account, points_account, shop_account
from tests.factories import PASSWORD, build_district


def user(username, role, unit, person=None):
    account = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=account, role=role, unit=unit)
    if person is not None:
        person.user = account
        person.save()
    return account


def issue(person, points, key):
    """Points paid to ``person`` from the district's issuance (what volunteering does)."""
    issuance = ledger.account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE,
                                  district_code=person.unit.district_code, unit=MeasureUnit.POINTS)
    return ledger.post([(issuance, -points), (points_account(person), points)], key=key, memo="服务积分")


def build(district=None):
    d = district or build_district()
    units, persons = d.units, d.persons
    w = SimpleNamespace(district=d, units=units, a1=units["A1"], a2=units["A2"])
    w.keeper = user("keeper", Role.SHOP_KEEPER, units["A1"])
    w.keeper2 = user("keeper_a2", Role.SHOP_KEEPER, units["A2"])
    w.staff = d.users["community_staff"]          # community staff of A1
    w.alice = d.users["resident"]                 # persons[0], in A1-1-1
    w.alice_person = persons[0]
    w.bob_person = persons[1]                     # in A1-1-2
    w.bob = user("bob", Role.PARTY_MEMBER, w.bob_person.unit, person=w.bob_person)
    w.carol_person = persons[4]                   # in A2-1-1
    w.carol = user("carol", Role.RESIDENT, w.carol_person.unit, person=w.carol_person)
    issue(w.alice_person, 100, "test:alice")
    issue(w.bob_person, 50, "test:bob")
    issue(w.carol_person, 80, "test:carol")
    w.soap = items.create_item(w.keeper, w.a1, name="洗衣液", price=30, stock=5, description="2 kg")
    w.towel = items.create_item(w.keeper, w.a1, name="毛巾", price=10, stock=1)
    w.rice = items.create_item(w.keeper2, w.a2, name="大米", price=20, stock=10)
    w.alice_account = points_account(w.alice_person)
    w.bob_account = points_account(w.bob_person)
    w.escrow = escrow_account("510113")
    w.shop_a1 = shop_account(w.a1)
    return w
