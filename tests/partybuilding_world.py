"""A small party-building world on the test district (tests/factories.py), all inside community A1:

    A1大党委 (committee, anchored at A1)
    ├── A1-1网格党支部 (the factory's branch at grid A1-1)      members: p1 (also of the committee), p4
    │   └── A1-1-1楼栋党小组 (group at micro-grid A1-1-1)       members: p5
    └── A1-2网格党支部 (branch at grid A1-2)                    members: p2 (member), p3 (secretary)

p1 … p5 are persons[1], [2], [3], [4], [5] of the district, all party members; p1 has a login
(``member1``, party member role). The community's staff (``community_staff``) run it all."""
import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import User
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.structure.models import PartyMembership, PartyOrg

from .factories import PASSWORD

#: The day the world is built on (a Monday); tests move the clock from here.
START = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


def build(district):
    units = district.units
    committee = PartyOrg.objects.create(kind="community_committee", name="A1大党委", unit=units["A1"])
    branch = PartyOrg.objects.get(name="A1-1网格党支部")
    branch.parent = committee
    branch.save()
    group = PartyOrg.objects.create(kind="group", name="A1-1-1楼栋党小组", unit=units["A1-1-1"], parent=branch)
    branch2 = PartyOrg.objects.create(kind="branch", name="A1-2网格党支部", unit=units["A1-2"], parent=committee)
    people = {}
    for index in range(1, 6):
        person = district.persons[index]
        person.is_party_member = True
        person.save()
        people[f"p{index}"] = person
    for org, person, role in [(branch, "p1", "member"), (committee, "p1", "deputy"), (branch, "p4", "member"),
                              (group, "p5", "member"), (branch2, "p2", "member"), (branch2, "p3", "secretary")]:
        PartyMembership.objects.create(org=org, person=people[person], role=role)
    member = User.objects.create_user("member1", password=PASSWORD)
    RoleAssignment.objects.create(user=member, role=Role.PARTY_MEMBER, unit=people["p1"].unit)
    people["p1"].user = member
    people["p1"].save()
    district.users["member1"] = member
    return SimpleNamespace(d=district, staff=district.users["community_staff"], committee=committee, branch=branch,
                           group=group, branch2=branch2, member=member, outsider=district.persons[0],
                           **people)


def on(day: dt.date, hour: int = 10):
    """The clock frozen at ``hour`` o'clock of ``day``."""
    return clock.frozen(timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))
