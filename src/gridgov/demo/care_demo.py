"""The demo district's care (see ``participation.py``), made through the app's services.

The people of special groups (elderly living alone, empty nesters, the disabled…) in the first
three communities get a care plan, made by their community's staff between 30 and 60 days ago:
daily, every two days or weekly, by phone, visit or a smart device, with a neighbour as buddy, the
grid's worker responsible and a guardian. Then the days are replayed in order inside
``clock.frozen``: the worker job each night (scheduling, recording the missed, climbing the
ladder), each check-in recorded in its window by the grid worker, the buddy or a device — most
"well", some "needs help" or "could not reach", some missed (by the check-in's number) — and most
alerts resolved some hours later; the last two days' alerts stay open at whatever step they reached
(every other plan misses its latest check-in, so the board has some). The demo's
``grid_worker`` login is responsible for the people of its micro-grid (one is tagged as living
alone when none is), so its phone page has work. Deterministic (a fixed seed)."""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import FIELD_ROLES
from gridgov.care.models import CarePlan, CheckIn, CheckInStatus, Escalation, EscalationStatus, Method
from gridgov.care.services import checkins, devices, escalations, plans, watch
from gridgov.core import clock
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import Unit

from .seed import DISTRICT, SEED

COMMUNITIES = 3
GROUPS = ("elderly-alone", "empty-nest", "disabled", "serious-illness", "left-behind-child")
#: A check-in's fate by its number in the plan: about one in ten missed, one in thirteen needing help,
#: one in seventeen not reached, the rest well — so even a small world shows every state.
FATES = ((10, 3, "missed"), (13, 5, "needs_help"), (17, 7, "unreachable"))
RELATIONS = ("儿子", "女儿", "侄子", "外甥女")


def _fate(seq: int) -> str:
    return next((fate for every, at, fate in FATES if seq % every == at), "well")


def _at(moment):
    return clock.frozen(moment.astimezone(dt.timezone.utc))


class _Care:
    def __init__(self, now: dt.datetime, district_code: str):
        self.rng = random.Random(f"{SEED}:care")
        self.now = now
        self.district_code = district_code
        self.fields = list(RoleAssignment.objects.filter(unit__district_code=district_code, role__in=FIELD_ROLES,
                                                         user__is_active=True)
                           .select_related("user", "unit").order_by("unit__code", "user__username"))
        self.counts = {"plans": 0}

    def worker_over(self, person) -> User | None:
        """The grid's worker over the person's home: the demo login when it is one, else the first."""
        over = [a.user for a in self.fields if person.unit.code.startswith(a.unit.code)]
        named = [user for user in over if user.username == "grid_worker"]
        return (named or over or [None])[0]

    def staff_of(self, person) -> User | None:
        community = prefix(person.unit.code, "community")
        assignment = (RoleAssignment.objects.filter(unit__code=community, role="community_staff")
                      .select_related("user").order_by("pk").first())
        return assignment.user if assignment else None

    def people(self, communities) -> list[Person]:
        q = subtree_q("unit__code", communities[0].code)
        for community in communities[1:]:
            q |= subtree_q("unit__code", community.code)
        return list(Person.objects.filter(q, special_groups__code__in=GROUPS).distinct().select_related("unit")
                    .order_by("unit__code", "pk"))

    def plan_for(self, person) -> CarePlan | None:
        worker, staff = self.worker_over(person), self.staff_of(person)
        grid = prefix(person.unit.code, "grid") or person.unit.code
        buddy = (Person.objects.filter(subtree_q("unit__code", grid)).exclude(pk=person.pk)
                 .exclude(special_groups__isnull=False).order_by("pk").first())
        group = person.special_groups.filter(code__in=GROUPS).order_by("code").first()
        if worker is None or buddy is None or group is None:
            return None
        start = self.now - dt.timedelta(days=self.rng.randint(30, 60), hours=self.rng.randint(0, 6))
        every, method = self.rng.choice([(1, Method.PHONE), (1, Method.DEVICE), (2, Method.PHONE), (3, Method.VISIT),
                                         (7, Method.VISIT)])
        surname = person.name[0]
        with _at(start):
            plan = plans.create_plan(staff, person=person, group=group, starts_on=timezone.localdate(start),
                                     every_days=every, window_start=dt.time(self.rng.choice([8, 9])),
                                     window_hours=self.rng.choice([10, 12]), method=method, buddy=buddy,
                                     grid_worker=worker,
                                     guardians=[(f"{surname}{self.rng.choice('明华军芳丽')}", self.rng.choice(RELATIONS),
                                                 f"139{self.rng.randint(0, 99999999):08d}")])
            if method == Method.DEVICE:
                plan.device, _key = devices.register_device(staff, plan, kind="wristband", label="手环")
            else:
                plan.device = None
        self.counts["plans"] += 1
        return plan

    def day(self, plan_list, day: dt.date):
        """One day: the night's worker round, then each check-in of the day by its fate."""
        night = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 30)))
        watch.tick(night)
        rows = CheckIn.objects.filter(plan__in=plan_list, status=CheckInStatus.SCHEDULED, earliest__gte=night,
                                      earliest__lt=night + dt.timedelta(days=1)).select_related("plan")
        for check_in in rows:
            fate = _fate(check_in.seq)
            latest = check_in.latest > self.now - dt.timedelta(days=check_in.plan.every_days)
            if latest and self.plans.index(check_in.plan) % 2 == 0:
                fate = "missed"  # every other plan's last check-in before now: alerts open on the board
            if fate == "missed":
                continue
            span = (check_in.latest - check_in.earliest).total_seconds()
            moment = check_in.earliest + dt.timedelta(seconds=self.rng.uniform(0.05, 0.9) * span)
            if moment >= self.now:
                continue
            with _at(moment):
                self.record(check_in, fate, moment)

    def record(self, check_in, fate, moment):
        plan = next(p for p in self.plans if p.pk == check_in.plan_id)
        if plan.method == Method.DEVICE and plan.device is not None:
            values = {"heart_rate": self.rng.randint(60, 95) if fate != "needs_help" else 132}
            if fate != "unreachable":
                devices.post_reading(plan.device, kind="heart_rate", values=values, measured_at=moment)
                return
        actor = plan.grid_worker if self.rng.random() < 0.6 else (User.objects.filter(person=plan.buddy_id).first()
                                                                  or plan.grid_worker)
        note = {"well": "", "needs_help": self.rng.choice(["需要买药", "水管漏水", "腿疼行动不便"]),
                "unreachable": "电话无人接听"}[fate]
        checkins.record(actor, check_in, result=fate, note=note)

    def resolve_due(self, until: dt.datetime):
        """Resolve the alerts whose (seeded) resolution time has come, climbing each first to then;
        alerts opened in the last two days are left open."""
        for escalation in Escalation.objects.filter(status=EscalationStatus.OPEN, opened_at__lt=until) \
                .select_related("plan").order_by("opened_at", "pk"):
            rng = random.Random(f"{SEED}:care:{escalation.pk}")
            moment = escalation.opened_at + dt.timedelta(minutes=rng.randint(20, 14 * 60))
            if moment >= until or moment >= self.now - dt.timedelta(days=2):
                continue
            escalations.climb(escalation, moment)
            outcome = rng.choice(["well", "well", "away", "needs_help", "hospital"])
            with _at(moment):
                escalations.resolve(escalation.plan.grid_worker, escalation, outcome=outcome,
                                    need="每周上门送菜" if outcome == "needs_help" else "",
                                    note=rng.choice(["已联系上，老人平安", "老人在邻居家", "已送医"]))


