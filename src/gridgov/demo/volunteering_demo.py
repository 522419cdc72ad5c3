"""The demo district's volunteering (see ``participation.py``), made through the app's services.

Eight communities of the district (in code order) get volunteers — the even ones about the 18%
target, the odd ones well below it —, a team, a three-line service menu, a published activity or
two, and service orders over the last 90 days in every state, each step inside ``clock.frozen`` at
its own moment: ordered → accepted → dispatched or published → taken → checked in → out →
verified (posting points, and minutes for care) → rated; some refused or cancelled, recent ones
still open. Residents without a login act through the platform (``actor=None``); the demo logins
act as themselves: ``community_staff`` runs 怡湖社区, whose ``resident`` is also a volunteer (so the
login has points and service history) and orders services of their own. Adds one login,
``volunteer``: a party member registered there, who takes and does care services of their own (so
the login has verified services, points and time-bank minutes). Every demo login made after the
district's shares one password hash (:func:`password_hash`, computed once).
"""
import datetime as dt
import functools
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit
from gridgov.volunteering.models import ServiceOrder, ServiceRecord, Volunteer
from gridgov.volunteering.services import activities, menu_items, orders, volunteers

from .seed import DISTRICT, PASSWORD, SEED

COMMUNITIES = 8
DAYS = 90
MENU = [("上门理发", 10, "hour", False, 45, "为行动不便的老人上门理发"),
        ("助老陪护", 20, "service", True, 120, "陪伴就医、读报聊天（存入时间银行）"),
        ("家电维修", 15, "service", False, 60, "小家电、水电简单维修")]
SKILLS = ["理发", "维修", "陪护", "法律咨询", "心理疏导", "文艺", "医疗", "助餐"]
#: How far each order gets: the last step it reaches (weights roughly as a real month's mix).
ENDINGS = ["rated"] * 8 + ["verified"] * 3 + ["checked_out", "checked_in", "taken", "published", "dispatched",
                                              "accepted", "ordered", "refused", "cancelled"]
#: Endings that stay where they are only when recent (the deadline watch moves an old dispatched
#: order on): placed in the last day and a half.
RECENT = ("ordered", "accepted", "dispatched", "checked_in")
REFUSED = (ValidationError, PermissionDenied, NotFound)


class _NotYet(Exception):
    pass


@functools.lru_cache(maxsize=4)
def _hash(hashers: tuple[str, ...]) -> str:
    return make_password(PASSWORD)


def password_hash() -> str:
    """The demo password hashed once (PBKDF2 costs ~0.3 s a time): assign it to every new demo
    user's ``password`` instead of ``create_user``. Cached per hasher setting (tests use MD5)."""
    return _hash(tuple(settings.PASSWORD_HASHERS))


def make_login(username: str, person: Person, role: str, unit=None) -> User:
    """A demo login for ``person`` (role ``role`` at their home unit, unless ``unit``)."""
    user = User.objects.create(username=username, password=password_hash(), first_name=person.name)
    RoleAssignment.objects.create(user=user, role=role, unit=unit or person.unit)
    person.user = user
    person.save(update_fields=["user"])
    return user


def _at(moment):
    return clock.frozen(moment.astimezone(dt.timezone.utc))


