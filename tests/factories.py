"""A small district built directly in the database, for tests that need structure, people and roles.

Layout (codes follow the real rules: 6/9/12/15/18 digits):
district 510113 → streets A (510113002) and B (510113003) → two communities each (…001, …002;
the second of street B is a village) → two grids each (…001, …002) → two micro-grids each.
Every grid has one compound, every micro-grid one building with one household and one person.
"""
import datetime as dt
from types import SimpleNamespace

from django.contrib.auth.models import Permission, User

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.people.idnumber import make_id_number
from gridgov.people.models import Person
from gridgov.structure.models import Building, Compound, Department, Household, PartyOrg, Unit

PASSWORD = "test-pass-123"


def _unit(code, kind, name, parent, **extra):
    short = name.replace("居民委员会", "").replace("村民委员会", "")
    return Unit.objects.create(code=code, kind=kind, name=name, short_name=short, parent=parent, **extra)


def _square(lng, lat, size):
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def build_district(code="510113"):
    units = {}
    district = units["district"] = _unit(code, "district", "青白江区", None, boundary=_square(104.0, 30.0, 1.0))
    persons = []
    sequence = 0
    for s, street_label in enumerate("AB"):
        street = units[street_label] = _unit(f"{code}00{s + 2}", "street", f"测试街道{street_label}", district,
                                             boundary=_square(104.0 + s * 0.5, 30.0, 0.5))
        for c in range(2):
            label = f"{street_label}{c + 1}"
            village = street_label == "B" and c == 1
            name = f"测试{label}{'村村民委员会' if village else '社区居民委员会'}"
            community = units[label] = _unit(f"{street.code}00{c + 1}", "community", name, street, is_village=village,
                                             boundary=_square(104.0 + s * 0.5, 30.0 + c * 0.25, 0.25))
            for g in range(2):
                grid_label = f"{label}-{g + 1}"
                grid = units[grid_label] = _unit(f"{community.code}00{g + 1}", "grid", f"{community.short_name}第{g + 1}网格",
                                                 community, boundary=_square(104.0 + s * 0.5 + g * 0.125, 30.0 + c * 0.25, 0.125))
                compound = Compound.objects.create(name=f"{grid.short_name}小区", community=community, grid=grid)
                units[f"compound {grid_label}"] = compound
                for m in range(2):
                    micro = units[f"{grid_label}-{m + 1}"] = _unit(f"{grid.code}00{m + 1}", "microgrid",
                                                                  f"{grid.short_name}{m + 1}号楼栋网格", grid)
                    building = Building.objects.create(compound=compound, microgrid=micro, name=f"{m + 1}栋")
                    household = Household.objects.create(building=building, entrance=1, room="101")
                    sequence += 1
                    persons.append(Person.objects.create(
                        name=f"居民{sequence:02d}", gender="M" if sequence % 2 else "F", birth_date=dt.date(1960, 1, sequence),
                        id_number=make_id_number(code, dt.date(1960, 1, sequence), sequence * 2 + 1),
                        phone=f"1380000{sequence:04d}", unit=micro, household=household))
    chengguan = Department.objects.create(district=district, code="chengguan", name="区综合行政执法局", short_name="城管")
    PartyOrg.objects.create(kind="branch", name="A1-1网格党支部", unit=units["A1-1"]).compounds.add(units["compound A1-1"])

    users = {}

    def account(username, role, unit, department=None, person=None):
        user = User.objects.create_user(username, password=PASSWORD)
        RoleAssignment.objects.create(user=user, role=role, unit=unit, department=department)
        if person is not None:
            person.user = user
            person.save()
        users[username] = user
        return user

    admin = account("district_admin", Role.DISTRICT_ADMIN, district)
    admin.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    account("district_dispatcher", Role.DISTRICT_DISPATCHER, district)
    account("street_dispatcher", Role.STREET_DISPATCHER, units["A"])
    staff = account("community_staff", Role.COMMUNITY_STAFF, units["A1"])
    staff.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    account("grid_worker", Role.GRID_WORKER, units["A1-1"])
    account("grid_worker2", Role.GRID_WORKER, units["A1-2"])
    account("dept_chengguan", Role.DEPARTMENT_STAFF, district, department=chengguan)
    account("resident", Role.RESIDENT, units["A1-1"], person=persons[0])
    return SimpleNamespace(units=units, users=users, persons=persons, departments={"chengguan": chengguan})