def _tag_the_logins_neighbours(district_code):
    """The demo's grid worker gets someone to look after: a person of their micro-grid without a
    login is tagged as living alone when nobody there is in a special group."""
    held = RoleAssignment.objects.filter(user__username="grid_worker", unit__district_code=district_code).first()
    if held is None:
        return
    home = Person.objects.filter(subtree_q("unit__code", held.unit.code))
    if not home.filter(special_groups__code__in=GROUPS).exists():
        person = home.filter(user__isnull=True).order_by("pk").first()
        if person is not None:
            person.special_groups.add(SpecialGroup.objects.get(code="elderly-alone"))


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT,
             communities: int = COMMUNITIES) -> dict:
    """Make the demo's care data through the app's services; answer summary counts."""
    now = now or timezone.now()
    care = _Care(now, district_code)
    chosen = list(Unit.objects.filter(district_code=district_code, kind="community").order_by("code")[:communities])
    if not chosen:
        return {}
    with transaction.atomic():
        _tag_the_logins_neighbours(district_code)
        care.plans = [plan for plan in map(care.plan_for, care.people(chosen)) if plan is not None]
        if care.plans:
            day = min(timezone.localdate(p.created_at) for p in care.plans)
            while day <= timezone.localdate(now):
                care.day(care.plans, day)
                care.resolve_due(timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30))))
                if progress and day.day == 1:
                    print(f"care: {day}", flush=True)  # noqa: T201
                day += dt.timedelta(days=1)
            watch.tick(now)
    return {
        "care_plans": care.counts["plans"],
        "care_check_ins": CheckIn.objects.filter(plan__in=care.plans).exclude(status=CheckInStatus.CANCELLED).count(),
        "care_missed": CheckIn.objects.filter(plan__in=care.plans, status=CheckInStatus.MISSED).count(),
        "care_escalations": Escalation.objects.filter(plan__in=care.plans).count(),
        "care_open_escalations": Escalation.objects.filter(plan__in=care.plans, status=EscalationStatus.OPEN).count(),
    }
