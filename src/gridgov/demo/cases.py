"""The demo district's cases: about 3,000 over the last 90 days, replayed through the real services.

Nothing here writes a case row itself. Every report goes through ``filing.report`` and every step
through ``lifecycle`` / ``whistle`` with the real demo users as actors, inside ``clock.frozen``: the
generator is a small discrete-event simulation. Each case is a *story* (a Python generator) that does
one step at the current clock and yields the moment of its next step; a heap runs the stories in
time order, so all cases move forward together, the clock only ever moves forward, and a step that
would fall after "now" is simply never taken: recent cases stay open in whatever state they had
reached, older ones are mostly closed. The deadline watch (``watch.tick``) then runs once at the real
now so that the traffic lights are current.

Everything is drawn from ``random.Random`` seeded per plan and per story, so the same seed and the
same ``now`` give the same cases, codes and histories.

The routing needs someone to route to in every grid, so :func:`ensure_staff` first adds systematic
staff accounts (not printed at start; the README lists only the main logins): a grid worker per
basic grid (``gw_<grid code>``), a dispatcher per street (``sd_<street code>``), staff per community
(``cs_<community code>``) and per department (``dept_<code>``), all with the demo password. Where a
main login already holds the post (``street_dispatcher`` in 大弯街道, ``community_staff`` in 怡湖社区,
``dept_chengguan``), it is the actor.

Cost: the replay is bound by the services themselves — each transition reads and locks the row
through the actor's scope, saves it, appends a hash-chained timeline entry and resolves who to
notify, about ten queries — so a case's history (six to eight transitions) costs some 60–70 ms of
CPU on a small machine, and 3,000 cases a little over three minutes.
"""
import datetime as dt
import heapq
import io
import math
import random
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image
from shapely.geometry import Point, shape
from shapely.prepared import prep
from tqdm import tqdm

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.roles import LOCAL_DISPATCH_ROLES
from gridgov.assessment.services import tally
from gridgov.cases.models import OPEN_STATUSES, Case, Channel, Rating, Status
from gridgov.cases.services import actors, filing, lifecycle, watch
from gridgov.cases.services import whistle as whistles
from gridgov.catalogue.models import Category
from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.people.models import Person
from gridgov.structure.codes import prefix
from gridgov.structure.models import Compound, Department, Unit, UnitKind
from gridgov.workdays.services import add_working_days, working_time_between

from .seed import DISTRICT, GIVEN, PASSWORD, SEED, SURNAMES

MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)

# -- what is reported, how and where ------------------------------------------------------------
CHANNELS = [(Channel.APP, 27), (Channel.HOTLINE, 24), (Channel.PATROL, 30), (Channel.SENSOR, 6),
            (Channel.LEADER, 3), (Channel.OPEN311, 3), (Channel.OTHER, 7)]
# Share of reports of a channel that come without coordinates (a caller who only names a place).
NO_COORDINATES = {Channel.HOTLINE: 0.2, Channel.OTHER: 0.3, Channel.OPEN311: 0.1, Channel.PATROL: 0.08}
# The matters residents and grid workers report most (on top of the grid matter list's weight).
POPULAR = {"010101": 4, "010201": 3, "0401": 3, "0404": 3, "1002": 3, "0201": 2.5, "050201": 2.5, "1301": 2.5,
           "010103": 2, "1003": 2, "0402": 2, "080101": 2, "1401": 2, "0907": 1.5, "1201": 1.5, "0702": 1.5}
SENSOR_CATEGORIES = {"010103": "智能垃圾桶满溢告警", "050103": "井盖位移传感器告警", "050101": "井盖缺失传感器告警",
                     "0606": "积水监测点告警", "080202": "废气在线监测超标", "080102": "噪声监测点超标",
                     "1001": "消防通道占用视频告警", "0303": "扬尘监测点超标"}
HOUR_WEIGHTS = [0.25, 0.12, 0.08, 0.06, 0.06, 0.15, 0.45, 1.2, 2.3, 3.0, 3.1, 2.7,
                1.7, 1.9, 2.6, 2.9, 2.8, 2.4, 1.9, 1.7, 1.5, 1.1, 0.7, 0.4]
WEEKEND_FACTOR, TREND = 0.6, 0.45  # fewer reports at weekends; ~45% more at the end than the start
HOT_SPOTS, HOT_SHARE = 6, 0.07  # a few grids where one matter keeps coming back
DUPLICATE_SHARE = 0.025

DETAILS = ["已经持续好几天了", "影响居民出行", "请尽快派人处理", "多次反映还没解决", "晚上尤其明显",
           "老人小孩经过很危险", "附近居民意见很大", "早上路过时发现", "希望相关部门管一管", ""]
REJECT = [("duplicate", "与已受理案件重复"), ("out_of_scope", "不属于本平台受理范围，已告知诉求人通过司法途径解决"),
          ("invalid", "现场核实无此情况")]
