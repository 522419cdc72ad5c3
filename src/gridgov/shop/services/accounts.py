"""The shop's ledger accounts (docs/shop.md): a person's points, the district's escrow, a
community's shop. Opened on first use through ``ledger.services.account_for``."""
from gridgov.ledger import services as ledger
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, SystemAccount


def person_key(person) -> str:
    return f"person:{person.pk}"


def points_account(person) -> Account:
    """The person's points account (the one volunteering pays into), opened on first use."""
    return ledger.account_for(kind=AccountKind.PERSON, district_code=person.unit.district_code,
                              unit=MeasureUnit.POINTS, owner_key=person_key(person), place_code=person.unit.code)


def points_balance(person) -> int:
    """The person's points as last committed (the ledger's cache); 0 without an account (read
    without opening one)."""
    account = Account.objects.filter(kind=AccountKind.PERSON, district_code=person.unit.district_code,
                                     unit=MeasureUnit.POINTS, owner_key=person_key(person), name="").first()
    return ledger.balance(account) if account else 0


def escrow_account(district_code: str) -> Account:
    return ledger.account_for(kind=AccountKind.SYSTEM, name=SystemAccount.ESCROW, district_code=district_code,
                              unit=MeasureUnit.POINTS, place_code=district_code)


def shop_account(community) -> Account:
    return ledger.account_for(kind=AccountKind.SYSTEM, name=SystemAccount.SHOP, district_code=community.district_code,
                              unit=MeasureUnit.POINTS, owner_key=f"unit:{community.code}", place_code=community.code)
