"""The unit page and its map.json through Django's test client: figures, scope, language."""
import pytest
from django.urls import reverse

from gridgov.structure.models import Compound, PartyMembership, PartyOrg, Unit


def signed_in(client, district, username):
    client.force_login(district.users[username])
    return client


def percent(part, whole):
    return (part * 1000 // whole) / 10


def test_district_page_shows_counts_children_and_coverage(client, district):
    root = district.units["district"]
    response = signed_in(client, district, "district_admin").get(reverse("unit", args=[root.code]))
    assert response.status_code == 200

    below = Unit.objects.filter(code__startswith=root.code).exclude(pk=root.pk)
    expected_counts = {kind: below.filter(kind=kind).count() for kind in ["street", "community", "grid", "microgrid"]}
    assert [n for _, n in response.context["counts"]] == list(expected_counts.values()) == [2, 4, 8, 16]

    compounds = Compound.objects.count()
    covered = Compound.objects.filter(party_orgs__isnull=False).distinct().count()
    assert (compounds, covered) == (8, 1)
    assert response.context["coverage"]["organisation_percent"] == percent(covered, compounds)
    html = response.content.decode()
    assert f"{percent(covered, compounds):g}%" in html

    children = [child for child, _ in response.context["children"]]
    assert children == [district.units["A"], district.units["B"]]
    for child in children:
        assert reverse("unit", args=[child.code]) in html
    street_a = dict((child.code, figures) for child, figures in response.context["children"])[district.units["A"].code]
    assert street_a["compounds"] == Compound.objects.filter(community__parent=district.units["A"]).count()
    assert street_a["organisation_percent"] == percent(1, street_a["compounds"])
    assert reverse("unit-map", args=[root.code]) in html


def test_community_page_lists_grids_compounds_staff_and_map(client, district):
    community = district.units["A1"]
    response = signed_in(client, district, "community_staff").get(reverse("unit", args=[community.code]))
    html = response.content.decode()
    assert [child for child, _ in response.context["children"]] == [district.units["A1-1"], district.units["A1-2"]]
    assert response.context["has_map"]
    for label in ["A1-1", "A1-2"]:
        compound = district.units[f"compound {label}"]
        assert compound.name in html
        assert [c.building_count for c in response.context["compounds"] if c == compound] == [compound.buildings.count()]
    assert "community_staff" in html
    assert "社区工作人员" in html  # the role, translated


def test_party_org_secretary_is_personal_data(client, district):
    """The secretary's name is shown to staff whose scope holds the people, not to department staff."""
    grid = district.units["A1-1"]
    org = PartyOrg.objects.get(unit=grid)
    PartyMembership.objects.create(org=org, person=district.persons[0], role="secretary")
    url = reverse("unit", args=[grid.code])

    html = signed_in(client, district, "community_staff").get(url).content.decode()
    assert org.name in html and district.persons[0].name in html

    html = signed_in(client, district, "dept_chengguan").get(url).content.decode()
    assert org.name in html and district.persons[0].name not in html


def test_breadcrumb_links_only_visible_ancestors(client, district):
    grid = district.units["A1-1"]
    html = signed_in(client, district, "community_staff").get(reverse("unit", args=[grid.code])).content.decode()
    assert f'href="{reverse("unit", args=[district.units["A1"].code])}"' in html
    assert f'href="{reverse("unit", args=[district.units["A"].code])}"' not in html
    assert district.units["A"].short_name in html


def test_grid_page_without_boundaries_has_no_map(client, district):
    grid = district.units["A1-1"]
    response = signed_in(client, district, "grid_worker").get(reverse("unit", args=[grid.code]))
    assert response.status_code == 200
    assert not response.context["has_map"]
    assert "unit-map" not in response.content.decode()


@pytest.mark.parametrize("username, unit, children", [
    ("district_admin", "district", ["A", "B"]),
    ("dept_chengguan", "district", ["A", "B"]),
    ("street_dispatcher", "A", ["A1", "A2"]),
    ("community_staff", "A1", ["A1-1", "A1-2"]),
    ("grid_worker", "A1-1", ["A1-1-1", "A1-1-2"]),
])
def test_map_json_holds_exactly_the_visible_children(client, district, username, unit, children):
    code = district.units[unit].code
    response = signed_in(client, district, username).get(reverse("unit-map", args=[code]))
    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert [feature["properties"]["code"] for feature in collection["features"]] == [
        district.units[label].code for label in children]
    for feature, label in zip(collection["features"], children):
        child = district.units[label]
        assert feature["geometry"] == child.boundary
        assert feature["properties"]["name"] == child.short_name
        assert feature["properties"]["kind"] == child.kind
        assert feature["properties"]["url"] == reverse("unit", args=[child.code])


@pytest.mark.parametrize("username, outside", [
    ("grid_worker", ["A1-2", "A1", "A", "district"]),
    ("community_staff", ["A2", "A", "district", "B1-1"]),
    ("street_dispatcher", ["B", "district", "B2-1"]),
    ("resident", ["A1-2", "A1", "district"]),
    ("dept_chengguan", ["elsewhere"]),
])
def test_units_outside_the_scope_are_not_found(client, district, username, outside):
    district.units["elsewhere"] = Unit.objects.create(code="510114", kind="district", name="郫都区", short_name="郫都区")
    signed_in(client, district, username)
    for label in outside:
        code = district.units[label].code
        assert client.get(reverse("unit", args=[code])).status_code == 404, label
        assert client.get(reverse("unit-map", args=[code])).status_code == 404, label


def test_department_staff_see_the_structure_but_no_people(client, district):
    signed_in(client, district, "dept_chengguan")
    for label in ["district", "B", "A1-1"]:
        assert client.get(reverse("unit", args=[district.units[label].code])).status_code == 200
    html = client.get(reverse("unit", args=[district.units["A1"].code])).content.decode()
    assert reverse("people") not in html
    assert not any(person.name in html for person in district.persons)


def test_unknown_codes_and_anonymous_users(client, district):
    assert client.get(reverse("unit", args=[district.units["A"].code])).status_code == 302
    signed_in(client, district, "district_admin")
    assert client.get("/units/510113999/").status_code == 404
    assert client.get("/units/12345/").status_code == 404
    assert client.get("/units/abc/map.json").status_code == 404


@pytest.mark.parametrize("username, target", [
    ("district_admin", ("unit", "district")),
    ("community_staff", ("unit", "A1")),
    ("street_dispatcher", ("case-queues", None)),
    ("district_dispatcher", ("case-queues", None)),
    ("grid_worker", ("my-tasks", None)),
    ("dept_chengguan", ("department-inbox", None)),
    ("resident", ("my-cases", None)),
])
def test_home_goes_to_each_roles_work(client, district, username, target):
    name, unit = target
    response = signed_in(client, district, username).get(reverse("home"))
    assert response.status_code == 302
    assert response.url == (reverse(name, args=[district.units[unit].code]) if unit else reverse(name))


def test_chinese_is_the_default_and_english_is_available(client, district):
    assert "登录" in client.get(reverse("login")).content.decode()
    assert "Sign in" in client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies["django_language"] = "en"
    assert "Sign in" in client.get(reverse("login")).content.decode()

    del client.cookies["django_language"]
    url = reverse("unit", args=[district.units["A1"].code])
    signed_in(client, district, "community_staff")
    assert "两个覆盖" in client.get(url).content.decode()
    assert "Two coverages" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