RETURN_REASONS = ["不属于本部门职责，建议改派", "事项不在本网格范围", "非网格事项清单内事项，需部门处置"]
SUSPEND_REASONS = ["等待法院裁定", "受连续降雨影响暂无法施工", "等待产权单位确认", "需上级部门协调资金"]
EXTENSION_REASONS = ["需协调物业和业主共同处理", "需采购配件", "涉及多个部门需联合处置", "当事人暂时联系不上"]
HANDLE_NOTES = {"grid": ["已现场处理完毕", "已联系物业清理", "已劝导当事人整改", "已协调清运", "已现场调解，双方达成一致"],
                "community": ["社区已协调处理", "已联系产权单位维修", "社区已上门走访解决"],
                "department": ["已派执法队员到场处置", "已安排维修人员修复", "已立案调查并责令整改", "已完成处置并回访"]}
ESCALATE_NOTES = ["超出网格处置能力，需社区协调", "需多部门联合处置，提请上级", "情况复杂，申请上级调度"]
SUPERVISE_NOTES = ["群众反映强烈，请加快办理", "领导批示事项，请按期办结", "请于期限内反馈办理结果"]


#: How fast each demo street works, as a factor on response and handling times, so that the
#: rankings have streets at the top and at the bottom (姚渡镇 slowest, then 福洪镇 and 城厢镇).
STREET_PACES = {"510113002": 0.9, "510113102": 0.8, "510113104": 1.3, "510113106": 2.4, "510113111": 1.7}


def _pace(unit_code: str) -> float:
    return STREET_PACES.get(prefix(unit_code, "street"), 1.0)


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights)[0]


def _lognormal(rng: random.Random, median: dt.timedelta, sigma: float) -> dt.timedelta:
    return median * math.exp(rng.gauss(0, sigma))


def _png(rng: random.Random) -> SimpleUploadedFile:
    """A tiny real PNG (the services check that evidence is an image)."""
    buffer = io.BytesIO()
    Image.new("RGB", (12, 9), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buffer, "PNG")
    return SimpleUploadedFile(f"photo-{rng.randrange(10**6):06d}.png", buffer.getvalue(), content_type="image/png")


# -- staff --------------------------------------------------------------------------------------
def work_phone(rng: random.Random) -> str:
    """A grid post's published work phone: a Chengdu landline (028), as on a grid's notice board."""
    return f"028-8{rng.randint(0, 9999999):07d}"


def ensure_staff(district_code: str = DISTRICT) -> int:
    """Create the systematic staff accounts the routing needs; returns how many were created.

    One PBKDF2 hash serves them all (hashing each would cost most of a minute on a small machine;
    they share the one published demo password anyway)."""
    district = Unit.objects.get(code=district_code)
    # Posts a main login already holds (street_dispatcher, community_staff, dept_chengguan) keep it.
    held = set(RoleAssignment.objects.filter(unit__district_code=district_code).values_list("role", "unit__code"))
    staffed = set(RoleAssignment.objects.filter(role=Role.DEPARTMENT_STAFF, department__district=district)
                  .values_list("department__code", flat=True))
    posts = {UnitKind.GRID: ("gw", Role.GRID_WORKER), UnitKind.STREET: ("sd", Role.STREET_DISPATCHER),
             UnitKind.COMMUNITY: ("cs", Role.COMMUNITY_STAFF)}
    wanted = []  # (username, role, unit, department)
    for unit in Unit.objects.filter(district_code=district_code, kind__in=list(posts)).order_by("code"):
        prefix, role = posts[unit.kind]
        if role == Role.GRID_WORKER or (role, unit.code) not in held:  # every basic grid gets its own worker
            wanted.append((f"{prefix}_{unit.code}", role, unit, None))
    for department in Department.objects.filter(district=district).order_by("code"):
        if department.code not in staffed:
            wanted.append((f"dept_{department.code}", Role.DEPARTMENT_STAFF, district, department))
    existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    wanted = [w for w in wanted if w[0] not in existing]
    if not wanted:
        return 0
    password = make_password(PASSWORD)
    rng = random.Random(f"{SEED}:staff")
    users = User.objects.bulk_create([
        User(username=username, password=password, first_name=_name(rng))
        for username, *_rest in wanted])
    if any(user.pk is None for user in users):  # a backend that does not return ids from bulk inserts
        users = list(User.objects.filter(username__in=[w[0] for w in wanted]).order_by("pk"))
        users.sort(key=lambda user: [w[0] for w in wanted].index(user.username))
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=user, role=role, unit=unit, department=department,
                       work_phone=work_phone(rng) if role == Role.GRID_WORKER else "")
        for user, (_username, role, unit, department) in zip(users, wanted)])
    return len(users)


# -- the world the stories act in ---------------------------------------------------------------
@dataclass
class Plan:
    """One report to make: when, through which channel, what, where and by whom."""

    index: int
    at: dt.datetime
    channel: str
    category: Category
    micro: Unit | None  # where it happened (None: a place without coordinates)
    point: tuple[float, float] | None
    reporter: Person | None = None
    reported_by: User | None = None
    contact_name: str = ""
    contact_phone: str = ""
    external_id: str = ""
    address: str = ""
    title: str = ""
    description: str = ""
    close_now: bool = False
    photos: int = 0
    duplicate_of: int | None = None
    stall: str = ""  # an open state the case stops in, waiting (see _stalls)
    case_id: int | None = None


