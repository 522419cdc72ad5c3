"""Residents taking part in the demo district: volunteers and their orders, the points shop, 双报到.

Generated after the cases, over the same 90 days, through each app's real services (inside
``clock.frozen``, like the cases), in the order the apps depend on each other: volunteering first
(volunteers, teams, orders, points and time-bank minutes), then the shop (redemptions spend those
points), the time bank (donations, transfers between communities), then 双报到 (registrations, and the employer reports that read the service records), then care
(care plans and check-ins), party building (the kite plan, training, posts), visits (which file cases), deliberation
(proposals, meetings, 四议两公开) and last the micro-projects (which draw on proposals, visits and
双报到 pledges).

Two steps of the district's own make this possible, both plain rows like the district builder's
(no service owns them):

- **homes**: before volunteering, the party members the builder made without a household are
  entered in the household register of their micro-grid (its buildings' households in turn), so
  双报到 finds the in-service members living in a community and members share a household to give
  time-bank minutes to;
- **logins**: after volunteering, every volunteer and every resident who ordered a service gets a
  login (``v_<person pk>``: party member or resident at their home unit, the one demo password
  hashed once), so the shop has buyers and the time bank givers who act as themselves.
"""
from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import Q

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.people.models import Person
from gridgov.structure.models import Household, UnitKind
from gridgov.volunteering.models import ServiceOrder, Volunteer

from . import (
    care_demo,
    deliberation_demo,
    microprojects_demo,
    partybuilding_demo,
    reportin_demo,
    shop_demo,
    timebank_demo,
    visits_demo,
    volunteering_demo,
)
from .seed import DISTRICT


def homes(district_code: str = DISTRICT) -> int:
    """Enter the party members without a household in their micro-grid's households, in turn."""
    households = defaultdict(list)
    for household in Household.objects.filter(building__microgrid__district_code=district_code) \
            .order_by("building__microgrid_id", "building__name", "entrance", "room", "pk") \
            .values("pk", "building__microgrid_id"):
        households[household["building__microgrid_id"]].append(household["pk"])
    people = list(Person.objects.filter(unit__district_code=district_code, unit__kind=UnitKind.MICROGRID,
                                        is_party_member=True, household__isnull=True, user__isnull=True)
                  .order_by("pk"))
    turn = defaultdict(int)
    placed = []
    for person in people:
        choices = households.get(person.unit_id)
        if not choices:
            continue
        person.household_id = choices[turn[person.unit_id] % len(choices)]
        turn[person.unit_id] += 1
        placed.append(person)
    Person.objects.bulk_update(placed, ["household"], batch_size=500)
    return len(placed)


def logins(district_code: str = DISTRICT) -> int:
    """A login for every volunteer and every resident who ordered a service, who has none."""
    wanted = Q(pk__in=Volunteer.objects.filter(community__district_code=district_code).values("person")) | Q(
        pk__in=ServiceOrder.objects.filter(community__district_code=district_code).values("resident"))
    people = list(Person.objects.filter(wanted, user__isnull=True).order_by("pk"))
    taken = set(User.objects.filter(username__in=[f"v_{p.pk}" for p in people]).values_list("username", flat=True))
    people = [p for p in people if f"v_{p.pk}" not in taken]
    password = volunteering_demo.password_hash()
    users = User.objects.bulk_create([User(username=f"v_{p.pk}", password=password, first_name=p.name)
                                      for p in people])
    if users and users[0].pk is None:  # a backend that does not return the keys
        users = list(User.objects.filter(username__in=[u.username for u in users]))
    by_name = {user.username: user for user in users}
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=by_name[f"v_{p.pk}"], unit_id=p.unit_id,
                       role=Role.PARTY_MEMBER if p.is_party_member else Role.RESIDENT) for p in people])
    for person in people:
        person.user = by_name[f"v_{person.pk}"]
    Person.objects.bulk_update(people, ["user"], batch_size=500)
    return len(people)


def generate(progress: bool = False) -> dict:
    summary = {"participation_homes": homes()}
    summary.update(volunteering_demo.generate(progress=progress))
    summary["participation_logins"] = logins()
    for part in (shop_demo, timebank_demo, reportin_demo, care_demo, partybuilding_demo, visits_demo,
                 deliberation_demo, microprojects_demo):
        summary.update(part.generate(progress=progress))
    return summary
