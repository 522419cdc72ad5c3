"""The demo district's party building (see ``participation.py``), made through the app's services.

Six communities (in code order) with at least four party members in their organisations get, each
step inside ``clock.frozen`` at its own moment over the last 90 days:

- the **kite plan**: three or four members away — one contacted every few weeks, one last contacted
  70 days ago (a red flag), one never (past 90 days), one back home —, and the worker's rounds
  telling the liaison of the silent ones;
- two online **organisation life sessions** of the community's top organisation, with attendance
  (the mobile members online, others present);
- two **courses**: "党章党规学习" (6 h over three sessions, pass mark 60, valid 12 months) — of the
  first sixteen members some complete it by the hours, some by a passed test, some only attend part
  (no credit), some fail the test, the rest have not started — and "主题党日专题" (2 h, valid one
  month, over the first month of the 90 days) whose credits have expired, each told ahead and
  recorded by the worker;
- **vanguard posts** at the first grids with holders, one vacant and one whose holder has left;
- **pledges** fulfilled, not fulfilled, overdue and falling due soon.

The demo's ``volunteer`` login (a party member) is put first among its community's members, so the
login has credits, courses and pledges of its own; ``community_staff`` acts where it works (else the
platform, ``actor=None``) and is the liaison of its community's mobile members.
"""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.partybuilding.models import Credit, MobileMember, Pledge, VanguardPost
from gridgov.partybuilding.services import kite, pledges, posts, training
from gridgov.partybuilding.services.members import tree_for
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import PartyOrg, Unit

from .seed import DISTRICT, SEED

COMMUNITIES = 6
#: How many of a community's members the demo trains (the others are required and not yet trained).
TRAINED = 16
REFUSED = (ValidationError, PermissionDenied, NotFound)
CITIES = [("广东", "深圳", "某物流公司"), ("浙江", "杭州", "某电商企业"), ("上海", "上海", "某建筑公司"),
          ("四川", "成都", "某软件公司")]
PLEDGES = ["每月走访联系10户群众", "带头做好垃圾分类", "参与楼栋矛盾调解", "为独居老人每周送餐一次", "带头参加志愿服务"]


def _at(moment):
    return clock.frozen(moment.astimezone(dt.timezone.utc))


