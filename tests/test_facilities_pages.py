"""The facilities pages through the Django test client: who sees what, the forms' refusals, the
OpenStreetMap upload, and the coverage map's JSON computed from a hand-made network."""
import pytest
from django.urls import reverse
from django.utils import translation

from gridgov.facilities.models import CoverageRun, Facility, FacilityKind, WalkNetwork
from gridgov.facilities.services import coverage, networks, recompute, register, standards
from gridgov.structure.models import Building

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

# A footway along latitude 30.05 in community A1: nodes about 482 m apart, then a long way east.
NODES = [(1, 30.05, 104.05), (2, 30.05, 104.055), (3, 30.05, 104.06), (4, 30.05, 104.10)]


def osm_xml(nodes=NODES) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    lines += [f'<node id="{n}" version="1" lat="{lat}" lon="{lng}"/>' for n, lat, lng in nodes]
    lines.append('<way id="10" version="1">' + "".join(f'<nd ref="{n}"/>' for n, _lat, _lng in nodes)
                 + '<tag k="highway" v="footway"/></way></osm>')
    return "\n".join(lines).encode()


def furnish(world):
    """A service-centre kind, one centre at the footway's west end, two buildings (one near it, one
    4.8 km east) and a finished coverage run."""
    admin, district = world.users["district_admin"], world.units["district"]
    kind = standards.create_kind(admin, district, code="centre", name="Service centre", minutes=15,
                                 min_area="500", area_per_100_households="30")
    centre = register.create(admin, kind, world.units["A1"], name="A1 centre", lat=30.05, lng=104.05, floor_area="600")
    near, far = Building.objects.filter(microgrid__code__startswith=world.units["A1"].code).order_by("pk")[:2]
    Building.objects.filter(pk=near.pk).update(center_lat=30.05, center_lng=104.055)
    Building.objects.filter(pk=far.pk).update(center_lat=30.05, center_lng=104.10)
    networks.import_osm(admin, district, osm_xml(), "a1.osm")
    run = coverage.compute(coverage.start(district.code))
    world.kind, world.centre, world.run, world.far = kind, centre, run, far
    return world


@pytest.fixture
def place(world):
    return furnish(world)


def get(client, user, name, *args, query=""):
    client.force_login(user)
    return client.get(reverse(name, args=args) + query, **EN)


@pytest.mark.parametrize("username", ["district_admin", "street_dispatcher", "community_staff"])
def test_staff_see_every_page(client, place, username):
    user, a1 = place.users[username], place.units["A1"].code
    assert b"A1 centre" in get(client, user, "facilities").content
    assert get(client, user, "facilities-new").status_code == 200
    assert b"Service centre" in get(client, user, "facilities-facility", place.centre.pk).content
    page = get(client, user, "facilities-coverage", a1)
    assert page.status_code == 200 and b"coverage-map" in page.content
    assert get(client, user, "facilities-coverage-map", a1).status_code == 200
    assert b"facilities-section" in get(client, user, "facilities-unit-section", a1).content


@pytest.mark.parametrize("username", ["grid_worker", "resident"])
def test_others_are_refused(client, place, username):
    user = place.users[username]
    for name, args in (("facilities", ()), ("facilities-new", ()), ("facilities-facility", (place.centre.pk,)),
                       ("facilities-coverage", (place.units["A1"].code,)), ("facilities-standards", ())):
        assert get(client, user, name, *args).status_code == 403, name


def test_a_unit_outside_the_scope_is_not_found(client, place):
    assert get(client, place.users["community_staff"], "facilities-coverage", place.units["B1"].code).status_code == 404


def _post_new(client, world, **changes):
    client.force_login(world.users["community_staff"])
    data = {"kind": world.kind.pk, "unit": world.units["A1"].pk, "name": "Elderly canteen", "address": "1 Road",
            "lat": "30.1", "lng": "104.1", "datum": "wgs84", "floor_area": "120", "capacity": "80",
            "opening_hours": "8-18", **changes}
    return client.post(reverse("facilities-new"), data, **EN)


def test_the_form_records_a_facility(client, place):
    response = _post_new(client, place)
    made = Facility.objects.get(name="Elderly canteen")
    assert response.status_code == 302 and response.url == reverse("facilities-facility", args=[made.pk])
    assert (made.lat, made.lng, made.unit) == (30.1, 104.1, place.units["A1"])