@dataclass
class World:
    district: Unit
    micros: list  # [(unit, prepared polygon, polygon)]
    micro_weights: list
    grids: dict  # grid code -> Unit
    compounds: dict  # grid id -> [names]
    residents: dict  # micro id -> [Person]
    users: dict  # username -> User
    names: dict  # street and community code -> short name
    workers: dict  # unit code (micro or grid) -> User, mirroring filing.on_duty's first tiers
    dispatchers: dict  # street or community code -> its first dispatcher / staff (a main login first)
    departments: dict  # code -> Department
    department_users: dict  # department code -> User
    categories: list
    by_code: dict
    categories_by_pk: dict
    resident: User
    units: dict  # pk -> Unit (without boundaries), so that the replay reads no unit twice

    def unit(self, pk) -> Unit:
        return self.units[pk]

    def worker_for(self, unit: Unit) -> User | None:
        if unit is None or len(unit.code) < 15:
            return None
        return self.workers.get(unit.code) or self.workers.get(prefix(unit.code, "grid"))

    def dispatcher_for(self, queue: Unit) -> User:
        """Who works a queue: its community's staff, its street's dispatcher, or the district's."""
        return self.dispatchers.get(queue.code) or self.users["district_dispatcher"]

    def street_dispatcher_for(self, unit: Unit) -> User | None:
        return self.dispatchers.get(prefix(unit.code, "street"))


def _world(district_code: str) -> World:
    district = Unit.objects.get(code=district_code)
    micros, weights, grids = [], [], {}
    units = Unit.objects.filter(district_code=district_code, kind__in=[UnitKind.GRID, UnitKind.MICROGRID,
                                                                      UnitKind.COMMUNITY]).order_by("code")
    villages = set()
    streets = Unit.objects.filter(district_code=district_code, kind=UnitKind.STREET)
    names = dict(streets.values_list("code", "short_name"))
    for unit in units:
        if unit.kind == UnitKind.COMMUNITY:
            names[unit.code] = unit.short_name
            if unit.is_village:
                villages.add(unit.code)
        elif unit.kind == UnitKind.GRID:
            grids[unit.code] = unit
        elif unit.boundary:
            polygon = shape(unit.boundary)
            micros.append((unit, prep(polygon), polygon))
            weights.append(1 if prefix(unit.code, "community") in villages else 3)  # urban communities report more
    compounds = defaultdict(list)
    for grid_id, name in Compound.objects.filter(grid__district_code=district_code).values_list("grid", "name"):
        compounds[grid_id].append(name)
    residents = defaultdict(list)
    for person in Person.objects.filter(unit__district_code=district_code, user__isnull=True).only(
            "pk", "name", "unit_id", "user_id").order_by("pk"):
        residents[person.unit_id].append(person)
    # One instance per user for the whole replay: the scope each transition checks is cached on it.
    by_pk = {user.pk: user for user in
             User.objects.filter(role_assignments__unit__district_code=district_code).distinct()}
    users = {user.username: user for user in by_pk.values()}
    workers, dispatchers, department_users = {}, {}, {}
    for assignment in RoleAssignment.objects.filter(unit__district_code=district_code).select_related(
            "unit", "department").order_by("pk"):
        user = by_pk[assignment.user_id]
        if assignment.role == Role.GRID_WORKER:
            workers.setdefault(assignment.unit.code, user)
        elif assignment.role in LOCAL_DISPATCH_ROLES:
            dispatchers.setdefault(assignment.unit.code, user)
        elif assignment.role == Role.DEPARTMENT_STAFF:
            department_users.setdefault(assignment.department.code, user)
    departments = {d.code: d for d in Department.objects.filter(district=district)}
    categories = list(Category.objects.leaves().filter(active=True).order_by("code"))
    resident = users["resident"]
    units = {unit.pk: unit for unit in Unit.objects.filter(district_code=district_code).defer("boundary")}
    return World(units=units, district=district, micros=micros, micro_weights=weights, grids=grids, compounds=compounds,
                 residents=residents, users=users, names=names, workers=workers, dispatchers=dispatchers,
                 departments=departments,
                 department_users=department_users, categories=categories,
                 by_code={c.code: c for c in categories}, categories_by_pk={c.pk: c for c in categories},
                 resident=resident)


# -- the plans: what will be reported ------------------------------------------------------------
def _category_weight(category: Category) -> float:
    weight = (4 if category.on_grid_list else 1) * POPULAR.get(category.code, 1)
    if category.urgency == "critical":
        weight *= 0.15
    return weight


def _report_times(rng: random.Random, count: int, days: int, end: dt.datetime) -> list[dt.datetime]:
    """More in daytime, fewer at weekends, a gentle upward trend over the period."""
    start = end - days * DAY
    first = timezone.localtime(start).date()
    day_list = [first + i * DAY for i in range(days + 1)]
    day_weights = [(1 + TREND * i / days) * (WEEKEND_FACTOR if day.weekday() >= 5 else 1)
                   for i, day in enumerate(day_list)]
    times = []
    while len(times) < count:
        day = rng.choices(day_list, day_weights)[0]
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        moment = dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(seconds=rng.randrange(3600))
        moment = timezone.make_aware(moment)
        if start <= moment <= end - 10 * MINUTE:
            times.append(moment)
    return sorted(times)


