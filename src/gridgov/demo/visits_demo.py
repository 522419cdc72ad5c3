"""The demo district's visits (see ``participation.py``), made through the app's services.

Three communities (in code order) get two visit rules — every household once a quarter by its grid
worker, the elderly living alone every month — and the planning job runs at four moments of the
last 90 days, so past periods have planned visits too. Each planned visit, at its own moment inside
``clock.frozen``: mostly done by its assignee (some findings filed as cases through the case
engine's real filing, some marked as micro-project needs, some with promises later kept, not kept
or still open), a few cancelled, the rest left to fall overdue. Each community has reception hours
on Wednesday mornings and walk-ins (some filed as cases, some with promises). Three demo logins are
leading cadres with contact points — ``district_admin`` (a community), ``district_dispatcher`` (a
community) and ``street_dispatcher`` (a grid and two of its households) — who visit and receive
as such. The watch runs last, recording what is coming due and overdue. Deterministic (seeded)."""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import RoleAssignment
from gridgov.catalogue.models import Category
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.people.models import SpecialGroup
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Household, Unit
from gridgov.visits.models import Promise, Reception, Visit, VisitStatus
from gridgov.visits.services import contacts, planning, promises, receptions, visits

from .seed import DISTRICT, SEED

COMMUNITIES = 3
DAYS = 90
FINDINGS = ["楼道堆放杂物，存在消防隐患", "老人身体状况良好，生活能自理", "反映小区路灯损坏", "家中水管老化漏水",
            "希望增设休息座椅", "邻里噪音纠纷", "独居老人需要定期送餐", "一切正常"]
MATTERS = ["咨询低保申请", "反映楼上漏水", "小区停车难", "加装电梯意见", "噪音扰民", "物业服务不满意"]
PROMISES = ["一周内联系物业处理", "协调街道答复", "下次走访带来政策资料", "两周内修复"]
REFUSED = (ValidationError, PermissionDenied, NotFound)


def _at(moment):
    return clock.frozen(moment)