@pytest.mark.parametrize(("changes", "message"), [
    ({"floor_area": "-5"}, "cannot be negative"),
    ({"lat": "40.5", "lng": "110.2"}, "lies outside"),
    ({"lat": "104.1", "lng": "30.1"}, "look swapped"),
    ({"kind": ""}, "Choose the kind of facility"),
])
def test_a_bad_form_says_why_and_writes_nothing(client, place, changes, message):
    before = Facility.objects.count()
    response = _post_new(client, place, **changes)
    assert response.status_code == 400 and message in response.content.decode()
    assert Facility.objects.count() == before


def test_the_change_form_and_the_journal(client, place):
    client.force_login(place.users["community_staff"])
    url = reverse("facilities-facility", args=[place.centre.pk])
    data = {"unit": place.units["A1"].pk, "name": "A1 centre", "lat": "30.05", "lng": "104.05", "datum": "wgs84",
            "floor_area": "-1", "active": "on"}
    assert client.post(url, data, **EN).status_code == 400
    assert client.post(url, {**data, "floor_area": "700"}, **EN).status_code == 302
    place.centre.refresh_from_db()
    assert str(place.centre.floor_area) == "700.0"
    page = client.get(url, **EN).content.decode()
    assert page.count('class="list-group-item"') == 2  # created, changed


def test_the_standards_page_is_the_district_admins(client, place):
    assert get(client, place.users["street_dispatcher"], "facilities-standards").status_code == 403
    page = get(client, place.users["district_admin"], "facilities-standards")
    assert page.status_code == 200 and b"Service centre" in page.content and b"a1.osm" in page.content


def _upload(client, world, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.users["district_admin"])
    return client.post(reverse("facilities-standards"),
                       {"step": "upload", "extract": SimpleUploadedFile(name, content)}, **EN)