def _point(rng: random.Random, prepared, polygon) -> tuple[float, float]:
    minx, miny, maxx, maxy = polygon.bounds
    for _attempt in range(100):
        lng, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(Point(lng, lat)):
            return round(lat, 6), round(lng, 6)
    inside = polygon.representative_point()
    return round(inside.y, 6), round(inside.x, 6)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _plans(world: World, count: int, days: int, seed, end: dt.datetime) -> list[Plan]:
    rng = random.Random(f"{seed}:plans")
    times = _report_times(rng, count, days, end)
    by_code = world.by_code
    weighted = [(c, _category_weight(c)) for c in world.categories]
    grid_list = [(c, w) for c, w in weighted if c.on_grid_list]
    big = [(c, 1) for c in world.categories if not c.on_grid_list and c.urgency != "critical"]
    sensors = [(by_code[code], 1) for code in SENSOR_CATEGORIES if code in by_code]
    micro_index = {unit.pk: i for i, (unit, _p, _g) in enumerate(world.micros)}
    micros_of = defaultdict(list)
    for i, (unit, _p, _g) in enumerate(world.micros):
        micros_of[prefix(unit.code, "grid")].append(i)
    urban = sorted({prefix(unit.code, "grid") for (unit, _p, _g), w in zip(world.micros, world.micro_weights) if w > 1})
    hot_spots = [(grid, rng.choice([c for c, _w in grid_list if c.code in POPULAR]))
                 for grid in rng.sample(urban, min(HOT_SPOTS, len(urban)))]
    resident_person = world.resident.person
    resident_micro = micro_index.get(resident_person.unit_id)
    plans: list[Plan] = []
    app_count = 0
    numbers = Counter()  # external numbers: the hotline's per day, a sensor's per micro-grid and day
    for index, at in enumerate(times):
        channel = _weighted(rng, CHANNELS)
        micro_i = rng.choices(range(len(world.micros)), world.micro_weights)[0]
        if channel == Channel.SENSOR:
            category = _weighted(rng, sensors)
        elif channel == Channel.LEADER:
            category = _weighted(rng, big)
        elif channel == Channel.PATROL:
            category = _weighted(rng, grid_list)
        else:
            category = _weighted(rng, weighted)
        duplicate_of = None
        if channel in (Channel.APP, Channel.HOTLINE, Channel.PATROL, Channel.OPEN311) and rng.random() < HOT_SHARE:
            grid, category = rng.choice(hot_spots)
            micro_i = rng.choice(micros_of[grid])
        elif channel in (Channel.APP, Channel.HOTLINE) and rng.random() < DUPLICATE_SHARE:
            earlier = [p for p in plans[-40:] if p.point and p.channel != Channel.PATROL and p.duplicate_of is None
                       and at - p.at < 12 * HOUR]
            if earlier:
                original = rng.choice(earlier)
                duplicate_of, category, micro_i = original.index, original.category, micro_index[original.micro.pk]
        if channel == Channel.APP:
            app_count += 1
            if resident_micro is not None and app_count % 60 == 7:
                micro_i = resident_micro
        micro, prepared, polygon = world.micros[micro_i]
        point = None if rng.random() < NO_COORDINATES.get(channel, 0) else _point(rng, prepared, polygon)
        if duplicate_of is not None:
            point = _point(rng, prepared, polygon)
        grid = world.grids[prefix(micro.code, "grid")]
        place = rng.choice(world.compounds.get(grid.pk) or [grid.short_name])
        address = f"{world.names[prefix(micro.code, 'street')]}{world.names[prefix(micro.code, 'community')]}{place}"
        plan = Plan(index=index, at=at, channel=channel, category=category, micro=micro, point=point,
                    address=address, duplicate_of=duplicate_of)
        detail = rng.choice(DETAILS)
        plan.description = f"{address}附近{category.plain_name}" + (f"，{detail}。" if detail else "。")
        plan.title = f"{place}{category.plain_name}"
        people = world.residents.get(micro.pk, [])
        if channel == Channel.APP and micro_i == resident_micro and app_count % 60 == 7:
            plan.reporter, plan.reported_by = resident_person, world.resident
        elif channel in (Channel.APP, Channel.OPEN311) and people:
            plan.reporter = rng.choice(people)
            plan.photos = 1 if rng.random() < 0.3 else 0
        elif channel in (Channel.HOTLINE, Channel.OTHER):
            plan.reporter = rng.choice(people) if people and rng.random() < 0.6 else None
            plan.contact_name = plan.reporter.name if plan.reporter else _name(rng)
            plan.contact_phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
            if channel == Channel.HOTLINE:  # the 12345 centre's own order number, unique per day
                day = timezone.localtime(at).date()
                numbers[day] += 1
                plan.external_id = f"12345-{day:%Y%m%d}-{numbers[day]:05d}"
            else:
                plan.title = rng.choice(["来信反映：", "来访反映：", "网络问政：", ""]) + plan.title
        elif channel == Channel.PATROL:
            plan.reported_by = world.worker_for(micro)
            plan.title = f"巡查发现：{place}{category.name}"
            plan.close_now = rng.random() < 0.55
            plan.photos = 1 if plan.close_now or rng.random() < 0.5 else 0
        elif channel == Channel.SENSOR:
            day = timezone.localtime(at).date()  # the sensor platform's alarm number: device, day, sequence
            numbers[micro.code, day] += 1
            plan.external_id = f"IOT-{micro.code[6:]}-{day:%Y%m%d}-{numbers[micro.code, day]:02d}"
            plan.title = f"{SENSOR_CATEGORIES.get(category.code, '感知设备告警')}：{place}"
        elif channel == Channel.LEADER:
            plan.reported_by = world.users["district_dispatcher"]
            plan.title = f"领导交办：{world.names[prefix(micro.code, 'community')]}{category.name}问题"
        plans.append(plan)
    _stalls(plans, seed, end)
    return plans