class _Demo:
    def __init__(self, now):
        self.rng = random.Random(SEED + 13)
        self.now = now
        self.today = timezone.localdate(now)
        self.staff = User.objects.filter(username="community_staff").first()
        self.login = User.objects.filter(username="volunteer").select_related("person").first()
        self.counts = {"mobile": 0, "contacts": 0, "life_sessions": 0, "courses": 0, "attendance": 0, "credits": 0,
                       "posts": 0, "pledges": 0, "refused_steps": 0}

    def ago(self, days: int, hour: int = 10):
        return _at(timezone.make_aware(dt.datetime.combine(self.today - dt.timedelta(days=days), dt.time(hour))))

    def step(self, call, *args, **kwargs):
        """One service call; a refusal is counted (the demo test expects none), never raised."""
        try:
            return call(*args, **kwargs)
        except REFUSED:
            self.counts["refused_steps"] += 1
            return None

    def community(self, community) -> bool:
        orgs = list(PartyOrg.objects.filter(subtree_q("unit__code", community.code)).select_related("unit")
                    .order_by("unit__code", "kind", "pk"))
        if not orgs:
            return False
        top = next((o for o in orgs if o.kind == "community_committee"), orgs[0])
        tree = tree_for([community.district_code])
        own = {person: org for person, (org, _role) in tree.own.items() if tree.within(org, top.pk)}
        members = list(Person.objects.filter(pk__in=own).order_by("pk"))
        if len(members) < 4:
            return False
        if self.login is not None and self.login.person in members:
            members.remove(self.login.person)
            members.insert(0, self.login.person)
        staff = self.staff if self.staff and self.staff.role_assignments.filter(unit=community).exists() else None
        org_of = {org.pk: org for org in orgs}
        self.kite(staff, top, members[1:5], {p.pk: org_of[own[p.pk]] for p in members})
        self.training(staff, top, members)
        self.posts(staff, community, members)
        self.pledges(staff, members, {p.pk: org_of[own[p.pk]] for p in members})
        return True

    # -- the kite plan ------------------------------------------------------------------------------
    def kite(self, staff, top, away, home_of):
        mobiles = []
        for index, person in enumerate(away):
            province, city, employer = CITIES[index % len(CITIES)]
            with self.ago(89):
                mobile = self.step(kite.register_mobile, staff, person=person, home_org=home_of[person.pk],
                                   city=city, province=province, employer=employer, liaison=staff,
                                   since=self.today - dt.timedelta(days=self.rng.randint(120, 400)))
            if mobile is not None:
                mobiles.append(mobile)
        self.counts["mobile"] += len(mobiles)
        contacts = {0: [80, 62, 41, 22, 5], 1: [70], 3: [75, 40]}
        for index, mobile in enumerate(mobiles):
            for days in contacts.get(index, []):
                with self.ago(days):
                    self.step(kite.record_contact, staff, mobile, kind=self.rng.choice(["call", "online_study", "dues"]),
                              on=self.today - dt.timedelta(days=days), note="了解近况，线上学习")
                    self.counts["contacts"] += 1
            if index == 3:
                with self.ago(10):
                    self.step(kite.mark_returned, staff, mobile, on=self.today - dt.timedelta(days=10))
        for days, topic in [(60, "线上主题党日：学习党章"), (30, "线上组织生活会")]:
            with self.ago(days, 19):
                session = self.step(kite.create_life_session, staff, org=top, on=self.today - dt.timedelta(days=days),
                                    topic=topic)
                if session is None:
                    continue
                self.counts["life_sessions"] += 1
                for mobile in mobiles[:2]:
                    self.step(kite.record_life_attendance, staff, session, person=mobile.person, mode="online")

    # -- training -----------------------------------------------------------------------------------
    def training(self, staff, top, members):
        start, end = self.today - dt.timedelta(days=90), self.today + dt.timedelta(days=275)
        with self.ago(89):
            main = self.step(training.create_course, staff, org=top, title="党章党规学习", hours="6", pass_mark=60,
                             starts_on=start, ends_on=end, validity_months=12)
            short = self.step(training.create_course, staff, org=top, title="主题党日专题", hours="2",
                              starts_on=start, ends_on=self.today - dt.timedelta(days=60), validity_months=1)
            if main is None or short is None:
                return
            self.counts["courses"] += 2
            sessions = [self.step(training.add_session, staff, main, on=self.today - dt.timedelta(days=days), hours="2",
                                  topic=topic).new_session
                        for days, topic in [(80, "党章总纲"), (50, "党的纪律"), (20, "党员的权利和义务")]]
            special = self.step(training.add_session, staff, short, on=self.today - dt.timedelta(days=85), hours="2",
                                topic="主题党日").new_session
        for index, person in enumerate(members[:TRAINED]):
            pattern = index % 4
            attended = {0: sessions, 1: sessions[:2], 2: sessions[:1]}.get(pattern, [])
            for session in attended:
                with self.ago((self.today - session.on).days, 16):
                    self.attend(staff, main, session, person)
            if pattern == 2 or (pattern == 3 and index % 8 == 3):
                with self.ago(45):
                    self.step(training.record_result, staff, main, person=person, score=85 if pattern == 2 else 52,
                              taken_on=self.today - dt.timedelta(days=45))
            if index % 3 == 0:
                with self.ago(85, 16):
                    self.attend(staff, short, special, person)

    def attend(self, staff, course, session, person):
        if self.step(training.record_attendance, staff, course, session=session, person=person) is not None:
            self.counts["attendance"] += 1

    # -- posts and pledges ----------------------------------------------------------------------------
    def posts(self, staff, community, members):
        grids = list(community.children.order_by("code")[:2])
        titles = ["党员示范岗·便民服务", "党员先锋岗·矛盾调解", "党员示范岗·楼栋巡查", "党员示范岗·文明劝导"]
        with self.ago(88):
            made = [self.step(posts.create_post, staff, unit=grids[i % len(grids)] if grids else community,
                              title=title, place=f"{community.short_name}党群服务中心",
                              duties="代办服务、收集诉求、调解邻里纠纷") for i, title in enumerate(titles)]
            made = [post for post in made if post is not None]
            self.counts["posts"] += len(made)
            for post, person in zip(made[:2], members[1::2], strict=False):
                self.step(posts.assign_holder, staff, post, person=person, held_from=self.today - dt.timedelta(days=88))
        if len(made) >= 3:  # the third's holder has left; the fourth is vacant
            with self.ago(40):
                self.step(posts.assign_holder, staff, made[2], person=members[0],
                          held_from=self.today - dt.timedelta(days=40))
            with self.ago(12):
                self.step(posts.vacate, staff, made[2], on=self.today - dt.timedelta(days=12))

    def pledges(self, staff, members, home_of):
        plan = [(40, True), (20, False), (5, None), (-5, None), (-30, None)]  # days ago due; fulfilled?
        for index, (due_ago, fulfilled) in enumerate(plan):
            person = members[index % len(members)]
            with self.ago(60):
                pledge = self.step(pledges.make_pledge, staff, person=person, org=home_of[person.pk],
                                   text=PLEDGES[index % len(PLEDGES)], due_on=self.today - dt.timedelta(days=due_ago))
            if pledge is None:
                continue
            self.counts["pledges"] += 1
            if fulfilled is not None:
                with self.ago(due_ago - 1 if due_ago > 1 else 0):
                    self.step(pledges.record_fulfilment, staff, pledge, fulfilled=fulfilled,
                              evidence="走访记录、照片" if fulfilled else "", note="" if fulfilled else "因工作调动未完成")


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT,
             communities: int = COMMUNITIES) -> dict:
    """Make the demo's party-building data through the app's services; answer summary counts."""
    demo = _Demo(now or timezone.now())
    done = 0
    with transaction.atomic():
        for community in Unit.objects.filter(district_code=district_code, kind="community").order_by("code"):
            if done == communities:
                break
            if demo.community(community):
                done += 1
                if progress:
                    print(f"partybuilding: {community.short_name}", flush=True)  # noqa: T201
        for days in (60, 30, 0):  # the worker's rounds: warnings ahead, expiries, silences, reminders
            with demo.ago(days, 8):
                training.watch_credits(clock.now())
                kite.watch_contacts(clock.now())
                pledges.watch_pledges(clock.now())
    demo.counts["credits"] = Credit.objects.filter(course__org__unit__district_code=district_code).count()
    summary = {"partybuilding_" + key: value for key, value in demo.counts.items()}
    summary["partybuilding_communities"] = done
    summary["partybuilding_posts_held"] = VanguardPost.objects.filter(unit__district_code=district_code,
                                                                      holder__isnull=False).count()
    summary["partybuilding_away"] = MobileMember.objects.filter(home_org__unit__district_code=district_code,
                                                               status="away").count()
    summary["partybuilding_open_pledges"] = Pledge.objects.filter(org__unit__district_code=district_code,
                                                                  status="open").count()
    return summary
