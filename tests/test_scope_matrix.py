"""The cross-scope matrix: every role × every scoped model, generated from the scope's registry.

Three areas are built alike — ``home`` (street A of district 510113), ``street`` (street B of the
same district) and ``district`` (a second district, 510114) — each with a holder of every role and
one object of every registered model (``ROWS``: a factory and the roles that see it). Then, for
every role held in ``home``:

* ``Model.objects.visible_to(user)`` (the same filter as ``visible``) holds the ``home`` object if
  the role sees that model, and never the object of the other scope: the other district's for
  roles acting for the whole district and for models kept per district, else the other street's;
* every API and page that opens one object (``ENDPOINTS``) answers 200 for the ``home`` object
  the role sees, and for the other scope's object exactly what it answers for an object that does
  not exist (404, or 403 where the role may not open that kind of page at all). An endpoint may name the roles
  that open it when they are fewer than those who see the model (a staff-only page).

The participation apps' rows and endpoints live in ``tests/matrix_rows/`` (one module per app).

:func:`test_every_registered_model_has_a_row` fails when an app registers a rule without adding a
row here, so a new app's models are tried the day they are registered.
"""
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.accounts import scope
from gridgov.accounts.models import ROLE_UNIT_KINDS, ApiToken, Role, RoleAssignment
from gridgov.accounts.roles import STAFF_ROLES
from gridgov.accounts.scope import Rule, register, registered, visible
from gridgov.assessment.models import ScoreWeight
from gridgov.cases.models import Assignment, Case, Photo
from gridgov.catalogue.models import Category
from gridgov.intake.models import IntakeSettings, Suggestion, TrainingExample
from gridgov.integrations.models import Integration
from gridgov.ledger.models import Account as LedgerAccount
from gridgov.open311.models import ServiceRequest
from gridgov.people.models import Person, RevealLog
from gridgov.structure.models import Building, Compound, Department, Gate, Household, PartyMembership, PartyOrg, Unit
from tests import matrix_rows

User = get_user_model()

#: Where each role's holder sits in an area (a kind its assignments allow: checked below).
POSTS = {
    Role.DISTRICT_ADMIN: "district",
    Role.DISTRICT_DISPATCHER: "district",
    Role.DEPARTMENT_STAFF: "district",
    Role.STREET_DISPATCHER: "street",
    Role.COMMUNITY_STAFF: "community",
    Role.GRID_LEADER: "grid",
    Role.GRID_WORKER: "grid",
    Role.RESIDENT: "microgrid",
    Role.PARTY_MEMBER: "microgrid",
    Role.SHOP_KEEPER: "community",
    Role.UNIT_LIAISON: "community",
}
#: Roles whose scope is the whole district: for them the other scope is the other district.
DISTRICT_WIDE_ROLES = {role for role, kind in POSTS.items() if kind == "district"}
EVERY_ROLE = frozenset(Role)


def _area(label: str, district_code: str, street_code: str, category: Category, district: Unit | None = None):
    """One area: a district (or the given one), a street, community, grid and micro-grid, a holder
    of every role, and the places, people and case the rows below are made from."""
    units = {"district": district or Unit.objects.create(code=district_code, kind="district", name=f"区{label}",
                                                         short_name=f"区{label}")}
    parent = units["district"]
    for kind, code in [("street", street_code), ("community", f"{street_code}001"), ("grid", f"{street_code}001001"),
                       ("microgrid", f"{street_code}001001001")]:
        parent = units[kind] = Unit.objects.create(code=code, kind=kind, name=f"{label}{kind}",
                                                   short_name=f"{label}{kind}", parent=parent)
    compound = Compound.objects.create(name=f"{label}小区", community=units["community"], grid=units["grid"])
    building = Building.objects.create(compound=compound, microgrid=units["microgrid"], name="1栋")
    household = Household.objects.create(building=building, room="101")
    department = Department.objects.create(district=units["district"], code=f"dept{label}", name=f"{label}局",
                                           short_name=f"{label}局")
    users = {}
    for role, kind in POSTS.items():
        user = users[role] = User.objects.create_user(f"{label}_{role}", password="x")
        RoleAssignment.objects.create(user=user, role=role, unit=units[kind],
                                      department=department if role == Role.DEPARTMENT_STAFF else None)
    for role in (Role.RESIDENT, Role.PARTY_MEMBER):
        Person.objects.create(name=f"{label}{role}", gender="F", unit=units["microgrid"], household=household,
                              user=users[role])
    member = User.objects.create_user(f"{label}_member", password="x")
    RoleAssignment.objects.create(user=member, role=Role.GRID_WORKER, unit=units["microgrid"])
    area = SimpleNamespace(label=label, units=units, compound=compound, building=building, household=household,
                           department=department, users=users, member=member, category=category,
                           person=users[Role.RESIDENT].person)
    area.case = Case.objects.create(
        district_code=units["district"].code, code=f"{street_code}0001", channel="app", title="垃圾",
        category=category, unit=units["microgrid"], queue=units["street"], reported_at=timezone.now(),
        reporter=area.person)
    Assignment.objects.create(case=area.case, district_code=area.case.district_code, department=department,
                              dispatched_at=timezone.now())
    return area