def _stalls(plans: list[Plan], seed, end: dt.datetime) -> None:
    """Whatever the hour "now" is, a few cases of the last days wait in each open state: in a
    queue not yet accepted or dispatched, not yet acknowledged, being handled, suspended, or handled
    and waiting for verification. (Most open cases are open because their next step lies after now.)"""
    rng = random.Random(f"{seed}:stalls")
    recent = [p for p in plans if end - 3 * DAY <= p.at <= end - 4 * HOUR and p.duplicate_of is None
              and not p.close_now]
    rng.shuffle(recent)
    big_loop = lambda p: p.channel != Channel.PATROL and (p.point is None or not p.category.on_grid_list)  # noqa: E731
    verified = lambda p: p.category.needs_verification  # noqa: E731
    wanted = [("reported", 3, big_loop), ("accepted", 3, big_loop), ("dispatched", 3, None),
              ("acknowledged", 2, None), ("suspended", 2, None), ("handled", 3, verified)]
    for state, count, fits in wanted:
        chosen = [p for p in recent if not p.stall and (fits is None or fits(p))][:count]
        for plan in chosen:
            plan.stall = state
    for plan in _nearly_due(plans, end)[:2]:
        plan.stall = "acknowledged"


def _nearly_due(plans: list[Plan], end: dt.datetime) -> list[Plan]:
    """Reports of the last weeks that "now" finds between 85% and 95% of their resolution limit in
    working time, whatever the weekday: held acknowledged, they show the yellow light."""
    def used(plan):
        return working_time_between(plan.at, end) / dt.timedelta(days=float(plan.category.resolution_limit_days))
    candidates = [p for p in plans if end - 30 * DAY <= p.at <= end - 4 * HOUR and not p.stall
                  and p.duplicate_of is None and not p.close_now]
    return [p for p in candidates if 0.85 <= used(p) <= 0.95]


# -- the replay --------------------------------------------------------------------------------
def _office(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """Offices act between 7:30 and 22:00; a step due at night waits for the next morning."""
    local = timezone.localtime(moment)
    if 7 * 60 + 30 <= local.hour * 60 + local.minute < 22 * 60:
        return moment
    day = local.date() if local.hour < 8 else local.date() + DAY
    return timezone.make_aware(dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=rng.uniform(0, 90)))


