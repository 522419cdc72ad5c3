"""Every user sees only their scope: a grid worker their grid, a community its grids, a street its
communities, a district everything in it, a department its district's structure but no people, a
resident their own grid's structure and only themselves. Superusers see everything.

The expected sets are worked out here in Python, from unit codes by prefix, independently of the
range queries :mod:`gridgov.accounts.scope` builds; then ``visible()`` and every API endpoint that
takes an object must agree with them (outside the scope: 404, exactly like something missing).
"""
import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.accounts import roles
from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.accounts.scope import may, roles_over, scope_for, visible
from gridgov.cases.models import Case
from gridgov.cases.services import actors
from gridgov.catalogue.models import Category
from gridgov.people.models import Person, RevealLog
from gridgov.structure.models import Building, Compound, Department, Household, PartyMembership, PartyOrg, Unit

SELF = "self"

# Each factory user: the unit label (tests/factories.py) whose subtree is their structure scope,
# and the label of their people scope (None: no people, SELF: only their own records).
ROLE_SCOPES = {
    "district_admin": ("district", "district"),
    "district_dispatcher": ("district", "district"),
    "street_dispatcher": ("A", "A"),
    "community_staff": ("A1", "A1"),
    "grid_worker": ("A1-1", "A1-1"),
    "grid_worker2": ("A1-2", "A1-2"),
    "dept_chengguan": ("district", None),
    "resident": ("A1-1", SELF),
}
USERS = [*ROLE_SCOPES, "superuser", "no_role"]

# How each scoped model reaches the unit code that places it.
UNIT_CODE = {
    Unit: lambda unit: unit.code,
    Compound: lambda compound: compound.grid.code,
    Building: lambda building: building.microgrid.code,
    Household: lambda household: household.building.microgrid.code,
    PartyOrg: lambda org: org.unit.code,
    Department: lambda department: department.district.code,
    Person: lambda person: person.unit.code,
    PartyMembership: lambda membership: membership.org.unit.code,
    RevealLog: lambda log: log.person.unit.code,
}
PERSONAL = {Person, PartyMembership, RevealLog}
# The personal records a resident sees because they are about themselves (not the reveal log).
OWNER = {Person: lambda person: person, PartyMembership: lambda membership: membership.person}


@pytest.fixture
def full_district(district):
    """The factory district plus what it lacks for these tests: a second district with one of
    everything (none of which anybody in the first may see), party memberships, reveal log
    entries, a superuser and an account without any role."""
    units, persons = district.units, district.persons
    other, parent = {}, None
    for kind, code in [("district", "510114"), ("street", "510114001"), ("community", "510114001001"),
                       ("grid", "510114001001001"), ("microgrid", "510114001001001001")]:
        parent = other[kind] = Unit.objects.create(code=code, kind=kind, name=f"外区{code}", short_name=f"外区{code}",
                                                   parent=parent)
    compound = Compound.objects.create(name="外区小区", community=other["community"], grid=other["grid"])
    building = Building.objects.create(compound=compound, microgrid=other["microgrid"], name="1栋")
    household = Household.objects.create(building=building, room="101")
    Department.objects.create(district=other["district"], code="gongan", name="公安分局", short_name="公安")
    outsider = Person.objects.create(name="外区居民", gender="F", unit=other["microgrid"], household=household)

    def members(unit, kind, *people):
        org = PartyOrg.objects.create(kind=kind, name=f"{unit.short_name}党组织", unit=unit)
        for person in people:
            PartyMembership.objects.create(org=org, person=person)

    b1_person = next(p for p in persons if p.unit.code.startswith(units["B1"].code))
    members(units["A1-1"], "group", persons[0], persons[1])
    members(units["B1"], "community_committee", b1_person)
    members(other["street"], "street_working_committee", outsider)
    # A district-level organisation with the resident in it: outside the resident's structure,
    # yet their own membership is theirs to see.
    members(units["district"], "industry_committee", persons[0], b1_person)

    admin = district.users["district_admin"]
    for person in (persons[0], persons[3], b1_person, outsider):
        RevealLog.objects.create(user=admin, person=person, field="phone", reason="核实")

    district.users["superuser"] = User.objects.create_superuser("superuser", password="x")
    district.users["no_role"] = User.objects.create_user("no_role", password="x")
    return district


def expected(data, username, model) -> set:
    """The primary keys ``username`` should see, worked out from unit codes by prefix."""
    everything = list(model.objects.all())
    if username == "superuser":
        return {obj.pk for obj in everything}
    if username not in ROLE_SCOPES:
        return set()
    structure_label, people_label = ROLE_SCOPES[username]
    structure = data.units[structure_label].code
    code = UNIT_CODE[model]
    if model is Department:
        return {obj.pk for obj in everything if code(obj) == structure[:6]}
    if model not in PERSONAL:
        return {obj.pk for obj in everything if code(obj).startswith(structure)}
    if people_label == SELF:
        me = data.users[username].person
        return {obj.pk for obj in everything if model in OWNER and OWNER[model](obj) == me}
    if people_label is None:
        return set()
    return {obj.pk for obj in everything if code(obj).startswith(data.units[people_label].code)}