class _Demo:
    def __init__(self, now):
        self.rng = random.Random(SEED + 11)
        self.now = now
        self.start = now - dt.timedelta(days=DAYS)
        self.counts = {"volunteers": 0, "orders": 0, "activities": 0, "refused_steps": 0}
        self.staff = User.objects.filter(username="community_staff").first()
        self.resident = User.objects.filter(username="resident").select_related("person__unit").first()
        #: person pk → the demo login that acts as itself when that person takes an order
        self.acting = {self.resident.person.pk: self.resident} if self.resident else {}

    def staff_of(self, community):
        """The demo's community staff login where it works, else the platform."""
        if self.staff and self.staff.role_assignments.filter(unit=community).exists():
            return self.staff
        return None

    def moment(self, days_ago_low, days_ago_high):
        seconds = self.rng.uniform(days_ago_low * 86400, days_ago_high * 86400)
        return self.now - dt.timedelta(seconds=seconds)

    # -- one community ----------------------------------------------------------------------------
    def community(self, index, community):
        staff = self.staff_of(community)
        people = list(Person.objects.filter(subtree_q("unit__code", community.code)).select_related("unit")
                      .order_by("pk"))
        if len(people) < 4:
            return
        share = 0.19 if index % 2 == 0 else 0.06
        wanted = max(2, round(share * len(people)))
        chosen = []
        if self.resident and self.resident.person.unit.code.startswith(community.code):
            chosen.append(self.resident.person)
        party = [p for p in people if p.is_party_member and p not in chosen]
        others = [p for p in people if not p.is_party_member and p not in chosen]
        self.rng.shuffle(party)
        self.rng.shuffle(others)
        chosen += (party[:wanted // 2] + others)[:wanted - len(chosen)]
        found = []
        for person in chosen:
            with _at(self.moment(DAYS - 2, DAYS)):
                found.append(volunteers.register_volunteer(
                    staff, person, community=community, skills=self.rng.sample(SKILLS, 2),
                    party_org_name="区直机关第一党支部" if person.is_party_member else ""))
        self.counts["volunteers"] += len(found)
        with _at(self.start):
            team = volunteers.create_team(staff, community=community, kind="vanguard" if index % 2 == 0 else "volunteer",
                                          name=f"{community.short_name}{'党员先锋队' if index % 2 == 0 else '志愿服务队'}")
            for volunteer in found[:3]:
                volunteers.add_to_team(staff, volunteer, team)
            items = [menu_items.save_item(staff, community=community, name=name, points=points, basis=basis,
                                          care=care, estimated_minutes=minutes, description=text)
                     for name, points, basis, care, minutes, text in MENU]
        residents = [p for p in people if p not in chosen] or people
        for _ in range(self.rng.randint(7, 10)):
            self.order(staff, community, items, team, found, self.rng.choice(residents), None)
        volunteer = self.volunteer_login(community, found) if staff else None
        if volunteer is not None:
            # The volunteer login does care services (points and time-bank minutes), and a haircut.
            me = next(v for v in found if v.person_id == volunteer.person.pk)
            for item in (items[1], items[1], items[1], items[0]):
                self.order(staff, community, [item], team, found, self.rng.choice(residents), None, ending="rated",
                           taker=me)
        if self.resident and self.resident.person in chosen:
            # The resident login serves others (points in their account) …
            me = next(v for v in found if v.person_id == self.resident.person.pk)
            for _ in range(3):
                self.order(staff, community, items, team, found, self.rng.choice(residents), None, ending="rated",
                           taker=me)
            # … and orders for themself (their own order history).
            for ending in ("rated", "verified", "published"):
                self.order(staff, community, items, team, [v for v in found if v.person != self.resident.person],
                           self.resident.person, self.resident, ending=ending)
        self.activity(staff, community, found)

    def volunteer_login(self, community, found):
        """The ``volunteer`` login: the first party member registered in the staff's community."""
        if User.objects.filter(username="volunteer").exists():
            return None
        member = next((v.person for v in found if v.person.is_party_member and v.person.user_id is None), None)
        if member is None:
            return None
        user = make_login("volunteer", member, Role.PARTY_MEMBER)
        self.acting[member.pk] = user
        return user

    # -- one order through its steps ----------------------------------------------------------------
    def order(self, staff, community, items, team, found, resident, resident_user, ending=None, taker=None):
        ending = ending or self.rng.choice(ENDINGS)
        item = self.rng.choice(items)
        at = self.moment(0.3, 1.5) if ending in RECENT else self.moment(4, DAYS - 3)
        takers = [v for v in found if v.person_id != resident.pk] or found
        taker = taker or self.rng.choice(takers)
        hours = 0.0

        def later(h):
            nonlocal hours
            hours += h
            moment = at + dt.timedelta(hours=hours)
            if moment > self.now:
                raise _NotYet
            return moment

        try:
            with _at(at):
                order = orders.place_order(resident_user, item=item, resident=resident,
                                           description=f"需要{item.name}", address=f"{resident.unit.short_name}",
                                           wanted_at=at + dt.timedelta(days=2))
            self.counts["orders"] += 1
            if ending == "cancelled":
                with _at(later(2)):
                    orders.cancel(resident_user, order)
                return
            if ending == "ordered":
                return
            with _at(later(self.rng.uniform(0.5, 6))):
                if ending == "refused":
                    orders.refuse(staff, order, "本周服务人员已排满，请下周再约")
                    return
                order = orders.accept(staff, order)
            if ending == "accepted":
                return
            with _at(later(self.rng.uniform(0.5, 8))):
                if team.memberships.filter(volunteer=taker).exists() and self.rng.random() < 0.5:
                    order = orders.dispatch(staff, order, team=team)
                elif self.rng.random() < 0.5:
                    order = orders.dispatch(staff, order, volunteer=taker)
                else:
                    order = orders.publish(staff, order)
            if ending in ("dispatched", "published"):
                return
            taker_user = self.acting.get(taker.person_id)
            with _at(later(self.rng.uniform(1, 20))):
                order = orders.take(taker_user, order, volunteer=None if taker_user else taker)
            if ending == "taken":
                return
            with _at(later(self.rng.uniform(0.5, 2) if ending in RECENT else self.rng.uniform(2, 30))):
                order = orders.check_in(taker_user, order)
            if ending == "checked_in":
                return
            minutes = max(15, int(item.estimated_minutes * self.rng.uniform(0.6, 1.4)))
            with _at(later(minutes / 60)):
                order = orders.check_out(taker_user, order)
            if ending == "checked_out":
                return
            with _at(later(self.rng.uniform(2, 24))):
                order = orders.verify(staff, order, minutes)
            if ending == "verified":
                return
            with _at(later(self.rng.uniform(2, 48))):
                orders.rate(resident_user, order, self.rng.choice([5, 5, 5, 4, 4, 3, 2]), "谢谢志愿者")
        except _NotYet:  # the next step would lie in the future: the order stays where it is
            return
        except REFUSED:
            self.counts["refused_steps"] += 1

    def activity(self, staff, community, found):
        if len(found) < 2:
            return
        starts = self.moment(10, 60).replace(minute=0, second=0, microsecond=0)
        with _at(starts - dt.timedelta(days=5)):
            act = activities.publish_activity(staff, community=community, title="清洁家园志愿活动", kind="activity",
                                              place=f"{community.short_name}党群服务中心", starts_at=starts,
                                              ends_at=starts + dt.timedelta(hours=2), limit=max(1, len(found) - 1),
                                              points=8)
        self.counts["activities"] += 1
        with _at(starts - dt.timedelta(days=3)):
            for volunteer in found:
                activities.sign_up(None, act, volunteer=volunteer)
        came = []
        with _at(starts):
            for signup in act.signups.filter(status="signed_up").select_related("volunteer"):
                if self.rng.random() < 0.8:  # the rest do not come: no-shows earn nothing
                    activities.check_in(None, act, volunteer=signup.volunteer)
                    came.append(signup)
        with _at(starts + dt.timedelta(hours=2)):
            for signup in came:
                activities.check_out(None, act, volunteer=signup.volunteer)
        with _at(starts + dt.timedelta(days=1)):
            activities.verify(staff, act, {signup.pk: 120 for signup in came})


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT,
             communities: int = COMMUNITIES) -> dict:
    """Make the demo's volunteering data through the app's services; answer summary counts."""
    now = now or timezone.now()
    demo = _Demo(now)
    chosen = list(Unit.objects.filter(district_code=district_code, kind="community").order_by("code")[:communities])
    with transaction.atomic():
        for index, community in enumerate(chosen):
            demo.community(index, community)
            if progress:
                print(f"volunteering: {community.short_name}", flush=True)  # noqa: T201
        with _at(now):
            orders.tick()
    return {"volunteering_" + key: value for key, value in demo.counts.items()} | {
        "volunteering_records": ServiceRecord.objects.filter(community__district_code=district_code).count(),
        "volunteering_open_orders": ServiceOrder.objects.filter(community__district_code=district_code,
                                                                status__in=["ordered", "accepted", "dispatched",
                                                                            "published"]).count(),
        "volunteering_registered": Volunteer.objects.filter(community__district_code=district_code).count()}
