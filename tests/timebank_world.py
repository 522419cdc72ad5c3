"""The time bank's test world: the small district (tests/factories.py) plus a family member in the
resident's household, a neighbour with a sign-in in another household, a second district with one
community (for members moving away), and minutes earned the way volunteering deposits them
(issuance → the person's minutes account)."""
import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.ledger.models import AccountKind, MeasureUnit, SystemAccount
from gridgov.ledger.services import account_for, post
from gridgov.people.models import Person
from gridgov.structure.models import Unit
from gridgov.timebank.services.accounts import person_account
from tests.factories import PASSWORD, build_district

_earned = iter(range(1, 10**6))


def earn(person, minutes, *, at=None, unit=MeasureUnit.MINUTES):
    """Credit ``minutes`` to the person's account from the district's issuance, as verified service
    does (kind ``service``); answers the account."""
    account = person_account(person, unit=unit)
    issuance = account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE,
                           district_code=account.district_code, unit=unit)
    post([(issuance, -minutes), (account, minutes)], key=f"test-service:{next(_earned)}", memo="志愿服务",
         kind="service", at=at)
    return account


def spend(person, minutes, *, at=None):
    """Take minutes from the person's account as service received (back to issuance)."""
    account = person_account(person)
    issuance = account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ISSUANCE,
                           district_code=account.district_code, unit=MeasureUnit.MINUTES)
    post([(account, -minutes), (issuance, minutes)], key=f"test-received:{next(_earned)}", memo="接受服务",
         kind="service_received", at=at)
    return account


def _user(username, role, unit, person=None):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    if person is not None:
        person.user = user
        person.save()
    return user


def build():
    district = build_district()
    units, users, persons = district.units, district.users, district.persons
    resident = persons[0]  # the "resident" login, in A1-1-1's household
    family = Person.objects.create(name="家人甲", gender="F", birth_date=dt.date(1990, 5, 1), unit=resident.unit,
                                   household=resident.household, phone="13900001111")
    users["family"] = _user("family", Role.RESIDENT, resident.unit, family)
    neighbour = persons[1]  # A1-1-2, another household
    users["neighbour"] = _user("neighbour", Role.RESIDENT, neighbour.unit, neighbour)
    users["staff_b1"] = _user("staff_b1", Role.COMMUNITY_STAFF, units["B1"])
    other = Unit.objects.create(code="510114", kind="district", name="另一区", short_name="另一区")
    street = Unit.objects.create(code="510114001", kind="street", name="另一街道", short_name="另一街道", parent=other)
    units["far"] = Unit.objects.create(code="510114001001", kind="community", name="远方社区居民委员会",
                                       short_name="远方社区", parent=street)
    return SimpleNamespace(units=units, users=users, persons=persons, resident=resident, family=family,
                           neighbour=neighbour, district=district)


def timebank_days_ago(days: int, hour: int = 10) -> dt.datetime:
    base = timezone.localtime(clock.now()).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base - dt.timedelta(days=days)
