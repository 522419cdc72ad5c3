"""Security item 4: every back-office page goes through the one scope rule.

Two districts on one server, each with a row in every scoped table; the first district's
administrator (a staff account holding every permission there is: the worst case, a superset of what
the demo grants) tries, for every model registered in the admin site, to list, open, delete, bulk
delete and point a new record at the other district's rows. The models come from
``admin.site._registry``, so an admin is tried the day it lands, and a guard fails for a registered
model that is neither scoped nor in the commented allow-list of global tables below.

"The other district's rows" are what the second district's administrator sees; the test asks that
they exist, that the first administrator's rows exist too, and that the two never meet.
"""
import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.admin_scope import ScopedAdmin
from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.accounts.scope import in_scope, is_scoped, visible
from gridgov.assessment.models import ScoreWeight
from gridgov.cases.models import Case
from gridgov.catalogue.models import Category
from gridgov.deliberation.models import CommunityThreshold, DeliberationSettings, RosterMember
from gridgov.intake.models import IntakeSettings, Suggestion, TrainingExample
from gridgov.integrations.models import Integration
from gridgov.microprojects.models import MicroprojectSettings
from gridgov.open311.models import ServiceRequest
from gridgov.partybuilding.models import VanguardPost
from gridgov.people.models import Person, RevealLog
from gridgov.reportin.models import ReportinSettings
from gridgov.shop.models import ShopSettings
from gridgov.structure.models import Gate, PartyMembership, PartyOrg
from gridgov.visits.models import VisitRule
from gridgov.volunteering.models import VolunteeringSettings

from .factories import build_district

FIRST, SECOND = "510113", "510106"

