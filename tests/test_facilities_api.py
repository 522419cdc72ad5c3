"""The facilities API: standards, facilities (a GCJ-02 point stored in WGS 84), an OpenStreetMap
extract imported (and bad ones refused whole), coverage computed and read back, compliance, and
each refusal's status and message."""
import pytest
from django.test import Client
from django.utils import translation

from gridgov.core.geo import from_wgs84
from gridgov.facilities.models import Facility, WalkNetwork

from .test_facilities_coverage import LNG, town  # noqa: F401 — the street world worked out by hand

API = "/api/v1/facilities"
OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" lat="30.100" lon="104.100"/>
  <node id="2" lat="30.101" lon="104.100"/>
  <node id="3" lat="30.102" lon="104.100"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>
</osm>"""


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body):
    return client_for(user).post(f"{API}{path}", body, content_type="application/json")


def test_a_facility_recorded_with_a_gcj02_point_is_kept_in_wgs84(town):
    lat, lng = from_wgs84(30.2, 104.2, "gcj02")
    answer = post(town.users["community_staff"], "/facilities", {
        "kind": town.kinds["centre"].pk, "unit": town.units["A1"].code, "name": "A1二号中心", "lat": lat, "lng": lng,
        "datum": "gcj02", "floor_area": "320.5", "capacity": 40})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (round(body["lat"], 6), round(body["lng"], 6), body["source_datum"]) == (30.2, 104.2, "gcj02")
    assert body["floor_area"] in ("320.5", 320.5) and body["unit"] == town.units["A1"].code


@pytest.mark.parametrize("change, status, words", [
    ({"floor_area": "-1"}, 422, "must be at least 0"),
    ({"lat": 31.5}, 422, "outside"),
    ({"datum": "mars"}, 422, "Unknown coordinate datum"),
    ({"unit": "510113003001"}, 404, "Not found"),  # outside the scope: as if absent
])
def test_bad_facilities_are_refused_with_a_reason(town, change, status, words):
    body = {"kind": town.kinds["centre"].pk, "unit": town.units["A1"].code, "name": "坏设施", "lat": 30.1,
            "lng": 104.1, **change}
    answer = post(town.users["community_staff"], "/facilities", body)
    assert answer.status_code == status and words in answer.json()["detail"]
    assert not Facility.objects.filter(name="坏设施").exists()


def test_a_grid_worker_may_not_record_facilities(town):
    body = {"kind": town.kinds["centre"].pk, "unit": town.units["A1-1"].code, "name": "网格点", "lat": 30.1, "lng": 104.1}
    answer = post(town.users["grid_worker"], "/facilities", body)
    assert answer.status_code == 403 and "Only the staff" in answer.json()["detail"]


def test_an_extract_is_imported_as_the_next_version_and_a_bad_one_is_refused_whole(town, tmp_path):
    admin, code = town.users["district_admin"], town.units["district"].code
    path = tmp_path / "district.osm"
    path.write_text(OSM)
    with path.open("rb") as extract:
        answer = client_for(admin).post(f"{API}/districts/{code}/networks/import", {"extract": extract})
    assert answer.status_code == 201, answer.content
    assert (answer.json()["version"], answer.json()["node_count"], answer.json()["edge_count"]) == (2, 3, 2)
    garbage = tmp_path / "garbage.osm"
    garbage.write_bytes(b"PK\x03\x04 this is a zip, not OSM")
    with garbage.open("rb") as extract:
        refused = client_for(admin).post(f"{API}/districts/{code}/networks/import", {"extract": extract})
    assert refused.status_code == 422 and "OpenStreetMap" in refused.json()["detail"]
    assert WalkNetwork.objects.filter(district_code=code).count() == 2
    with path.open("rb") as extract:
        staff = client_for(town.users["district_dispatcher"]).post(f"{API}/districts/{code}/networks/import",
                                                                   {"extract": extract})
    assert staff.status_code == 403


def test_coverage_is_computed_and_read_back_per_unit(town):
    code = town.units["district"].code
    assert post(town.users["district_dispatcher"], f"/districts/{code}/coverage", {}).status_code == 403
    run = post(town.users["district_admin"], f"/districts/{code}/coverage", {})
    assert run.status_code == 201 and run.json()["status"] == "done" and run.json()["percent"] == 100
    answer = client_for(town.users["grid_worker2"]).get(f"{API}/coverage/{town.units['A1-2'].code}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["run"]["network_version"] == 1
    centre = next(r for r in body["results"] if r["kind"] == "centre")
    assert (centre["community"], centre["households"], centre["households_covered"]) == (town.units["A1"].code, 6, 4)
    assert {(u["kind"], u["households"]) for u in body["uncovered"]} == {("centre", 1)}  # A1-2's two buildings
    assert len(body["uncovered"]) == 2
    assert [(s["kind"], s["gain"], s["lat"]) for s in body["sites"]] == [("centre", 2, 30.012)]
    compliance = client_for(town.users["community_staff"]).get(f"{API}/compliance/{town.units['A1'].code}").json()
    assert compliance == [{"community": town.units["A1"].code, "kind": "centre", "households": 6, "required": "500.0",
                           "provided": "600.0", "facilities": 1, "meets": True}]


def test_the_kinds_are_the_districts_and_changed_by_its_administrator(town):
    kinds = client_for(town.users["resident"]).get(f"{API}/kinds").json()
    assert {k["code"] for k in kinds} == {"centre", "mediation"}
    pk = town.kinds["centre"].pk
    changed = client_for(town.users["district_admin"]).patch(f"{API}/kinds/{pk}", {"minutes": 10},
                                                             content_type="application/json")
    assert changed.status_code == 200 and changed.json()["minutes"] == 10
    refused = client_for(town.users["community_staff"]).patch(f"{API}/kinds/{pk}", {"minutes": 5},
                                                              content_type="application/json")
    assert refused.status_code == 403


def test_the_openapi_document_has_the_facilities_tag(client):
    document = client.get("/api/v1/openapi.json").json()
    tagged = [op for path in document["paths"].values() for op in path.values() if "facilities" in op.get("tags", [])]
    assert len(tagged) >= 12


def test_the_commands_import_generate_compute_and_print(town, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "district.osm"
    path.write_text(OSM)
    out = io.StringIO()
    with translation.override("en"):
        call_command("walk_network", district="510113", extract=str(path), stdout=out)
        assert "Walk network v2 of 510113: 3 nodes, 2 edges" in out.getvalue()
        with pytest.raises(CommandError, match="no file"):
            call_command("walk_network", district="510113", extract=str(tmp_path / "missing.osm"))
        with pytest.raises(CommandError, match="No district"):
            call_command("coverage", district="999999")
    # The street of the hand-worked world is version 1; compute on the newest (v2, far away: no one covered),
    # then print it.
    printed = io.StringIO()
    with translation.override("en"):
        call_command("coverage", district="510113", stdout=printed, stderr=io.StringIO())
    lines = printed.getvalue().splitlines()
    assert lines[0].startswith("Coverage of 510113 on walk network v2 (3 nodes)")
    centre_a1 = next(line for line in lines if line.startswith("党群服务中心") and "510113002001" in line)
    assert centre_a1.split()[2:4] == ["6", "0.0%"]
    assert lines[-1].split()[:4] == ["response", "circle", "all", "18"]
