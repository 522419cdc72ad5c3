"""The demo district's time-bank data (see ``participation.py``), made through the time bank's
services inside ``clock.frozen`` over the last 90 days:

- **donations within households**: some members who hold minutes (earned by verified care service
  in the volunteering demo) give part of them to another member of their household — themselves
  when they have a sign-in, otherwise recorded by their community's staff at the counter;
- **one community transfer**: the district funds the demo community's (怡湖社区) time bank, which
  then transfers part of it to a neighbouring community.

Nobody holding minutes is harmless: no donation is made. Every refusal of a service (a balance
already spent, a missing login) is skipped, never forced.
"""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import PARTICIPATION_STAFF_ROLES, Role
from gridgov.accounts.scope import scope_for
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.ledger.models import Account, AccountKind, MeasureUnit, Posting
from gridgov.people.models import Person
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit, UnitKind
from gridgov.timebank.services import movements

from .seed import DISTRICT, SEED

DAYS = 90
DONATIONS = 12
FUNDING, TRANSFER = 600, 120
HOME_COMMUNITY = "510113002001"  # 怡湖社区, where the main demo logins work
REFUSALS = (ValidationError, PermissionDenied, NotFound)


def _staff_for(code: str):
    """Participation staff of the community ``code`` (the nearest level up), or None."""
    for level in ("community", "street", "district"):
        unit_code = prefix(code, level)
        row = (RoleAssignment.objects.filter(unit__code=unit_code, role__in=PARTICIPATION_STAFF_ROLES)
               .select_related("user").order_by("pk").first())
        if row is not None:
            return row.user
    return None


def _donations(rng, start, now) -> int:
    holders = (Account.objects.filter(kind=AccountKind.PERSON, unit=MeasureUnit.MINUTES, district_code=DISTRICT,
                                      balance__gt=0).order_by("pk"))
    by_person = {int(account.owner_key.partition(":")[2]): account for account in holders
                 if account.owner_key.partition(":")[2].isdigit()}
    households = dict(Person.objects.filter(household__isnull=False).values("household")
                      .annotate(size=Count("pk")).filter(size__gt=1).values_list("household", "size"))
    givers = list(Person.objects.filter(pk__in=by_person, household__in=households).select_related("unit")
                  .order_by("pk"))
    rng.shuffle(givers)
    made = 0
    for giver in givers[:DONATIONS]:
        account = by_person[giver.pk]
        recipient = movements.family(giver).first()
        minutes = max(1, int(account.balance * rng.uniform(0.1, 0.4)))
        last = Posting.objects.filter(account=account).aggregate(at=Max("entry__at"))["at"] or start
        when = min(max(last, start) + dt.timedelta(hours=rng.randint(2, 96)), now - dt.timedelta(minutes=5))
        themselves = bool(giver.user_id and scope_for(giver.user).person_ids)
        actor = giver.user if themselves else _staff_for(giver.unit.code)
        if actor is None or recipient is None:
            continue
        try:
            with clock.frozen(when):
                movements.donate(actor, recipient_id=recipient.pk, minutes=minutes, note="家庭互助",
                                 giver_id=None if themselves else giver.pk)
            made += 1
        except REFUSALS:
            continue
    return made


def _transfer(start) -> tuple[int, int]:
    home = Unit.objects.filter(code=HOME_COMMUNITY).first()
    if home is None:
        home = Unit.objects.filter(kind=UnitKind.COMMUNITY, district_code=DISTRICT).order_by("code").first()
    other = (Unit.objects.filter(kind=UnitKind.COMMUNITY, district_code=DISTRICT).exclude(pk=getattr(home, "pk", None))
             .order_by("code").first())
    admin = User.objects.filter(role_assignments__role=Role.DISTRICT_ADMIN,
                                role_assignments__unit__code=DISTRICT).order_by("pk").first()
    staff = _staff_for(home.code) if home else None
    if None in (home, other, admin, staff):
        return 0, 0
    try:
        with clock.frozen(start + dt.timedelta(days=10, hours=9)):
            movements.fund(admin, community_code=home.code, minutes=FUNDING, note="区级时间银行启动资金")
        with clock.frozen(start + dt.timedelta(days=40, hours=15)):
            movements.transfer(staff, from_code=home.code, to_code=other.code, minutes=TRANSFER,
                               note="支援邻近社区助老服务")
    except REFUSALS:
        return 1, 0
    return 1, 1


def generate(progress: bool = False) -> dict:
    """Make the demo's time-bank data through the app's services; answer summary counts."""
    rng = random.Random(SEED + 5)
    now = clock.now()
    start = now - dt.timedelta(days=DAYS)
    fundings, transfers = _transfer(start)
    donations = _donations(rng, start, now)
    return {"timebank_donations": donations, "timebank_fundings": fundings, "timebank_transfers": transfers}