@pytest.mark.parametrize("model", list(UNIT_CODE), ids=lambda model: model.__name__)
@pytest.mark.parametrize("username", USERS)
def test_visible_returns_exactly_the_scope(full_district, username, model):
    seen = set(visible(full_district.users[username], model.objects.all()).values_list("pk", flat=True))
    assert seen == expected(full_district, username, model)


@pytest.mark.parametrize("model", list(UNIT_CODE), ids=lambda model: model.__name__)
def test_the_data_tells_scopes_apart(full_district, model):
    """Guard against a vacuous pass: for every model some role sees part, and only a superuser
    sees all."""
    total = model.objects.count()
    sizes = {username: len(expected(full_district, username, model)) for username in USERS}
    assert sizes.pop("superuser") == total
    assert all(size < total for size in sizes.values())
    assert any(size > 0 for size in sizes.values())


# The API, per role. Every user gets the reveal permission so that the scope, not the permission,
# decides (the permission itself is tested in test_people.py and test_api.py).

@pytest.fixture
def call(full_district, client):
    permission = Permission.objects.get(codename="reveal_personal_data")
    tokens = {}

    def call(username, method, url, data):
        if username not in tokens:
            full_district.users[username].user_permissions.add(permission)
            tokens[username] = ApiToken.issue(full_district.users[username])
        headers = {"Authorization": f"Bearer {tokens[username]}"}
        if method == "post":
            return client.post(url, data, content_type="application/json", headers=headers)
        return client.get(url, data, headers=headers)

    return call


def _statuses(responses) -> tuple[set, set]:
    """Split {key: response} into the keys answered 200 and those answered 404 (nothing else allowed)."""
    assert {response.status_code for response in responses.values()} <= {200, 404}
    return ({key for key, response in responses.items() if response.status_code == 200},
            {key for key, response in responses.items() if response.status_code == 404})


UNIT_ENDPOINTS = {
    "detail": lambda code: ("get", f"/api/v1/units/{code}", {}),
    "children": lambda code: ("get", f"/api/v1/units/{code}/children", {}),
    "persons": lambda code: ("get", "/api/v1/persons", {"unit": code, "limit": 200}),
}


@pytest.mark.parametrize("endpoint", list(UNIT_ENDPOINTS))
@pytest.mark.parametrize("username", USERS)
def test_unit_endpoints_answer_404_outside_the_scope(full_district, call, username, endpoint):
    units = {unit.pk: unit for unit in Unit.objects.all()}
    responses = {pk: call(username, *UNIT_ENDPOINTS[endpoint](unit.code)) for pk, unit in units.items()}
    inside, outside = _statuses(responses)
    assert inside == expected(full_district, username, Unit)
    assert outside == set(units) - inside
    visible_units, visible_people = expected(full_district, username, Unit), expected(full_district, username, Person)
    for pk in inside:
        body = responses[pk].json()
        code = units[pk].code
        if endpoint == "children":
            assert {child["code"] for child in body} == {
                unit.code for unit in units.values() if unit.parent_id == pk and unit.pk in visible_units}
        elif endpoint == "persons":
            assert {item["id"] for item in body["items"]} == {
                person.pk for person in Person.objects.filter(pk__in=visible_people) if person.unit.code.startswith(code)}
        else:
            assert body["code"] == code


PERSON_ENDPOINTS = {
    "detail": lambda pk: ("get", f"/api/v1/persons/{pk}", {}),
    "reveal": lambda pk: ("post", f"/api/v1/persons/{pk}/reveal", {"field": "phone", "reason": "走访核实"}),
}


@pytest.mark.parametrize("endpoint", list(PERSON_ENDPOINTS))
@pytest.mark.parametrize("username", USERS)
def test_person_endpoints_answer_404_outside_the_scope(full_district, call, username, endpoint):
    people = {person.pk: person for person in Person.objects.all()}
    logged_before = RevealLog.objects.count()
    responses = {pk: call(username, *PERSON_ENDPOINTS[endpoint](pk)) for pk in people}
    inside, outside = _statuses(responses)
    assert inside == expected(full_district, username, Person)
    assert outside == set(people) - inside
    for pk in inside:
        body = responses[pk].json()
        if endpoint == "reveal":
            assert body["value"] == people[pk].phone
        else:
            assert (body["id"], body["phone"]) == (pk, people[pk].masked_phone)
    if endpoint == "reveal":
        assert RevealLog.objects.count() - logged_before == len(inside)


@pytest.mark.parametrize("username", USERS)
def test_departments_endpoint_lists_the_callers_districts(full_district, call, username):
    response = call(username, "get", "/api/v1/departments", {})
    assert response.status_code == 200
    assert {item["id"] for item in response.json()} == expected(full_district, username, Department)


