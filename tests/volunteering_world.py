"""A small volunteering world on the test district (tests/factories.py): community A1's menu, two
volunteers with accounts (one a party member), a team, and helpers to run an order to any state."""
import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import User

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.volunteering.services import activities, menu_items, orders, volunteers

from .factories import PASSWORD


def person_user(district, username, person, role=Role.RESIDENT):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=person.unit)
    person.user = user
    person.save()
    district.users[username] = user
    return user


def build(district):
    """Volunteers ``vol1`` (persons[1]) and ``vol2`` (persons[2], a party member) of community A1,
    registered by its staff; a team with vol1; a per-hour menu item and a care item."""
    staff = district.users["community_staff"]
    community = district.units["A1"]
    p1, p2 = district.persons[1], district.persons[2]
    p2.is_party_member = True
    p2.save()
    u1, u2 = person_user(district, "vol1", p1), person_user(district, "vol2", p2, Role.PARTY_MEMBER)
    v1 = volunteers.register_volunteer(staff, p1, community=community, skills=["理发"])
    v2 = volunteers.register_volunteer(staff, p2, community=community, party_org_name="区税务局党支部")
    team = volunteers.create_team(staff, community=community, name="红色先锋队", kind="vanguard")
    volunteers.add_to_team(staff, v1, team)
    haircut = menu_items.save_item(staff, community=community, name="上门理发", points=10, basis="hour",
                                   estimated_minutes=60)
    care = menu_items.save_item(staff, community=community, name="陪护老人", points=20, basis="service", care=True,
                                estimated_minutes=60)
    return SimpleNamespace(d=district, staff=staff, community=community, resident=district.users["resident"],
                           person=district.persons[0], u1=u1, u2=u2, v1=v1, v2=v2, team=team, haircut=haircut,
                           care=care)


def run_order(w, *, item=None, until="verified", minutes=90, taker=None, rating=5, pay_with_minutes=False):
    """Place an order as the resident and move it through the steps up to ``until``."""
    taker = taker or w.u1
    order = orders.place_order(w.resident, item=item or w.haircut, description="请上门", address="1栋101",
                               pay_with_minutes=pay_with_minutes)
    steps = [
        ("accepted", lambda o: orders.accept(w.staff, o)),
        ("published", lambda o: orders.publish(w.staff, o)),
        ("taken", lambda o: orders.take(taker, o)),
        ("checked_in", lambda o: orders.check_in(taker, o, latitude=30.5, longitude=104.2)),
        ("checked_out", lambda o: orders.check_out(taker, o)),
        ("verified", lambda o: orders.verify(w.staff, o, minutes)),
        ("rated", lambda o: orders.rate(w.resident, o, rating, "很好")),
    ]
    for name, step in steps:
        if order.status == until:
            break
        order = step(order)
    return order


def activity(w, *, limit=1, waiting_list=True, points=5, care=False):
    start = clock.now() + dt.timedelta(days=1)
    return activities.publish_activity(w.staff, community=w.community, title="清理楼道", starts_at=start,
                                       ends_at=start + dt.timedelta(hours=2), limit=limit, points=points, care=care,
                                       waiting_list=waiting_list)