def _integration(area):
    integration = Integration(name=f"{area.label} 12345", kind="hotline", district=area.units["district"])
    integration.issue_key()
    integration.save()
    return integration


def _token(area):
    ApiToken.issue(area.member)
    return ApiToken.objects.filter(user=area.member).latest("pk")


def _membership(area):
    org = PartyOrg.objects.create(kind="group", name=f"{area.label}党小组", unit=area.units["microgrid"])
    return PartyMembership.objects.create(org=org, person=area.person)


#: One row per scoped model: how to make one in an area, which roles (held in that area) see it,
#: and whether the model is kept per district (seen throughout the district by those who see it).
ROWS = {
    Unit: (lambda a: a.units["microgrid"], EVERY_ROLE, False),
    Compound: (lambda a: a.compound, EVERY_ROLE - {Role.RESIDENT, Role.PARTY_MEMBER}, False),
    Building: (lambda a: a.building, EVERY_ROLE, False),
    Gate: (lambda a: Gate.objects.create(compound=a.compound, name="东门", lat=30.0, lng=104.0),
           EVERY_ROLE - {Role.RESIDENT, Role.PARTY_MEMBER}, False),
    Household: (lambda a: a.household, EVERY_ROLE, False),
    PartyOrg: (lambda a: PartyOrg.objects.create(kind="group", name="楼栋党小组", unit=a.units["microgrid"]),
               EVERY_ROLE, False),
    Department: (lambda a: a.department, EVERY_ROLE, True),
    Person: (lambda a: a.person, STAFF_ROLES | {Role.RESIDENT}, False),
    PartyMembership: (_membership, STAFF_ROLES | {Role.RESIDENT}, False),
    RevealLog: (lambda a: RevealLog.objects.create(user=a.users[Role.DISTRICT_ADMIN], person=a.person, field="phone",
                                                   reason="核实"), STAFF_ROLES, False),
    User: (lambda a: a.member, STAFF_ROLES, False),
    ApiToken: (_token, STAFF_ROLES, False),
    RoleAssignment: (lambda a: a.member.role_assignments.get(), STAFF_ROLES, False),
    Case: (lambda a: a.case, STAFF_ROLES | {Role.RESIDENT, Role.DEPARTMENT_STAFF}, False),
    ServiceRequest: (lambda a: ServiceRequest.objects.create(case=a.case, integration=_integration(a),
                                                             token=f"t{a.label}", created=timezone.now()),
                     STAFF_ROLES, False),
    Suggestion: (lambda a: Suggestion.objects.create(case=a.case, category=a.category, confidence=0.9),
                 STAFF_ROLES, False),
    TrainingExample: (lambda a: TrainingExample.objects.create(text="垃圾没人收", category=a.category, case=a.case),
                      STAFF_ROLES, False),
    IntakeSettings: (lambda a: IntakeSettings.objects.create(district=a.units["district"]), EVERY_ROLE, True),
    Integration: (_integration, EVERY_ROLE, True),
    ScoreWeight: (lambda a: ScoreWeight.objects.create(district_code=a.units["district"].code, subject=a.label,
                                                       figure="closure_rate", weight=30), EVERY_ROLE, True),
}
ROWS.update(matrix_rows.ROWS)


#: Scoped models that keep their own manager: Django's user model, and the kernel's ledger accounts
#: (the kernel floor cannot import the scope; the app showing them registers their rule).
OWN_MANAGERS = {User, LedgerAccount}


def missing_rows() -> list[str]:
    """The registered models without a row: what the matrix would not try."""
    return sorted(model._meta.label for model in registered() if model not in ROWS)


@pytest.fixture
def areas(db):
    category = Category.objects.create(code="99", name="测试", plain_name="测试", handling_level="grid",
                                       lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)
    home = _area("home", "510113", "510113002", category)
    street = _area("street", "510113", "510113003", category, district=home.units["district"])
    district = _area("district", "510114", "510114002", category)
    superuser = User.objects.create_superuser("superuser", password="x")
    nobody = User.objects.create_user("nobody", password="x")
    return SimpleNamespace(home=home, street=street, district=district, superuser=superuser, nobody=nobody)


def _other(role, district_wide_model: bool) -> str:
    return "district" if role in DISTRICT_WIDE_ROLES or district_wide_model else "street"


def _objects(areas, model) -> dict:
    """One object of ``model`` per area; a model kept per district has one for both streets."""
    make, _seers, district_wide = ROWS[model]
    home, district = make(areas.home), make(areas.district)
    return {"home": home, "street": home if district_wide else make(areas.street), "district": district}


def _fresh(user):
    """The user as a new request would load it (the scope is cached on the user object)."""
    return User.objects.get(pk=user.pk)