class _Replay:
    def __init__(self, world: World, plans: list[Plan], seed, end: dt.datetime, progress: bool):
        self.world, self.plans, self.seed, self.end = world, plans, seed, end
        self.bar = tqdm(total=len(plans), desc="cases", unit="case", disable=not progress, leave=False)
        self.users_by_pk = {user.pk: user for user in world.users.values()}
        self.errors: list[str] = []
        self.steps = 0

    # the event loop ---------------------------------------------------------------------------
    def run(self) -> None:
        heap, order = [], 0
        for plan in self.plans:
            heap.append((plan.at, order, plan.index, self.story(plan)))
            order += 1
        heapq.heapify(heap)
        while heap:
            at, _order, index, story = heapq.heappop(heap)
            clock.set(at.astimezone(dt.timezone.utc))  # the platform's times are UTC, as timezone.now()'s
            try:
                following = next(story)
            except StopIteration:
                continue
            except (ValidationError, PermissionDenied, NotFound) as error:  # a story that went wrong stops there
                line = next((frame for frame in reversed(traceback.extract_tb(error.__traceback__))
                             if frame.filename == __file__), None)
                self.errors.append(f"case {index} ({self.plans[index].channel}, line {line.lineno if line else '?'}: "
                                   f"{line.line if line else ''}): {type(error).__name__}: {error}")
                continue
            self.steps += 1
            following = max(following, at + dt.timedelta(seconds=1))
            if following <= self.end:
                order += 1
                heapq.heappush(heap, (following, order, index, story))
            else:
                story.close()  # the rest of this case's history lies in the future
        self.bar.close()

    def later(self, rng, median: dt.timedelta, sigma: float = 0.9, office: bool = False) -> dt.datetime:
        moment = clock.now() + max(MINUTE, _lognormal(rng, median, sigma))
        return _office(moment, rng) if office else moment

    # a case's story ------------------------------------------------------------------------
    def story(self, plan: Plan):
        rng = random.Random(f"{self.seed}:story:{plan.index}")
        case = self.report(rng, plan)
        plan.case_id = case.pk
        self.bar.update()
        if plan.duplicate_of is not None:
            yield self.later(rng, 40 * MINUTE, office=True)
            master = Case.objects.get(pk=self.plans[plan.duplicate_of].case_id)
            if master.status in OPEN_STATUSES:
                dispatcher = self.world.dispatcher_for(self.world.unit(case.queue_id))
                lifecycle.merge(dispatcher, case, master, note=f"与{master.code}反映的是同一问题，并案办理")
                return
        if case.status == Status.DISPATCHED:  # the small loop: the platform has sent it to the grid worker
            case = yield from self.work(rng, case, plan, self.users_by_pk.get(case.handler_user_id), kind="grid")
        elif case.status == Status.REPORTED:  # the big loop: waiting in a dispatcher's queue
            case = yield from self.from_queue(rng, case, plan)
        if case is not None and case.status == Status.CLOSED:
            yield from self.after_closing(rng, case, plan)

    def report(self, rng, plan: Plan) -> Case:
        lat, lng = plan.point or (None, None)
        return filing.report(
            district=self.world.district, channel=plan.channel, title=plan.title, category=plan.category,
            description=plan.description, lat=lat, lng=lng, address=plan.address, reporter=plan.reporter,
            reported_by=plan.reported_by, contact_name=plan.contact_name, contact_phone=plan.contact_phone,
            external_id=plan.external_id, close_now=plan.close_now, handling_note="巡查发现，当场处置完毕",
            photos=[_png(rng) for _ in range(plan.photos)])

    def from_queue(self, rng, case: Case, plan: Plan, again: bool = False, no_grid: bool = False):
        """A dispatcher accepts (or rejects) the case, may pass it up a level, and dispatches it."""
        queue = self.world.unit(case.queue_id)
        dispatcher = self.world.dispatcher_for(queue)
        if plan.stall == "reported" and case.status == Status.REPORTED:
            return case
        if case.status == Status.REPORTED:
            # The district's queue (cases nobody could locate) is the slowest; now and then a queue
            # has a backlog of a day or two.
            wait = (90 if queue.kind == UnitKind.DISTRICT else 35) * MINUTE * (25 if rng.random() < 0.08 else 1)
            yield self.later(rng, wait, office=True)
            if not again and rng.random() < 0.05:
                reason, note = rng.choice(REJECT)
                return lifecycle.reject(dispatcher, case, reason, note)
            case = lifecycle.accept(dispatcher, case)
        if plan.stall == "accepted":
            return case
        yield self.later(rng, 25 * MINUTE, office=True)
        if not again and queue.kind == UnitKind.STREET and rng.random() < 0.04:
            case = lifecycle.escalate(dispatcher, case, rng.choice(ESCALATE_NOTES))
            yield self.later(rng, 40 * MINUTE, office=True)
        return (yield from self.dispatch(rng, case, plan, again=again, no_grid=no_grid))

    def dispatch(self, rng, case: Case, plan: Plan, again: bool = False, no_grid: bool = False):
        """Send the case to a grid worker, the community's own staff, or a lead department with
        assisting departments; ``no_grid`` after the grid has returned or escalated it."""
        world = self.world
        dispatcher = world.dispatcher_for(world.unit(case.queue_id))
        category = world.categories_by_pk[case.category_id]
        unit, queue = world.unit(case.unit_id), world.unit(case.queue_id)
        in_grid = len(unit.code) >= 15
        if queue.kind == UnitKind.COMMUNITY and category.on_grid_list and in_grid and not no_grid \
                and rng.random() < 0.8:
            if rng.random() < 0.3:
                # To the case's own (micro-)grid: its workers and those of the grid above may take it.
                case = lifecycle.dispatch(dispatcher, case, to_grid=unit)
            else:
                case = lifecycle.dispatch(dispatcher, case, to_user=world.worker_for(unit))
            return (yield from self.work(rng, case, plan, world.worker_for(unit), kind="grid", again=again))
        if queue.kind == UnitKind.COMMUNITY and category.handling_level in ("grid", "community") \
                and rng.random() < 0.7:
            case = lifecycle.dispatch(dispatcher, case, to_user=dispatcher)
            return (yield from self.work(rng, case, plan, dispatcher, kind="community", again=again))
        lead = world.departments[category.lead_department]
        assisting = [world.departments[code] for code in category.assisting_departments
                     if code in world.departments and code != lead.code]
        assisting = assisting[:rng.choice([0, 1, 2])] if rng.random() < 0.55 else []
        wrong = not again and rng.random() < 0.04
        if wrong:  # a wrong dispatch, which the department will return (退单)
            lead = rng.choice([d for code, d in sorted(world.departments.items())
                               if code != category.lead_department and d not in assisting])
        case = lifecycle.dispatch(dispatcher, case, lead=lead, assisting=assisting)
        helpers = [world.department_users[d.code] for d in assisting]
        return (yield from self.work(rng, case, plan, world.department_users[lead.code], kind="department",
                                     helpers=helpers, wrong=wrong, again=again))

    def work(self, rng, case: Case, plan: Plan, handler: User, kind: str, helpers=(), wrong=False, again=False):
        """The handler's side: acknowledge (or return), maybe whistle, escalate, suspend, extend,
        then handle and have it verified."""
        world = self.world
        if plan.stall == "dispatched":
            return case
        whistled = []
        whistle_share = 0.25 if plan.channel == Channel.LEADER else 0.06
        street = world.street_dispatcher_for(world.unit(case.unit_id))
        if kind == "department" and case.level == "street" and street is not None and rng.random() < whistle_share:
            whistled = yield from self.whistle(rng, case)
        pace = _pace(world.unit(case.unit_id).code)
        response = (25 if kind == "grid" else 50) * MINUTE * pace * (10 if kind != "grid" and rng.random() < 0.08
                                                                    else 1)
        yield self.later(rng, response, 1.0, office=kind != "grid")
        if wrong or (not again and rng.random() < 0.025):
            case = lifecycle.return_case(handler, case, RETURN_REASONS[0 if kind == "department" else
                                                                       rng.choice([1, 2])])
            yield self.later(rng, 30 * MINUTE, office=True)
            return (yield from self.dispatch(rng, case, plan, again=True, no_grid=kind == "grid"))
        case = lifecycle.acknowledge(handler, case)
        if plan.stall == "acknowledged":
            return case
        if plan.stall == "suspended":
            yield self.later(rng, 2 * HOUR, office=True)
            return lifecycle.suspend(world.dispatcher_for(world.unit(case.queue_id)), case, rng.choice(SUSPEND_REASONS))
        for helper in helpers:
            yield self.later(rng, 40 * MINUTE, office=True)
            case = lifecycle.acknowledge(helper, case)
        dispatcher = world.dispatcher_for(world.unit(case.queue_id))
        if plan.channel == Channel.LEADER and rng.random() < 0.6 or rng.random() < 0.04:
            yield self.later(rng, 3 * HOUR, office=True)
            upper = world.street_dispatcher_for(world.unit(case.unit_id)) if rng.random() < 0.5 else None
            case = lifecycle.supervise(upper or world.users["district_dispatcher"], case, rng.choice(SUPERVISE_NOTES))
        if not again and kind in ("grid", "department") and case.level != "district" and rng.random() < 0.03:
            yield self.later(rng, 2 * HOUR, office=True)
            case = lifecycle.escalate(handler, case, rng.choice(ESCALATE_NOTES))
            return (yield from self.from_queue(rng, case, plan, again=True, no_grid=True))
        recent = self.end - case.reported_at < 7 * DAY
        if rng.random() < (0.08 if recent else 0.02):
            yield self.later(rng, 4 * HOUR, office=True)
            case = lifecycle.suspend(dispatcher, case, rng.choice(SUSPEND_REASONS))
            yield self.later(rng, 3 * DAY, 0.6, office=True)
            case = lifecycle.resume(dispatcher, case, "条件具备，恢复办理")
        # When the work will take: a share of the limit (in working days), now and then far beyond it.
        share = math.exp(rng.gauss(math.log(0.35 * pace), 0.65)) * (4 if rng.random() < 0.03 else 1)
        limit = float(world.categories_by_pk[case.category_id].resolution_limit_days) + case.extension_days
        start = case.reported_at if not again else clock.now()
        if share > 0.8 and rng.random() < 0.4:
            yield self.later(rng, 5 * HOUR, office=True)
            days = rng.choice([1, 2, 3, 5])
            case = lifecycle.request_extension(handler, case, days, rng.choice(EXTENSION_REASONS))
            yield self.later(rng, 2 * HOUR, office=True)
            granted = rng.random() < 0.7
            case = lifecycle.decide_extension(dispatcher, case, granted, "同意延期" if granted else "不同意延期，请按期办结")
            if granted:
                limit += days
        done = max(add_working_days(start, share * limit), clock.now() + 20 * MINUTE)
        for helper in helpers:
            yield self.later(rng, 8 * HOUR, office=True)
            case = lifecycle.handle(helper, case, "已配合完成相关工作")
        yield _office(max(done, clock.now() + MINUTE), rng) if kind != "grid" else max(done, clock.now() + MINUTE)
        photos = [_png(rng)] if kind == "grid" and rng.random() < 0.5 else []
        case = lifecycle.handle(handler, case, rng.choice(HANDLE_NOTES[kind]), photos=photos)
        if case.status == Status.HANDLED:
            case = yield from self.verify(rng, case, plan)
        if whistled and case.status == Status.CLOSED:
            yield self.later(rng, 1 * DAY, 0.5, office=True)
            rater = world.street_dispatcher_for(world.unit(case.unit_id))
            for department, outcome in whistled:
                score = {"on_time": rng.choice([4, 5, 5]), "late": 3, "missed": rng.choice([1, 2])}[outcome]
                case = whistles.rate_department(rater, case, department, score)
        return case

    def verify(self, rng, case: Case, plan: Plan):
        if plan.stall == "handled":
            return case
        verifier = self._verifier(case)
        yield self.later(rng, 3 * HOUR, 0.8, office=True)
        if rng.random() < 0.04:
            case = lifecycle.verify(verifier, case, False, "现场核查问题仍未解决，请返工")
            handler = self.users_by_pk.get(case.handler_user_id) or self._lead_user(case)
            yield self.later(rng, 1 * DAY, 0.6, office=True)
            case = lifecycle.handle(handler, case, "已返工处理")
            yield self.later(rng, 3 * HOUR, 0.8, office=True)
        return lifecycle.verify(verifier, case, True, "现场核查，问题已解决" if verifier else "电话回访核实，问题已解决")

    def _verifier(self, case: Case) -> User | None:
        """The grid's worker, or its community's staff when the worker handled the case themselves
        (nobody verifies their own handling); None (the platform) for a case never located: the
        hotline checks it by phone."""
        unit = self.world.unit(case.unit_id)
        verifier = self.world.worker_for(unit)
        if verifier is not None and verifier.pk == actors.handled_by_user_id(case):
            verifier = self.world.dispatchers.get(prefix(unit.code, "community"))
        return verifier

    def _lead_user(self, case: Case) -> User:
        lead = case.assignments.filter(lead=True).exclude(status__in=["returned", "cancelled"]).select_related(
            "department").first()
        return self.world.department_users[lead.department.code]

    def whistle(self, rng, case: Case):
        """吹哨: the street calls the departments; each reports in on time, late, or not at all."""
        world = self.world
        caller = world.street_dispatcher_for(world.unit(case.unit_id))
        called = [a.department for a in case.assignments.filter(status="dispatched").select_related("department")]
        extra = rng.choice(sorted(set(world.departments) - {d.code for d in called}))
        called.append(world.departments[extra])
        case = whistles.whistle(caller, case, called, note="多部门联合处置，请各部门到场报到")
        due = clock.now() + dt.timedelta(minutes=case.whistles.first().limit_minutes)
        outcomes = [(d, _weighted(rng, [("on_time", 65), ("late", 22), ("missed", 13)])) for d in called]
        start = clock.now()
        on_time = sorted((min(due - MINUTE, start + _lognormal(rng, 12 * MINUTE, 0.5)), d.code)
                         for d, outcome in outcomes if outcome == "on_time")
        late = sorted((due + MINUTE + _lognormal(rng, 25 * MINUTE, 0.5), d.code)
                      for d, outcome in outcomes if outcome == "late")
        for moment, code in on_time:
            yield moment
            whistles.report_in(world.department_users[code], case)
        yield due + MINUTE  # the worker's round flags the calls not answered in time
        whistles.flag_missed()
        for moment, code in late:
            yield moment
            whistles.report_in(world.department_users[code], case)
        return outcomes

    def after_closing(self, rng, case: Case, plan: Plan, again: bool = False):
        """回访: the reporter rates the case; a first 不满意 reopens it and it is done again."""
        if plan.channel in (Channel.PATROL, Channel.SENSOR, Channel.LEADER) or rng.random() < 0.12:
            return
        if plan.reporter is None and not plan.contact_name:
            return
        yield self.later(rng, 20 * HOUR, 0.8, office=True)
        rater = self.world.resident if plan.reported_by == self.world.resident else None  # else the hotline's callback
        if again:
            rating = _weighted(rng, [(Rating.SATISFIED, 55), (Rating.BASICALLY, 35), (Rating.UNSATISFIED, 10)])
        else:
            rating = _weighted(rng, [(Rating.SATISFIED, 77), (Rating.BASICALLY, 16), (Rating.UNSATISFIED, 7)])
        case = lifecycle.rate(rater, case, rating, "" if rating != Rating.UNSATISFIED else "问题没有真正解决")
        if case.status == Status.ACCEPTED:  # reopened (重办)
            yield self.later(rng, 1 * HOUR, office=True)
            case = yield from self.dispatch(rng, case, plan, again=True)
            if case.status == Status.CLOSED:
                yield from self.after_closing(rng, case, plan, again=True)


