"""The back office: every registered model opens, personal numbers never appear unmasked, the
audit log and tokens are read-only, model rules hold in forms, and staff accounts stay in scope."""
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse
from django.utils import translation

from gridgov.accounts.models import ApiToken, Role, RoleAssignment
from gridgov.people.models import Person, RevealLog, SpecialGroup
from gridgov.structure.models import Gate, PartyMembership, PartyOrg

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# The models this project registers; the ``root`` fixture gives each of them a row to open.
OURS = [model for model in REGISTERED if model._meta.app_label in {"auth", "structure", "people", "accounts"}]


@pytest.fixture
def root(district, client):
    """A signed-in superuser, and a row in each of our tables the factory leaves empty."""
    user = User.objects.create_superuser("root", password="x")
    RevealLog.objects.create(user=user, person=district.persons[0], field="phone", reason="核实")
    ApiToken.issue(user)
    Group.objects.create(name="网格员")
    SpecialGroup.objects.create(code="elderly_alone", name="独居老人")
    PartyMembership.objects.create(org=PartyOrg.objects.first(), person=district.persons[0])
    Gate.objects.create(compound=district.units["compound A1-1"], name="东门", lat=30.05, lng=104.05)
    client.force_login(user)
    return client


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_superuser_opens_every_list_and_add_form(root, model):
    assert root.get(_url(model, "changelist")).status_code == 200
    can_add = admin.site._registry[model].has_add_permission(root.get("/admin/").wsgi_request)
    assert root.get(_url(model, "add")).status_code == (200 if can_add else 403)


@pytest.mark.parametrize("model", OURS, ids=lambda model: model._meta.label)
def test_superuser_opens_every_change_form(root, model):
    assert root.get(_url(model, "change", model.objects.first().pk)).status_code == 200


def test_site_titles_are_translated(root):
    with translation.override("zh-hans"):
        header = str(admin.site.site_header)
    assert header != "gridgov back office"
    assert header in root.get("/admin/").content.decode()


def _plain_numbers(district):
    return [number for person in district.persons for number in (person.id_number, person.phone)]


def test_person_changelist_shows_only_masked_numbers(district, root):
    page = root.get(_url(Person, "changelist")).content.decode()
    assert not [number for number in _plain_numbers(district) if number in page]
    assert all(person.masked_id_number in page and person.masked_phone in page for person in district.persons)


def test_person_search_by_number_is_not_an_unlogged_oracle(district, root):
    """The back office searches by name only: a whole number typed into its GET search finds
    nobody, because the one number search is the logged, limited POST at /people/search/."""
    person = district.persons[3]
    by_number = root.get(_url(Person, "changelist"), {"q": person.phone}).content.decode()
    by_name = root.get(_url(Person, "changelist"), {"q": person.name}).content.decode()
    assert person.name not in by_number and person.name in by_name


def _person_form(person, **changes):
    data = {"name": person.name, "gender": person.gender, "birth_date": person.birth_date.isoformat(),
            "unit": person.unit_id, "household": person.household_id or "", "user": person.user_id or "",
            "id_number": person.masked_id_number, "phone": person.masked_phone}
    return {**data, **changes}


def test_person_change_form_shows_masked_numbers_and_keeps_them(district, root):
    person = district.persons[2]
    url = _url(Person, "change", person.pk)
    page = root.get(url).content.decode()
    assert person.masked_id_number in page and person.masked_phone in page
    assert person.id_number not in page and person.phone not in page
    assert root.post(url, _person_form(person, name="改名居民")).status_code == 302
    saved = Person.objects.get(pk=person.pk)
    assert (saved.name, saved.id_number, saved.phone) == ("改名居民", person.id_number, person.phone)


def test_person_change_form_replaces_normalises_and_clears_numbers(district, root):
    person = district.persons[2]
    url = _url(Person, "change", person.pk)
    assert root.post(url, _person_form(person, id_number="11010519491231002x", phone="")).status_code == 302
    saved = Person.objects.get(pk=person.pk)
    assert (saved.id_number, saved.phone, saved.phone_hash) == ("11010519491231002X", "", "")