# -- the guard ------------------------------------------------------------------------------------
def test_every_registered_model_has_a_row():
    assert missing_rows() == []
    assert set(ROWS) == set(registered())


def test_a_rule_registered_without_a_row_fails_the_guard(monkeypatch):
    """The guard above is not vacuous: registering a rule for a model the matrix does not know
    (here a case photo, registered in a copy of the registry) makes it fail."""
    monkeypatch.setattr(scope, "_RULES", registered())
    register(Photo, Rule(unit_path="case__unit__code", personal=True))
    assert missing_rows() == ["cases.Photo"]


def test_every_scoped_model_has_the_scoped_manager():
    """``Model.objects.visible_to(user)`` exists for every scoped model the project defines (Django's
    own user model and the kernel's ledger accounts keep their managers, ``OWN_MANAGERS``: they are
    filtered with ``visible``)."""
    without = [model._meta.label for model in registered()
               if model not in OWN_MANAGERS and not hasattr(model.objects, "visible_to")]
    assert without == []


def test_every_role_has_a_post_it_may_hold():
    assert set(POSTS) == set(Role)
    assert all(kind in ROLE_UNIT_KINDS[role] for role, kind in POSTS.items())


# -- visible / visible_to -------------------------------------------------------------------------
def _seen(user, model) -> set:
    by_visible = set(visible(user, model.objects.all()).values_list("pk", flat=True))
    if model in OWN_MANAGERS:  # only ``visible`` filters them
        return by_visible
    assert set(model.objects.visible_to(user).values_list("pk", flat=True)) == by_visible
    return by_visible


@pytest.mark.parametrize("model", list(ROWS), ids=lambda model: model.__name__)
def test_every_role_sees_its_own_object_and_not_the_other_scopes(areas, model):
    _make, seers, district_wide = ROWS[model]
    objects = _objects(areas, model)
    wrong = []
    for role in Role:
        seen = _seen(_fresh(areas.home.users[role]), model)
        own, other = objects["home"].pk in seen, objects[_other(role, district_wide)].pk in seen
        if own != (role in seers):
            wrong.append(f"{role}: {'sees' if own else 'does not see'} its own {model.__name__}")
        if other:
            wrong.append(f"{role}: sees the other scope's {model.__name__}")
        if objects["district"].pk in seen:
            wrong.append(f"{role}: sees the other district's {model.__name__}")
    assert wrong == []
    assert {obj.pk for obj in objects.values()} <= _seen(_fresh(areas.superuser), model)
    assert not {obj.pk for obj in objects.values()} & _seen(_fresh(areas.nobody), model)


# -- the API and the pages ------------------------------------------------------------------------
ENDPOINTS = {
    "api unit": (Unit, lambda unit: f"/api/v1/units/{unit.code}", "999999999"),
    "page unit": (Unit, lambda unit: f"/units/{unit.code}/", "999999999"),
    "api person": (Person, lambda person: f"/api/v1/persons/{person.pk}", 10**9),
    "page person": (Person, lambda person: f"/people/{person.pk}/", 10**9),
    "api case": (Case, lambda case: f"/api/v1/cases/{case.code}", "999999999"),
    "page case": (Case, lambda case: f"/cases/{case.code}/", "999999999"),
}
ENDPOINTS.update(matrix_rows.ENDPOINTS)


def _missing(model, key):
    """An unsaved object of ``model`` whose key exists nowhere: what "not there" answers."""
    return model(code=key) if model in (Unit, Case) else model(pk=key)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_endpoint_answers_the_other_scopes_object_like_a_missing_one(areas, client, endpoint):
    model, url, missing_key, *openers = ENDPOINTS[endpoint]
    _make, seers, district_wide = ROWS[model]
    seers = openers[0] if openers else seers  # an endpoint may open fewer than the model's viewers
    objects = _objects(areas, model)

    def status(user, obj) -> int:
        if endpoint.startswith("api"):
            token = ApiToken.issue(user)
            return client.get(url(obj), headers={"Authorization": f"Bearer {token}"}).status_code
        client.force_login(user)
        return client.get(url(obj)).status_code

    wrong = []
    for role in Role:
        user = areas.home.users[role]
        absent = status(user, _missing(model, missing_key))
        answers = {"own": status(user, objects["home"]), "other": status(user, objects[_other(role, district_wide)])}
        if absent not in (403, 404):
            wrong.append(f"{role}: a missing {model.__name__} answers {absent}")
        if role in seers and answers["own"] != 200:
            wrong.append(f"{role}: its own {model.__name__} answers {answers['own']}")
        if role not in seers and answers["own"] != absent:
            wrong.append(f"{role}: its own (unseen) {model.__name__} answers {answers['own']}, a missing one {absent}")
        if answers["other"] != absent:
            wrong.append(f"{role}: the other scope's {model.__name__} answers {answers['other']}, "
                         f"a missing one {absent}")
    assert wrong == []
    assert status(areas.superuser, objects["district"]) == 200