def _summary(case_ids, started: float, staff: int, errors: list[str], tick, steps: int = 0) -> dict:
    cases = Case.objects.filter(pk__in=case_ids)
    count = lambda column, rows=cases: dict(Counter(rows.values_list(column, flat=True)))  # noqa: E731
    return {
        "cases": cases.count(),
        "by_status": count("status"),
        "by_channel": count("channel"),
        "open_by_light": count("light", cases.filter(status__in=OPEN_STATUSES)),
        "staff_accounts": staff,
        "steps": steps,
        "skipped_steps": len(errors),
        "errors": errors[:10],
        "tick": str(tick) if tick else "",
        "seconds": round(time.monotonic() - started, 1),
    }


def generate_cases(count: int = 3000, days: int = 90, seed=SEED, progress: bool = False,
                   now: dt.datetime | None = None, district_code: str = DISTRICT) -> dict:
    """Replay ``count`` cases over the ``days`` before ``now`` (the real now by default) through the
    real services, then run the deadline watch once; returns counts for a summary line.

    ``count=0`` only creates the staff accounts the routing needs (the benchmark's setting)."""
    started = time.monotonic()
    end = now or timezone.now()
    with transaction.atomic():
        staff = ensure_staff(district_code)
        if count <= 0:
            return _summary([], started, staff, [], None)
        world = _world(district_code)
        plans = _plans(world, count, days, seed, end)
        replay = _Replay(world, plans, seed, end, progress)
        # Roles do not change during the replay: each user's are read once (the scope keeps them on
        # the user objects of ``world``, which every step reuses).
        # The assessment tallies are rebuilt once at the end rather than updated per transition.
        with tally.deferred(district_code):
            with clock.frozen(plans[0].at.astimezone(dt.timezone.utc)):
                replay.run()
            if now is None:
                report = watch.tick()
            else:
                with clock.frozen(now.astimezone(dt.timezone.utc)):
                    report = watch.tick()
    return _summary([p.case_id for p in plans if p.case_id], started, staff, replay.errors, report, replay.steps)