# Registered tables with no district: their rows are the same for everyone, so there is nothing to
# scope. Each needs a reason; anything else registered must have a scope rule.
GLOBAL = {
    "workdays.Holiday",         # the State Council's holiday schedule: one calendar for the country
    "catalogue.Category",       # the matter catalogue is shared; it names departments by slug, which
                                # each district resolves to its own Department row
    "intake.ClassifierModel",   # one category classifier serves every district
    "people.SpecialGroup",      # the codes of special groups (独居老人 …), the same everywhere
    "auth.Group",               # permission sets; who holds them is set on the scoped account page,
                                # where only a superuser may change it
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
SCOPED = [model for model in REGISTERED if model._meta.label not in GLOBAL]
# Every editable relation of a scoped model to a scoped model: a choice that could point elsewhere.
RELATIONS = [(model, field.name) for model in SCOPED for field in model._meta.get_fields()
             if field.concrete and field.is_relation and field.editable and is_scoped(field.related_model)]


def _label(value):
    return value._meta.label if hasattr(value, "_meta") else str(value)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _district(code):
    """The factory district, its accounts renamed so a second one can be built beside it."""
    district = build_district(code)
    for name, user in district.users.items():
        user.username = f"{name}@{code}"
        user.save(update_fields=["username"])
    district.code = code
    return district


def _rows(district, category):
    """A row in each scoped table the factory leaves empty."""
    units, persons, users, code = district.units, district.persons, district.users, district.code
    RevealLog.objects.create(user=users["community_staff"], person=persons[0], field="phone", reason="核实")
    ApiToken.issue(users["grid_worker"])
    PartyMembership.objects.create(org=PartyOrg.objects.get(unit=units["A1-1"]), person=persons[0])
    integration = Integration(name=f"{code} 12345", kind="hotline", district=units["district"])
    integration.issue_key()
    integration.save()
    ScoreWeight.objects.create(district_code=code, subject="unit", figure="closure_rate", weight=30)
    IntakeSettings.objects.create(district=units["district"])
    VolunteeringSettings.objects.create(district_code=code)
    ShopSettings.objects.create(district=units["district"])
    ReportinSettings.objects.create(district=units["district"])
    DeliberationSettings.objects.create(district_code=code)
    CommunityThreshold.objects.create(community=units["A1"], support_threshold=5)
    RosterMember.objects.create(community=units["A1"], roster="representatives", person=persons[0])
    MicroprojectSettings.objects.create(district_code=code)
    VanguardPost.objects.create(unit=units["A1"], title="党员先锋岗", holder=persons[0], created_on=timezone.localdate())
    VisitRule.objects.create(unit=units["A1"], visitor_kind="grid_worker", period="quarter")
    Gate.objects.create(compound=units["compound A1-1"], name="东门", lat=30.05, lng=104.05)
    case = Case.objects.create(district_code=code, code=f"{code}-0001", channel="open311", title="垃圾",
                               category=category, unit=units["A1-1-1"], queue=units["A1"],
                               reported_at=timezone.now())
    Suggestion.objects.create(case=case, category=category, confidence=0.9)
    TrainingExample.objects.create(text="垃圾没人收", category=category, case=case, created_by=users["community_staff"])
    ServiceRequest.objects.create(case=case, integration=integration, token=f"t{code}", created=timezone.now())


@pytest.fixture
def two(db, client):
    """Two districts with a row of everything, the first one's administrator signed in (``two.client``)."""
    category = Category.objects.create(code="99", name="测试", plain_name="测试", handling_level="grid",
                                       lead_department="chengguan", response_limit_hours=2, resolution_limit_days=1)
    first, second = _district(FIRST), _district(SECOND)
    for district in (first, second):
        _rows(district, category)
    admin_user = first.users["district_admin"]
    admin_user.is_staff = True
    admin_user.save()
    admin_user.user_permissions.set(Permission.objects.all())
    client.force_login(admin_user)
    return type("Two", (), {"first": first, "second": second, "client": client, "user": admin_user})


def _pks(user, model):
    return set(visible(User.objects.get(pk=user.pk), model._default_manager.all()).values_list("pk", flat=True))


def _sides(two, model):
    """(ours, theirs): the pks the first and the second district's administrators see."""
    ours, theirs = _pks(two.user, model), _pks(two.second.users["district_admin"], model)
    assert ours and theirs, f"give {model._meta.label} a row in each district"
    assert not ours & theirs
    return ours, theirs


def test_every_registered_admin_is_scoped_or_an_explained_global_table():
    """The guard: a new admin of an unscoped model fails here until it gets a rule or a reason."""
    for model in REGISTERED:
        model_admin = admin.site._registry[model]
        if model._meta.label in GLOBAL:
            assert not is_scoped(model), f"{model._meta.label} has a scope rule: take it off the global list"
            # A global page must not offer scoped rows as choices either.
            assert not [field for field in model._meta.get_fields()
                        if field.is_relation and field.concrete and is_scoped(field.related_model)], model
        else:
            assert is_scoped(model), f"{model._meta.label}: register a scope Rule in its apps.py, or explain it in GLOBAL"
            assert isinstance(model_admin, ScopedAdmin), f"{model._meta.label}'s admin must build on ScopedAdmin"
    assert GLOBAL <= {model._meta.label for model in REGISTERED}


@pytest.mark.parametrize("model", SCOPED, ids=_label)
def test_changelist_lists_only_the_own_district(two, model):
    ours, _theirs = _sides(two, model)
    response = two.client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert set(response.context["cl"].queryset.values_list("pk", flat=True)) == ours


@pytest.mark.parametrize("model", SCOPED, ids=_label)
def test_superuser_sees_both_districts(two, client, model):
    ours, theirs = _sides(two, model)
    client.force_login(User.objects.create_superuser("root", password="x"))
    listed = set(client.get(_url(model, "changelist")).context["cl"].queryset.values_list("pk", flat=True))
    assert ours | theirs <= listed


@pytest.mark.parametrize("model", SCOPED, ids=_label)
def test_other_districts_pages_answer_404(two, model):
    ours, theirs = _sides(two, model)
    pk = min(theirs)
    for view in ("change", "delete", "history"):
        assert two.client.get(_url(model, view, pk)).status_code in (403, 404), view
    assert two.client.post(_url(model, "delete", pk), {"post": "yes"}).status_code in (403, 404)
    assert two.client.post(_url(model, "change", pk), {}).status_code in (403, 404)
    assert model._default_manager.filter(pk=pk).exists()
    assert two.client.get(_url(model, "change", min(ours))).status_code == 200  # and its own rows open


@pytest.mark.parametrize("model", SCOPED, ids=_label)
def test_bulk_delete_reaches_nothing_of_the_other_district(two, model):
    _ours, theirs = _sides(two, model)
    response = two.client.post(_url(model, "changelist"),
                               {"action": "delete_selected", "_selected_action": sorted(theirs), "post": "yes"})
    assert response.status_code in (200, 302)
    assert not set((response.context or {}).get("queryset", [])), "the confirmation listed the other district's rows"
    assert _pks(two.second.users["district_admin"], model) == theirs


@pytest.mark.parametrize("model, field", RELATIONS, ids=lambda value: _label(value))
def test_a_new_record_pointing_into_the_other_district_is_refused(two, model, field):
    relation = model._meta.get_field(field)
    ours, theirs = _sides(two, relation.related_model)
    # Only rows the field would otherwise take (a building's micro-grid must be a micro-grid).
    allowed = relation.related_model._default_manager.complex_filter(relation.get_limit_choices_to())
    ours, theirs = (sorted(allowed.filter(pk__in=side).values_list("pk", flat=True)) for side in (ours, theirs))
    many = relation.many_to_many
    before = model._default_manager.count()
    add = _url(model, "add")
    if two.client.get(add).status_code == 403:  # a read-only table: nobody adds by hand
        assert two.client.post(add, {field: theirs if many else theirs[0]}).status_code == 403
    elif field in admin.site._registry[model].readonly_fields:  # shown, never taken from a form
        response = two.client.post(add, {field: theirs if many else theirs[0]})
        assert field not in response.context["adminform"].form.fields
    else:
        for pk in {theirs[0], theirs[-1]}:
            response = two.client.post(add, {field: [pk] if many else pk})
            assert response.status_code == 200
            errors = response.context["adminform"].form.errors.as_data()
            assert [error.code for error in errors.get(field, [])] == ["invalid_choice"], (field, pk)
        # A row of the own district is a valid choice: the refusal above is the scope's.
        response = two.client.post(add, {field: ours[:1] if many else ours[0]})
        errors = response.context["adminform"].form.errors.as_data()
        assert "invalid_choice" not in [error.code for error in errors.get(field, [])]
    assert model._default_manager.count() == before


# Role assignments and tokens, one by one.

def _grant(two, user, role, unit, department=None):
    return two.client.post(_url(RoleAssignment, "add"), {"user": user.pk, "role": role, "unit": unit.pk,
                                                         "department": department.pk if department else ""})


def test_district_admin_cannot_grant_themselves_a_role_in_the_other_district(two):
    before = RoleAssignment.objects.count()
    response = _grant(two, two.user, Role.DISTRICT_ADMIN, two.second.units["district"])
    assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
    assert RoleAssignment.objects.count() == before
    assert not two.client.get(_url(User, "change", two.user.pk)).context["adminform"].form.fields.get("is_superuser")


def test_nobody_but_a_superuser_grants_themselves_a_role(two):
    response = _grant(two, two.user, Role.COMMUNITY_STAFF, two.first.units["A1"])
    assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert not RoleAssignment.objects.filter(user=two.user, role=Role.COMMUNITY_STAFF).exists()
    own = RoleAssignment.objects.get(user=two.user)
    response = two.client.post(_url(RoleAssignment, "change", own.pk),
                               {"user": two.user.pk, "role": Role.DISTRICT_DISPATCHER, "unit": own.unit_id, "department": ""})
    assert "user" in response.context["adminform"].form.errors
    assert RoleAssignment.objects.get(pk=own.pk).role == Role.DISTRICT_ADMIN


def test_district_admin_grants_a_colleague_a_role_in_their_own_district(two):
    colleague = two.first.users["grid_worker2"]
    assert _grant(two, colleague, Role.COMMUNITY_STAFF, two.first.units["B1"]).status_code == 302
    assert RoleAssignment.objects.filter(user=colleague, unit=two.first.units["B1"]).exists()
    response = _grant(two, two.second.users["grid_worker2"], Role.COMMUNITY_STAFF, two.first.units["B1"])
    assert "user" in response.context["adminform"].form.errors  # another district's account


def test_street_admin_cannot_grant_a_role_above_their_own(two, client):
    """A street dispatcher with back-office rights grants inside the street, never at the district."""
    street = two.first.users["street_dispatcher"]
    street.is_staff = True
    street.save()
    street.user_permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    client.force_login(street)
    two.client = client
    colleague = two.first.users["grid_worker2"]
    for role, unit in [(Role.DISTRICT_DISPATCHER, "district"), (Role.STREET_DISPATCHER, "B"),
                       (Role.COMMUNITY_STAFF, "B1")]:
        response = _grant(two, colleague, role, two.first.units[unit])
        assert "unit" in response.context["adminform"].form.errors, (role, unit)
    assert _grant(two, colleague, Role.COMMUNITY_STAFF, two.first.units["A1"]).status_code == 302
    assert list(RoleAssignment.objects.filter(user=colleague).values_list("unit__code", flat=True)) == [
        two.first.units["A1"].code, two.first.units["A1-2"].code]


def test_district_admin_cannot_see_or_delete_the_other_districts_tokens(two):
    theirs = ApiToken.objects.get(user=two.second.users["grid_worker"])
    ours = ApiToken.objects.get(user=two.first.users["grid_worker"])
    page = two.client.get(_url(ApiToken, "changelist")).content.decode()
    assert "grid_worker@510113" in page and "grid_worker@510106" not in page
    assert two.client.post(_url(ApiToken, "delete", theirs.pk), {"post": "yes"}).status_code == 404
    two.client.post(_url(ApiToken, "changelist"),
                    {"action": "delete_selected", "_selected_action": [theirs.pk, ours.pk], "post": "yes"})
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_autocomplete_offers_only_the_own_district(two):
    def search(field, term):
        response = two.client.get("/admin/autocomplete/", {"app_label": "accounts", "model_name": "roleassignment",
                                                           "field_name": field, "term": term})
        return [row["text"] for row in response.json()["results"]]

    assert search("unit", "510113") and not search("unit", "510106")
    assert search("user", "@510113") and not search("user", "@510106")


# Accounts.

def test_accounts_of_the_other_district_and_superusers_are_out_of_reach(two):
    root = User.objects.create_superuser("root", password="x")
    theirs = two.second.users["community_staff"]
    for account in (theirs, root):
        assert two.client.get(reverse("admin:auth_user_password_change", args=[account.pk])).status_code == 404
        assert two.client.post(reverse("admin:auth_user_password_change", args=[account.pk]),
                               {"password1": "Taken-over-1", "password2": "Taken-over-1"}).status_code == 404
        assert not User.objects.get(pk=account.pk).check_password("Taken-over-1")


def test_an_account_with_a_role_in_each_district_is_only_a_superusers(two):
    shared = two.first.users["grid_worker"]
    RoleAssignment.objects.create(user=shared, role=Role.GRID_WORKER, unit=two.second.units["A1-1"])
    assert two.client.get(_url(User, "change", shared.pk)).status_code == 404
    assert ApiToken.objects.get(user=shared).pk not in two.client.get(
        _url(ApiToken, "changelist")).context["cl"].queryset.values_list("pk", flat=True)


def test_district_admin_cannot_make_anyone_a_superuser_or_give_permissions(two):
    colleague = two.first.users["district_dispatcher"]
    url = _url(User, "change", colleague.pk)
    form = two.client.get(url).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    data = {"username": colleague.username, "is_active": "on", "is_superuser": "on", "is_staff": "on",
            "user_permissions": [Permission.objects.get(codename="delete_unit").pk],
            "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00"}
    assert two.client.post(url, data).status_code == 302
    colleague.refresh_from_db()
    assert not (colleague.is_superuser or colleague.is_staff or colleague.user_permissions.exists())


def test_district_admin_cannot_create_accounts_outside_any_scope(two):
    """A new account has no role yet, so it is nobody's district's: only a superuser creates one."""
    response = two.client.post(_url(User, "add"), {"username": "newcomer", "password1": "Pass-word-123",
                                                   "password2": "Pass-word-123", "usable_password": "true"})
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert not User.objects.filter(username="newcomer").exists()


# The re-check on save, where the form's choices cannot tell: the object as the form left it.

def test_score_weight_of_the_other_district_is_refused_on_save(two):
    data = {"subject": "unit", "figure": "response_rate", "weight": 20}
    response = two.client.post(_url(ScoreWeight, "add"), {**data, "district_code": SECOND})
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert not ScoreWeight.objects.filter(figure="response_rate").exists()
    assert two.client.post(_url(ScoreWeight, "add"), {**data, "district_code": FIRST}).status_code == 302
    assert ScoreWeight.objects.get(figure="response_rate").district_code == FIRST


def test_department_staff_cannot_add_people_they_may_not_see(two, client):
    """A department's staff see the district's units (to locate work) but none of its people: a
    person at a unit they may choose is still refused."""
    staff = two.first.users["dept_chengguan"]
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(codename__in=["add_person", "view_person"]))
    client.force_login(staff)
    response = client.post(_url(Person, "add"), {"name": "新居民", "gender": "F", "unit": two.first.units["A1-1-1"].pk,
                                                 "birth_date": dt.date(1990, 1, 1).isoformat()})
    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert not Person.objects.filter(name="新居民").exists()



@pytest.mark.parametrize("username", ["district_admin", "community_staff", "dept_chengguan", "resident"])
def test_the_check_on_save_agrees_with_visible_on_every_stored_row(two, username):
    """``in_scope`` follows each rule through the object's attributes, ``visible`` asks the database:
    the two must agree, for every scoped model, or the check on save would refuse or let through
    something the lists do not."""
    user = User.objects.get(pk=two.first.users[username].pk)
    for model in [model for model in apps.get_models() if is_scoped(model)]:
        seen = set(visible(user, model._default_manager.all()).values_list("pk", flat=True))
        for row in model._default_manager.all():
            assert in_scope(user, row) == (row.pk in seen), (username, model._meta.label, row.pk)
