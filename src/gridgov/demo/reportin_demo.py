"""The demo district's 双报到 (see ``participation.py``): made after volunteering, the shop and the
time bank, through the reportin services inside ``clock.frozen``.

In the communities where the volunteering demo registered volunteers (the main ``community_staff``
login's community first; up to :data:`COMMUNITIES`), each gets a few resident units with pledged
resources and one named liaison each (``ul_<community code>_<n>``; the first unit's liaison is the
login ``unit_liaison``), a list of employers' party organisations (one of them a resident unit), the
party members whose households lie there registered as in-service members (its volunteers, and
others only where the volunteers reach :data:`FLOOR` of the residents, up to :data:`CEILING`, or where
there are no volunteers), and one report per employer organisation for the last complete quarter,
sent (every other one acknowledged). Everything is drawn from a seeded ``random.Random``, so two
loads are identical.
"""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.people.models import Person
from gridgov.reportin.models import EmployerOrg, MemberRegistration, Period, ResidentUnit
from gridgov.reportin.services import members, reports, units
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import PartyMembership, Unit, UnitKind
from gridgov.volunteering.models import Volunteer

from .seed import DISTRICT, GIVEN, SEED, SURNAMES
from .volunteering_demo import password_hash

COMMUNITIES = 8
MEMBERS_PER_COMMUNITY = 10
#: In-service members who are not yet volunteers are registered only where a community's volunteers
#: reach FLOOR of its residents already, and while they stay under CEILING of them (or where it has
#: no volunteers at all).
FLOOR, CEILING = 0.15, 0.22
DAY = dt.timedelta(days=1)

#: (name, kind, pledges: (kind, description, quantity)); ``{c}`` is the community's short name.
UNITS = [
    ("青白江区税务局", "organ", [("venue", "二楼会议室（周末开放）", "1间"), ("services", "办税政策宣讲", "每季度1次")]),
    ("青白江区第{n}小学", "school", [("venue", "操场、篮球场（假期开放）", "2处"), ("skills", "教师四点半课堂辅导", "每周2次")]),
    ("{c}卫生服务中心", "hospital", [("services", "老年人义诊", "每月1次"), ("equipment", "血压计、血糖仪", "10台")]),
    ("四川青白江物流有限公司", "enterprise", [("funds", "民生微实事资金", "2万元"), ("equipment", "货车（搬运帮扶）", "1辆")]),
    ("青白江区社会工作服务中心", "social", [("skills", "心理疏导、个案服务", "每月4次")]),
]
#: The employers of in-service members (employer, party organisation, the organisation's contact).
EMPLOYERS = [
    ("青白江区税务局", "国家税务总局成都市青白江区税务局机关党委", "028-83600000"),
    ("青白江区教育局", "青白江区教育局机关党支部", "qbjjyj_dzb@example.cn"),
    ("青白江区人民医院", "青白江区人民医院党委", "028-83611111"),
    ("成都国际铁路港管委会", "成都国际铁路港管委会机关党委", "tlg_jgdw@example.cn"),
]


def _communities(district_code: str) -> list[Unit]:
    """The communities volunteering made volunteers in (the main staff login's first), else those
    with party members."""
    codes = list(Volunteer.objects.filter(community__district_code=district_code)
                 .values_list("community__code", flat=True).distinct().order_by("community__code"))
    if not codes:
        party = Q(is_party_member=True) | Q(pk__in=PartyMembership.objects.values("person"))
        codes = sorted({prefix(code, "community") for code in Person.objects.filter(
            party, unit__district_code=district_code, household__isnull=False)
            .values_list("household__building__microgrid__code", flat=True)})
    main = RoleAssignment.objects.filter(user__username="community_staff", role=Role.COMMUNITY_STAFF,
                                         unit__district_code=district_code).values_list("unit__code", flat=True).first()
    if main in codes:
        codes.remove(main)
        codes.insert(0, main)
    return sorted(Unit.objects.filter(code__in=codes[:COMMUNITIES], kind=UnitKind.COMMUNITY),
                  key=lambda unit: codes.index(unit.code))


def _staff_of(community: Unit):
    """The community's staff login (None: the platform acts)."""
    assignment = RoleAssignment.objects.filter(role=Role.COMMUNITY_STAFF, unit=community).select_related("user") \
        .order_by("pk").first()
    return assignment.user if assignment else None


def _liaisons(communities, per_community: dict[str, int], rng) -> dict[str, list[User]]:
    """One liaison account per unit, hashed once (they share the published demo password)."""
    password = password_hash()
    wanted = []
    for index, community in enumerate(communities):
        for n in range(per_community[community.code]):
            username = "unit_liaison" if index == 0 and n == 0 else f"ul_{community.code}_{n + 1}"
            wanted.append((username, community))
    existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    made = {}
    for username, community in wanted:
        if username in existing:
            user = User.objects.get(username=username)
        else:
            user = User.objects.create(username=username, password=password,
                                       first_name=rng.choice(SURNAMES) + rng.choice(GIVEN))
            RoleAssignment.objects.create(user=user, role=Role.UNIT_LIAISON, unit=community)
        made.setdefault(community.code, []).append(user)
    return made