class _Demo:
    def __init__(self, now: dt.datetime, district_code: str):
        self.now, self.rng = now, random.Random(SEED + 13)
        self.district_code = district_code
        self.admin = User.objects.get(username="district_admin")
        leaves = Category.objects.filter(active=True, children__isnull=True).order_by("code")
        self.categories = list(leaves.filter(handling_level__in=("grid", "community"))[:12]) or list(leaves[:12])
        self.counts = {"rules": 0, "planned": 0, "done": 0, "cancelled": 0, "cases": 0, "needs": 0, "promises": 0,
                       "receptions": 0, "contact_points": 0, "refused_steps": 0}

    def step(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except REFUSED:
            self.counts["refused_steps"] += 1
            return None

    def moment(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))

    def rules(self, communities):
        alone = SpecialGroup.objects.filter(code="elderly-alone").first()
        with _at(self.now - dt.timedelta(days=DAYS + 1)):
            for community in communities:
                planning.save_rule(self.admin, unit=community)
                self.counts["rules"] += 1
                if alone is not None:
                    planning.save_rule(self.admin, unit=community, special_group=alone, period="month")
                    self.counts["rules"] += 1

    def plan(self):
        for days_ago in (DAYS, 60, 30, 0):
            moment = self.now - dt.timedelta(days=days_ago)
            with _at(moment):
                self.counts["planned"] += planning.plan(moment)

    def outcome(self, index: int, visit: Visit):
        """Done (most), cancelled (every eighth) or left alone (every fifth), at a moment inside the
        window."""
        start = max(visit.created_at, timezone.make_aware(dt.datetime.combine(visit.earliest, dt.time(9))))
        end = min(self.now, timezone.make_aware(dt.datetime.combine(visit.latest, dt.time(18))))
        if visit.assignee is None or end <= start:
            return
        if index % 5 == 4:
            return  # not visited yet: overdue once its window closes
        at = self.moment(start, end)
        with _at(at):
            if index % 8 == 7:
                if self.step(visits.cancel, visit.assignee, visit, "户主长期外出"):
                    self.counts["cancelled"] += 1
                return
            visit = self.step(visits.record, visit.assignee, visit, findings=self.rng.choice(FINDINGS))
        if visit is not None:
            self.counts["done"] += 1
            self.after(visit, visit.assignee, at)

    def after(self, visit: Visit, actor, at: dt.datetime):
        """What may follow a visit: a case filed, a need marked, a promise made (and decided)."""
        later = min(at + dt.timedelta(hours=1), self.now)
        with _at(later):
            roll = self.rng.random()
            if roll < 0.15 and self.categories:
                if self.step(visits.file_case, actor, visit, category=self.rng.choice(self.categories),
                             title=visit.findings[:30]):
                    self.counts["cases"] += 1
            elif roll < 0.2:
                if self.step(visits.mark_need, actor, visit, "小区需要增设休息座椅"):
                    self.counts["needs"] += 1
            elif roll < 0.32:
                self.promise(actor, at=later, visit=visit)

    def promise(self, actor, *, at, **source):
        due = timezone.localdate(at) + dt.timedelta(days=self.rng.randint(5, 20))
        made = self.step(promises.make, actor, text=self.rng.choice(PROMISES), due=due, **source)
        if made is None:
            return
        self.counts["promises"] += 1
        decided_at = timezone.make_aware(dt.datetime.combine(due, dt.time(16))) - dt.timedelta(
            days=self.rng.randint(0, 4))
        roll = self.rng.random()
        if decided_at < self.now and roll < 0.85:
            with _at(decided_at):
                self.step(promises.decide, actor, made, kept=roll < 0.7, note="" if roll < 0.7 else "资金未落实，延后办理")

    def receptions(self, community):
        host = self.admin
        with _at(self.now - dt.timedelta(days=DAYS)):
            hours = receptions.save_hours(self.admin, unit=community, weekday=2, starts=dt.time(9), ends=dt.time(11),
                                          place=f"{community.short_name}党群服务中心")
        for week in range(DAYS // 7):
            day = timezone.localdate(self.now) - dt.timedelta(days=DAYS - week * 7)
            at = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=day.weekday() - 2), dt.time(9, 30)))
            if at >= self.now or self.rng.random() < 0.4:
                continue
            with _at(at):
                walk_in = self.step(receptions.receive, host, unit=community, hours=hours,
                                    visitor_name=self.rng.choice("王李张刘陈") + "大爷", matter=self.rng.choice(MATTERS))
                if walk_in is None:
                    continue
                self.counts["receptions"] += 1
                if self.rng.random() < 0.25 and self.categories:
                    if self.step(receptions.file_case, host, walk_in, category=self.rng.choice(self.categories)):
                        self.counts["cases"] += 1
                elif self.rng.random() < 0.4:
                    self.promise(host, at=at, reception=walk_in)

    def cadres(self, communities):
        """Three demo logins as leading cadres, their contact points, visits and receptions."""
        posted = RoleAssignment.objects.filter(user__username="street_dispatcher").select_related("unit").first()
        street = (Unit.objects.filter(subtree_q("code", posted.unit.code), kind="grid").order_by("code").first()
                  if posted else None)
        plans = [("district_admin", "区委书记", communities[0]), ("district_dispatcher", "区长", communities[-1]),
                 ("street_dispatcher", "街道党工委书记", street)]
        with _at(self.now - dt.timedelta(days=DAYS)):
            for username, title, unit in plans:
                cadre = User.objects.filter(username=username).first()
                if cadre is None or unit is None:
                    continue
                contacts.save_contact_point(self.admin, cadre=cadre, title=title, unit=unit)
                self.counts["contact_points"] += 1
                if username == "street_dispatcher":
                    for household in Household.objects.filter(
                            subtree_q("building__microgrid__code", unit.code)).order_by("pk")[:2]:
                        contacts.save_contact_point(self.admin, cadre=cadre, title=title, unit=unit,
                                                    household=household)
                        self.counts["contact_points"] += 1
        for username, _title, unit in plans:
            cadre = User.objects.filter(username=username).first()
            if cadre is None or unit is None:
                continue
            homes = list(Household.objects.filter(subtree_q("building__microgrid__code", unit.code))
                         .select_related("building__microgrid").order_by("pk")[:40])
            for _ in range(self.rng.randint(4, 6)):
                at = self.moment(self.now - dt.timedelta(days=DAYS - 1), self.now - dt.timedelta(hours=2))
                with _at(at):
                    visit = self.step(visits.visit_household, cadre, self.rng.choice(homes),
                                      findings=self.rng.choice(FINDINGS))
                if visit is not None:
                    self.counts["done"] += 1
                    self.after(visit, cadre, at)
            community = Unit.objects.get(code=unit.code[:12])
            for _ in range(2):
                at = self.moment(self.now - dt.timedelta(days=DAYS - 1), self.now - dt.timedelta(hours=2))
                with _at(at):
                    if self.step(receptions.receive, cadre, unit=community, visitor_name="居民代表",
                                 matter=self.rng.choice(MATTERS)):
                        self.counts["receptions"] += 1


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT,
             communities: int = COMMUNITIES) -> dict:
    """Make the demo's visits data through the app's services; answer summary counts."""
    now = now or timezone.now()
    demo = _Demo(now, district_code)
    chosen = list(Unit.objects.filter(district_code=district_code, kind="community").order_by("code")[:communities])
    if not chosen:
        return {}
    with transaction.atomic():
        demo.rules(chosen)
        demo.cadres(chosen)
        demo.plan()
        for index, visit in enumerate(Visit.objects.filter(unit__district_code=district_code, rule__isnull=False)
                      .select_related("assignee", "unit", "household__building").order_by("earliest", "pk")):
            demo.outcome(index, visit)
        for community in chosen:
            demo.receptions(community)
            if progress:
                print(f"visits: {community.short_name}", flush=True)  # noqa: T201
        with _at(now):
            visits.watch(now)
            promises.watch(now)
    return {"visits_" + key: value for key, value in demo.counts.items()} | {
        "visits_overdue_now": Visit.objects.filter(unit__district_code=district_code,
                                                   status=VisitStatus.PLANNED, latest__lt=timezone.localdate(now))
        .count(),
        "visits_promises_open": Promise.objects.filter(unit__district_code=district_code, outcome="open").count(),
        "visits_receptions_total": Reception.objects.filter(unit__district_code=district_code).count()}