@pytest.mark.parametrize("field, value", [("id_number", "110105194912310021"), ("phone", "12345"),
                                          ("id_number", "5101**********0000")])
def test_person_form_refuses_bad_numbers(district, root, field, value):
    person = district.persons[2]
    response = root.post(_url(Person, "change", person.pk), _person_form(person, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert getattr(Person.objects.get(pk=person.pk), field) == getattr(person, field)


def test_person_add_form_saves_encrypted_numbers(district, root):
    unit = district.units["A1-1-1"]
    response = root.post(_url(Person, "add"), {"name": "新居民", "gender": "F", "unit": unit.pk,
                                               "id_number": "11010519491231002X", "phone": "13912345678"})
    assert response.status_code == 302
    assert Person.objects.get(name="新居民").phone == "13912345678"


@pytest.fixture
def staff(district, client):
    """Community staff (A1) with back-office access and view-only permission on people."""
    user = district.users["community_staff"]
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_person"))
    client.force_login(user)
    return client


def test_staff_changelist_stays_in_scope(district, staff):
    page = staff.get(_url(Person, "changelist")).content.decode()
    community = district.units["A1"].code
    for person in district.persons:
        assert (person.name in page) == person.unit.code.startswith(community)


def test_view_only_page_shows_masked_numbers(district, staff):
    person = district.persons[0]
    page = staff.get(_url(Person, "change", person.pk)).content.decode()
    assert person.masked_id_number in page and person.masked_phone in page
    assert person.id_number not in page and person.phone not in page
    outside = next(p for p in district.persons if not p.unit.code.startswith(district.units["A1"].code))
    assert staff.get(_url(Person, "change", outside.pk)).status_code == 404  # exactly like a missing row


def test_reveal_log_is_read_only(root):
    log = RevealLog.objects.get()
    request = root.get("/admin/").wsgi_request
    log_admin = admin.site._registry[RevealLog]
    assert not log_admin.has_add_permission(request)
    assert not log_admin.has_change_permission(request, log)
    assert not log_admin.has_delete_permission(request, log)
    assert root.post(_url(RevealLog, "delete", log.pk), {"post": "yes"}).status_code == 403
    assert RevealLog.objects.filter(pk=log.pk).exists()


def test_api_token_page_never_shows_the_digest(root):
    token = ApiToken.objects.get()
    page = root.get(_url(ApiToken, "change", token.pk)).content.decode()
    assert token.digest not in page
    assert token.digest not in root.get(_url(ApiToken, "changelist")).content.decode()


@pytest.mark.parametrize("role, unit_label, department", [
    (Role.GRID_WORKER, "A1", None),               # a grid role at a community
    (Role.DEPARTMENT_STAFF, "district", None),    # department staff without a department
    (Role.COMMUNITY_STAFF, "A1", "chengguan"),    # a department for a role that has none
    ("", "A1", None),                             # no role at all
])
def test_role_assignment_form_applies_the_model_rules(district, root, role, unit_label, department):
    data = {"user": district.users["grid_worker2"].pk, "role": role, "unit": district.units[unit_label].pk,
            "department": district.departments[department].pk if department else ""}
    response = root.post(_url(RoleAssignment, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert RoleAssignment.objects.filter(user=district.users["grid_worker2"]).count() == 1


def test_role_assignment_form_saves_a_valid_role(district, root):
    data = {"user": district.users["grid_worker2"].pk, "role": Role.COMMUNITY_STAFF, "unit": district.units["B1"].pk,
            "department": ""}
    assert root.post(_url(RoleAssignment, "add"), data).status_code == 302
    assert RoleAssignment.objects.filter(user=district.users["grid_worker2"], unit=district.units["B1"]).exists()