def test_an_osm_upload_makes_a_network_version(client, world):
    response = _upload(client, world, osm_xml(), "tiny.osm")
    assert response.status_code == 302
    stored = WalkNetwork.objects.get(district_code="510113")
    assert (stored.version, stored.node_count, stored.edge_count) == (1, 4, 3)


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"this is not a map", "junk.osm", "not an OpenStreetMap file"),
    (b"", "empty.osm", "empty"),
    (osm_xml([(1, 40.0, 110.0), (2, 40.01, 110.0)]), "elsewhere.osm", "outside the district"),
    (osm_xml([(1, 104.5, 30.5), (2, 104.51, 30.5)]), "swapped.osm", "swapped"),
])
def test_a_bad_upload_says_why_and_makes_none(client, world, content, name, message):
    response = _upload(client, world, content, name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not WalkNetwork.objects.exists()


def test_the_map_json_has_the_catchment_and_the_uncovered(client, place):
    data = get(client, place.users["district_admin"], "facilities-coverage-map", "510113",
               query=f"?kind={place.kind.pk}").json()
    assert len(data["edges"]) == 3
    assert sorted(data["catchment"]) == [[[104.05, 30.05], [104.055, 30.05]], [[104.055, 30.05], [104.06, 30.05]]]
    assert [(u["lng"], u["households"]) for u in data["uncovered"]] == [(104.1, 1)]
    assert [f["name"] for f in data["facilities"]] == ["A1 centre"]
    assert data["river"] is None and data["sites"][0]["gain"] == 1
    a1 = next(c for c in data["communities"] if c["households_covered"])
    assert (a1["households"], a1["households_covered"]) == (4, 1)


def test_the_map_json_refuses_an_unknown_kind(client, place):
    response = get(client, place.users["district_admin"], "facilities-coverage-map", "510113", query="?kind=999")
    assert response.status_code == 400 and "no such kind" in response.json()["detail"]


def test_the_unit_section(client, place):
    with translation.override("en"):
        one = get(client, place.users["community_staff"], "facilities-unit-section", place.units["A1"].code)
        content = one.content.decode()
        assert "500.0" in content and "600.0" in content and "✓" in content
        district = get(client, place.users["district_admin"], "facilities-unit-section", "510113").content.decode()
        assert place.units["B2"].short_name in district
    unit_page = get(client, place.users["community_staff"], "unit", place.units["A1"].code).content.decode()
    assert reverse("facilities-unit-section", args=[place.units["A1"].code]) in unit_page
    grid_page = get(client, place.users["grid_worker"], "unit", place.units["A1-1"].code).content.decode()
    assert "facilities-unit-section" not in grid_page and "/facilities/" not in grid_page


def test_recompute_now_and_its_progress(client, place, monkeypatch):
    monkeypatch.setattr(recompute, "launch", lambda run: None)
    code = "510113"
    client.force_login(place.users["street_dispatcher"])
    assert client.post(reverse("facilities-coverage-recompute", args=[place.units["A"].code])).status_code == 403
    client.force_login(place.users["district_admin"])
    assert client.post(reverse("facilities-coverage-recompute", args=[code])).status_code == 302
    running = CoverageRun.objects.get(status="running")
    progress = client.get(reverse("facilities-coverage-progress", args=[code]), **EN).content.decode()
    assert 'hx-trigger="every 2s"' in progress
    refused = client.post(reverse("facilities-coverage-recompute", args=[code]), follow=True, **EN).content.decode()
    assert "being computed already" in refused
    coverage.compute(running)
    done = client.get(reverse("facilities-coverage-progress", args=[code]), **EN).content.decode()
    assert "every 2s" not in done and "data-done" in done


def test_the_standards_forms(client, place):
    client.force_login(place.users["district_admin"])
    url = reverse("facilities-standards")
    assert client.post(url, {"step": "kind-new", "code": "canteen", "name": "Canteen", "minutes": "10"}).status_code == 302
    bad = client.post(url, {"step": "kind", "kind": place.kind.pk, "name": "Service centre", "minutes": "99"}, **EN)
    assert bad.status_code == 400 and "between 1 and 60" in bad.content.decode()
    assert FacilityKind.objects.get(pk=place.kind.pk).minutes == 15
    bad = client.post(url, {"step": "settings", "walk_speed": "40", "elderly_speed": "60", "max_snap": "300",
                            "candidate_sites": "3"}, **EN)
    assert bad.status_code == 400 and "cannot walk faster" in bad.content.decode()


@pytest.mark.browser
def test_the_coverage_map_in_a_browser(live_world, live_server, sign_in):
    """A district administrator opens the district's map, picks the kind and sees the catchment
    and the uncovered building drawn; on a desktop and on a phone."""
    furnish(live_world)
    series = "() => echarts.getInstanceByDom(document.getElementById('coverage-map')).getOption().series" \
             ".map(s => [s.type, s.data.length])"
    for viewport, shot in (({"width": 1280, "height": 900}, "facilities-coverage.png"),
                           ({"width": 390, "height": 844}, "facilities-coverage-phone.png")):
        page = sign_in("district_admin", viewport)
        page.goto(f"{live_server.url}{reverse('facilities-coverage', args=['510113'])}")
        page.select_option("#coverage-kind", str(live_world.kind.pk))
        page.wait_for_selector("#coverage-map[aria-busy=false]")
        drawn = page.evaluate(series)
        assert ["lines", 2] in drawn and ["scatter", 1] in drawn  # the catchment; the centre, the far building
        assert ["lines", 3] in drawn
        page.screenshot(path=f"tests/artifacts/{shot}", full_page=True)


def test_the_command_screen_offers_the_facilities_layer(client, place):
    page = get(client, place.users["district_admin"], "screen").content.decode()
    layer = reverse("facilities-coverage-map", args=["510113"]) + "?edges=0"
    assert 'id="sc-facilities"' in page and layer in page
    data = get(client, place.users["district_admin"], "facilities-coverage-map", "510113", query="?edges=0").json()
    assert data["edges"] == [] and len(data["facilities"]) == 1 and len(data["uncovered"]) == 1


def test_recompute_without_a_network_says_why(client, world):
    client.force_login(world.users["district_admin"])
    answer = client.post(reverse("facilities-coverage-recompute", args=[world.units["district"].code]), follow=True,
                         **EN)
    assert answer.status_code == 200 and "has no walk network yet" in answer.content.decode()
