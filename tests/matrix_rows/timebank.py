"""The timebank app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py).

Ledger accounts are scoped by the rule this app registers for the kernel's ``ledger.Account``: the
row is a resident's minutes account placed at their micro-grid (staff of the subtree and the
resident see it). A movement is a donation from the area's resident to the party member of the
same household (staff, giver and recipient see it).
"""
from gridgov.accounts.models import Role
from gridgov.accounts.roles import STAFF_ROLES
from gridgov.ledger.models import Account, AccountKind, MeasureUnit
from gridgov.ledger.services import account_for
from gridgov.timebank.models import Movement, MovementKind


def _account(area):
    return account_for(kind=AccountKind.PERSON, owner_key=f"person:{area.person.pk}",
                       district_code=area.units["district"].code, unit=MeasureUnit.MINUTES,
                       place_code=area.units["microgrid"].code)


def _donation(area):
    code = area.units["microgrid"].code
    return Movement.objects.create(kind=MovementKind.DONATION, district_code=area.units["district"].code,
                                   from_code=code, to_code=code, giver=area.person,
                                   recipient=area.users[Role.PARTY_MEMBER].person, minutes=10)


ROWS: dict = {
    Account: (_account, STAFF_ROLES | {Role.RESIDENT}, False),
    Movement: (_donation, STAFF_ROLES | {Role.RESIDENT, Role.PARTY_MEMBER}, False),
}
ENDPOINTS: dict = {
    "api ledger account": (Account, lambda account: f"/api/v1/timebank/accounts/{account.pk}", 10**9),
    "api ledger history": (Account, lambda account: f"/api/v1/timebank/accounts/{account.pk}/history", 10**9),
    "page ledger account": (Account, lambda account: f"/timebank/accounts/{account.pk}/", 10**9),
    "api timebank movement": (Movement, lambda movement: f"/api/v1/timebank/movements/{movement.pk}", 10**9),
}