def _last_quarter(today: dt.date) -> tuple[int, str]:
    quarter = (today.month - 1) // 3  # the current quarter's index; the last complete one is before it
    return (today.year - 1, Period.Q4) if quarter == 0 else (today.year, [Period.Q1, Period.Q2, Period.Q3][quarter - 1])


def generate(progress: bool = False, *, now=None, district_code: str = DISTRICT) -> dict:
    """Make the demo's 双报到 data through the app's services; answer summary counts."""
    now = now or timezone.now()
    start = now - 89 * DAY
    rng = random.Random(f"{SEED}:reportin")
    communities = _communities(district_code)
    summary = {"reportin_units": 0, "reportin_pledges": 0, "reportin_members": 0, "reportin_reports": 0}
    if not communities:
        return summary
    counts = {c.code: rng.randint(3, len(UNITS)) for c in communities}
    liaisons = _liaisons(communities, counts, rng)
    year, period = _last_quarter(timezone.localtime(now).date())
    _quarter_start, quarter_end = reports.period_days(year, period)
    # sent a week after the quarter (or now, if that is sooner), after the members registered
    sent_at = min(timezone.make_aware(dt.datetime.combine(quarter_end + 7 * DAY, dt.time(10))), now)
    for index, community in enumerate(communities):
        staff = _staff_of(community)
        at = start + rng.randint(0, 5) * DAY + dt.timedelta(hours=9 + rng.randint(0, 7))
        with clock.frozen(at):
            made = []
            for n, (name, kind, pledges) in enumerate(UNITS[:counts[community.code]]):
                name = name.format(c=community.short_name, n=index + 1)
                if ResidentUnit.objects.filter(community=community, name=name).exists():
                    continue
                unit = units.register_unit(staff, community, name=name, kind=kind, address=f"{community.short_name}"
                                           f"{rng.randint(1, 300)}号", year=timezone.localtime(at).year)
                units.appoint_liaison(staff, unit, liaisons[community.code][n])
                for pledge_kind, description, quantity in pledges:
                    units.pledge(liaisons[community.code][n], unit, kind=pledge_kind, description=description,
                                 quantity=quantity)
                    summary["reportin_pledges"] += 1
                made.append(unit)
            summary["reportin_units"] += len(made)
            orgs = []
            for employer, org_name, contact in EMPLOYERS:
                org = EmployerOrg.objects.filter(community=community, name=org_name).first()
                if org is None:
                    linked = next((u for u in made if u.name == employer), None)
                    org = members.add_employer_org(staff, community, employer_name=employer, name=org_name,
                                                   contact=contact, resident_unit=linked)
                orgs.append(org)
        # in-service members: party members whose household lies in the community, over the first
        # weeks — its volunteers first (their service records fill the reports); registering makes a
        # member a volunteer, so others only where the volunteers reach FLOOR of the residents, and
        # while they stay under CEILING (the communities below the volunteering target stay below it)
        people = list(Person.objects.filter(household__building__microgrid__code__startswith=community.code,
                                            unit__district_code=district_code)
                      .filter(Q(is_party_member=True) | Q(pk__in=PartyMembership.objects.values("person")))
                      .order_by("pk"))
        registered = set(Volunteer.objects.filter(person__in=people).values_list("person", flat=True))
        residents = Person.objects.filter(subtree_q("unit__code", community.code)).count()
        volunteers = Volunteer.objects.filter(community=community).count()
        if not volunteers:  # no volunteering here: no registration rate to keep
            room = MEMBERS_PER_COMMUNITY
        else:
            room = max(0, int(CEILING * residents) - volunteers) if volunteers >= FLOOR * residents else 0
        others = [person for person in people if person.pk not in registered]
        rng.shuffle(others)
        people = [person for person in people if person.pk in registered] + others[:room]
        for person in people[:MEMBERS_PER_COMMUNITY]:
            moment = start + rng.randint(1, 20) * DAY + dt.timedelta(hours=9 + rng.randint(0, 8))
            registered_year = timezone.localtime(moment).year
            if MemberRegistration.objects.filter(person=person, year=registered_year).exists():
                continue
            with clock.frozen(moment):
                members.register_member(staff, person, community=community, employer_org=rng.choice(orgs),
                                        year=registered_year)
            summary["reportin_members"] += 1
        # one report per organisation for the last complete quarter; every other one acknowledged
        for n, org in enumerate(orgs):
            if org.reports.filter(year=year, period=period).exists() or not org.registrations.filter(year=year).exists():
                continue
            with clock.frozen(sent_at):
                report = reports.create_report(staff, org, year=year, period=period, with_lines=n % 2 == 0)
                reports.send_report(staff, report)
            summary["reportin_reports"] += 1
            if n % 2 == 0:
                with clock.frozen(min(sent_at + 3 * DAY, now)):
                    reports.acknowledge_report(staff, report, f"{rng.choice(SURNAMES)}书记")
    return summary