# -- what a user may do: roles over a unit, from the same cached assignments ----------------------
def test_roles_over_a_unit_are_those_held_at_it_or_above(district):
    units, users = district.units, district.users
    street = users["street_dispatcher"]
    assert roles_over(street, units["A1-1-1"]) == {Role.STREET_DISPATCHER}
    assert roles_over(street, units["A"]) == {Role.STREET_DISPATCHER}
    assert roles_over(street, units["district"]) == set()  # a role grants its subtree, not what is above
    assert roles_over(street, units["B1"]) == set()
    assert roles_over(street, None) == set()
    assert roles_over(users["dept_chengguan"], units["B1-2-1"]) == {Role.DEPARTMENT_STAFF}
    assert may(users["community_staff"], roles.DISPATCH_ROLES, units["A1-2"])
    assert not may(users["community_staff"], roles.DISPATCH_ROLES, units["A2"])
    assert not may(users["grid_worker"], roles.DISPATCH_ROLES, units["A1-1-1"])
    assert may(users["grid_worker"], roles.GRID_ROLES, units["A1-1-1"])


def test_a_superuser_holds_no_role_by_being_one(district):
    """``may`` answers for roles; the checks that let superusers through say so themselves."""
    superuser = User.objects.create_superuser("root", password="x")
    assert scope_for(superuser).everything
    assert not may(superuser, roles.DISPATCH_ROLES, district.units["A1"])
    RoleAssignment.objects.create(user=superuser, role=Role.COMMUNITY_STAFF, unit=district.units["A1"])
    assert may(User.objects.get(pk=superuser.pk), roles.DISPATCH_ROLES, district.units["A1"])


def test_a_user_objects_roles_are_read_once(district):
    """A list asks every case the same questions: the role assignments are read once per user
    object (one request), not once per check. A newly loaded user reads them anew."""
    category = Category.objects.create(code="99", name="测试", plain_name="测试", handling_level="grid",
                                       lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)
    units = district.units
    cases = [Case.objects.create(district_code="510113", code=f"51011300{n}", channel="app", title="垃圾",
                                 category=category, unit=units[label], queue=units["A1"], reported_at=timezone.now())
             for n, label in enumerate(["A1-1-1", "A1-2-1", "B1-1-1"])]
    staff = User.objects.get(username="community_staff")
    with CaptureQueriesContext(connection) as queries:
        answers = [(actors.is_dispatcher(staff, case), actors.is_handler(staff, case)) for case in cases]
    assert answers == [(True, False)] * 3
    assert sum("accounts_roleassignment" in q["sql"] for q in queries.captured_queries) == 1
    RoleAssignment.objects.filter(user=staff).delete()
    assert actors.is_dispatcher(staff, cases[0])  # the same object: the same request
    assert not actors.is_dispatcher(User.objects.get(pk=staff.pk), cases[0])


def test_the_role_groups():
    """Each group once, with its members: dispatching (4 roles, the administrator among them) and
    being told of a new case in the queue (3: not the administrator) are two groups."""
    assert roles.DISPATCH_ROLES == {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER,
                                    Role.COMMUNITY_STAFF}
    assert roles.QUEUE_NOTIFIED_ROLES == {Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER, Role.COMMUNITY_STAFF}
    assert roles.UPPER_LEVEL_ROLES == roles.HOTLINE_ROLES == {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER,
                                                              Role.STREET_DISPATCHER}
    assert roles.STAFF_ROLES == {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER,
                                 Role.COMMUNITY_STAFF, Role.GRID_LEADER, Role.GRID_WORKER}
    assert roles.SELF_ROLES == {Role.RESIDENT, Role.PARTY_MEMBER}
    assert roles.GRID_ROLES == {Role.GRID_WORKER, Role.GRID_LEADER}
    assert roles.GRID_TASK_ROLES == {Role.GRID_WORKER, Role.GRID_LEADER, Role.COMMUNITY_STAFF}
    assert roles.UNIT_ASSESSING_ROLES == {Role.DISTRICT_ADMIN, Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER,
                                          Role.COMMUNITY_STAFF, Role.GRID_LEADER}
    assert roles.SCREEN_ROLES == roles.DISPATCH_ROLES


def _role_group_literals(tree) -> list[int]:
    """Lines of set, list or tuple literals made of two or more ``Role.X`` members."""
    def is_role(node):
        return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"
    return [node.lineno for node in ast.walk(tree) if isinstance(node, (ast.Set, ast.List, ast.Tuple))
            and len(node.elts) >= 2 and all(is_role(element) for element in node.elts)]


def test_role_groups_are_written_only_in_the_roles_module():
    package = Path(roles.__file__).resolve().parent.parent
    found = {str(path.relative_to(package)): lines for path in sorted(package.rglob("*.py"))
             if "migrations" not in path.parts and path != Path(roles.__file__).resolve()
             and (lines := _role_group_literals(ast.parse(path.read_text(encoding="utf-8"))))}
    assert found == {}
    assert _role_group_literals(ast.parse("allowed = user.role in (Role.RESIDENT, Role.PARTY_MEMBER)")) == [1]
