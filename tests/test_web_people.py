"""People pages through Django's test client: scope, masking, filters, and the logged reveal."""
import pytest
from django.urls import reverse

from gridgov.people.models import Person, RevealLog, SpecialGroup


def signed_in(client, district, username):
    client.force_login(district.users[username])
    return client


def in_unit(district, label):
    return [p for p in district.persons if p.unit.code.startswith(district.units[label].code)]


def test_list_shows_only_people_in_scope_and_only_masked_numbers(client, district):
    html = signed_in(client, district, "community_staff").get(reverse("people")).content.decode()
    inside = in_unit(district, "A1")
    assert len(inside) == 4
    for person in district.persons:
        assert (person.name in html) == (person in inside), person.name
        assert person.id_number not in html and person.phone not in html
    for person in inside:
        assert person.masked_id_number in html and person.masked_phone in html


@pytest.mark.parametrize("username, expected", [("grid_worker", "A1-1"), ("street_dispatcher", "A")])
def test_list_scope_follows_the_role(client, district, username, expected):
    response = signed_in(client, district, username).get(reverse("people"))
    assert set(response.context["page"].object_list) == set(in_unit(district, expected))


def test_department_staff_see_nobody_and_residents_only_themselves(client, district):
    assert list(signed_in(client, district, "dept_chengguan").get(reverse("people")).context["page"].object_list) == []
    resident = Person.objects.get(user=district.users["resident"])
    assert list(signed_in(client, district, "resident").get(reverse("people")).context["page"].object_list) == [resident]


def test_list_is_paginated_by_fifty(client, district):
    micro = district.units["A1-1-1"]
    Person.objects.bulk_create(Person(name=f"批量{i:03d}", gender="F", unit=micro) for i in range(60))
    client = signed_in(client, district, "district_admin")
    total = Person.objects.count()
    first = client.get(reverse("people")).context["page"]
    assert (first.paginator.count, len(first.object_list)) == (total, 50)
    last = client.get(reverse("people"), {"page": 2}).context["page"]
    assert len(last.object_list) == total - 50
    assert "page=2" in client.get(reverse("people")).content.decode()
    assert client.get(reverse("people"), {"page": "nonsense"}).status_code == 200


def test_filters_unit_group_and_name(client, district):
    """(The number search is a logged POST of its own: test_security_people.py.)"""
    client = signed_in(client, district, "community_staff")
    people = lambda **query: set(client.get(reverse("people"), query).context["page"].object_list)  # noqa: E731

    assert people(unit=district.units["A1-2"].code) == set(in_unit(district, "A1-2"))
    elderly = SpecialGroup.objects.get(code="elderly-alone")  # seeded by a migration
    district.persons[1].special_groups.add(elderly)
    assert people(group="elderly-alone") == {district.persons[1]}
    assert people(name=district.persons[2].name[-2:]) == {district.persons[2]}
    assert people(name=district.persons[2].name[-2:], unit=district.units["A1-1"].code) == set()


def test_bad_or_foreign_filters_find_nobody_without_failing(client, district):
    client = signed_in(client, district, "community_staff")
    for query in [{"unit": district.units["A2"].code}, {"unit": "not-a-code"}, {"group": "no-such-group"},
                  {"unit": "9" * 40}]:
        response = client.get(reverse("people"), query)
        assert response.status_code == 200, query
        assert list(response.context["page"].object_list) == [], query
        assert response.context["form"].errors, query


def test_person_page_shows_masked_details(client, district):
    person = district.persons[0]
    html = signed_in(client, district, "grid_worker").get(reverse("person", args=[person.pk])).content.decode()
    assert person.name in html and person.masked_id_number in html and person.masked_phone in html
    assert person.id_number not in html and person.phone not in html
    assert person.household.building.compound.name in html
    assert reverse("person-reveal", args=[person.pk]) not in html  # grid workers may not reveal


def test_person_page_offers_reveal_to_permitted_users(client, district):
    person = district.persons[0]
    html = signed_in(client, district, "community_staff").get(reverse("person", args=[person.pk])).content.decode()
    assert reverse("person-reveal", args=[person.pk]) in html
    assert 'name="reason"' in html and person.id_number not in html


@pytest.mark.parametrize("username, label", [
    ("grid_worker", "A1-2"), ("community_staff", "A2"), ("street_dispatcher", "B"), ("dept_chengguan", "A1-1"),
])
def test_person_page_outside_the_scope_is_not_found(client, district, username, label):
    person = in_unit(district, label)[0]
    assert signed_in(client, district, username).get(reverse("person", args=[person.pk])).status_code == 404


def test_resident_sees_only_their_own_page(client, district):
    client = signed_in(client, district, "resident")
    me = Person.objects.get(user=district.users["resident"])
    neighbour = next(p for p in in_unit(district, "A1-1") if p != me)
    assert client.get(reverse("person", args=[me.pk])).status_code == 200
    assert client.get(reverse("person", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("person", args=[10**30])).status_code == 404


def reveal(client, person, **data):
    return client.post(reverse("person-reveal", args=[person.pk]), data)


def test_reveal_needs_the_permission(client, district):
    person = district.persons[0]
    response = reveal(signed_in(client, district, "grid_worker"), person, field="phone", reason="回访核实")
    assert response.status_code == 403
    assert person.phone not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_reveal_needs_a_reason(client, district):
    person = district.persons[0]
    client = signed_in(client, district, "community_staff")
    for data in [{"field": "phone"}, {"field": "phone", "reason": "   "}]:
        response = reveal(client, person, **data)
        assert response.status_code == 400
        assert "请说明查看该号码的原因" in response.content.decode()
        assert person.phone not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_reveal_with_a_reason_shows_the_value_and_logs_it(client, district):
    person = district.persons[0]
    staff = district.users["community_staff"]
    response = reveal(signed_in(client, district, "community_staff"), person, field="id_number", reason="核实低保申请")
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field, log.reason) == (staff, person, "id_number", "核实低保申请")
    assert "tel:" not in response.content.decode()  # an ID number is not called


def test_a_revealed_phone_number_is_a_tel_link_and_a_masked_one_is_not(client, district):
    person = district.persons[0]
    client = signed_in(client, district, "community_staff")
    page = client.get(reverse("person", args=[person.pk])).content.decode()
    assert person.masked_phone in page and "tel:" not in page  # masked: nothing to call
    response = reveal(client, person, field="phone", reason="回访核实")
    assert f'href="tel:{person.phone}"' in response.content.decode()


def test_reveal_outside_the_scope_is_not_found(client, district):
    outsider = in_unit(district, "A2")[0]
    response = reveal(signed_in(client, district, "community_staff"), outsider, field="phone", reason="核实")
    assert response.status_code == 404
    assert outsider.phone not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_reveal_rejects_bad_input_and_get(client, district):
    person = district.persons[0]
    client = signed_in(client, district, "community_staff")
    for field in ["name", "", "id_number_hash"]:
        assert reveal(client, person, field=field, reason="核实身份").status_code == 400, field
    assert client.get(reverse("person-reveal", args=[person.pk])).status_code == 405
    response = client.post(reverse("person-reveal", args=[person.pk]), {"field": "phone"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Say why you need to see this number." in response.content.decode()
    assert not RevealLog.objects.exists()
