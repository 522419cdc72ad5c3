"""Reading the walk network out of OpenStreetMap files (gridgov.facilities.osm): small extracts
written by hand, in XML and PBF, from a path or as bytes, and every kind of bad file refused with
its reason. No database."""
import gzip
import math

import osmium
import pytest
from django.utils import translation
from osmium.osm import mutable

from gridgov.core.geo import EARTH_RADIUS_M
from gridgov.facilities.osm import OsmError, read

# 0.001° of latitude: 6 371 008.8 m × 0.001 × π / 180 = 111.195 m.
NORTH_STEP_M = 111.195
# 0.001° of longitude at 30.001° N: 111.195 m × cos 30.001° (0.866017) = 96.297 m.
EAST_STEP_M = 96.297

# Nodes 1 — 2 (footway, north), 2 — 3 (residential, east; its last node 99 is not in the file),
# 3 — 4 (private service road, but foot=yes: walkable, north). Not walkable: 3 — 5 (motorway),
# 3 — 6 (private), 1 — 7 (foot=no), 1 — 8 (a building outline, no highway tag).
NODES = {1: (30.000, 120.000), 2: (30.001, 120.000), 3: (30.001, 120.001), 4: (30.002, 120.001),
         5: (30.003, 120.003), 6: (30.000, 120.002), 7: (29.999, 120.000), 8: (30.000, 119.999)}
WAYS = [
    (10, [1, 2], {"highway": "footway"}),
    (11, [2, 3, 99], {"highway": "residential", "name": "中山路"}),
    (12, [3, 5], {"highway": "motorway"}),
    (13, [3, 6], {"highway": "service", "access": "private"}),
    (14, [3, 4], {"highway": "service", "access": "private", "foot": "yes"}),
    (15, [1, 7], {"highway": "path", "foot": "no"}),
    (16, [1, 8, 1], {"building": "yes"}),
]
DISTRICT = (119.99, 29.99, 120.01, 30.01)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def osm_xml(nodes=NODES, ways=WAYS, swap=False) -> bytes:
    """An .osm XML document of these nodes {id: (lat, lng)} and ways [(id, node ids, tags)]."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="hand">']
    for node, (lat, lng) in nodes.items():
        lat, lng = (lng, lat) if swap else (lat, lng)
        lines.append(f'<node id="{node}" version="1" lat="{lat}" lon="{lng}"/>')
    for way, refs, tags in ways:
        lines.append(f'<way id="{way}" version="1">')
        lines += [f'<nd ref="{ref}"/>' for ref in refs]
        lines += [f'<tag k="{key}" v="{value}"/>' for key, value in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    return "\n".join(lines).encode()


def edge_lengths(network) -> dict:
    """{frozenset of the two ends' (lat, lng): length} — independent of the reader's numbering."""
    ends = [(round(network.lat[i], 6), round(network.lng[i], 6)) for i in range(network.node_count)]
    return {frozenset((ends[a], ends[b])): length for (a, b), length in zip(network.edges, network.lengths)}


def check_the_hand_network(network):
    assert (network.node_count, network.edge_count) == (4, 3)
    lengths = edge_lengths(network)
    assert set(lengths) == {frozenset((NODES[1], NODES[2])), frozenset((NODES[2], NODES[3])),
                            frozenset((NODES[3], NODES[4]))}
    assert lengths[frozenset((NODES[1], NODES[2]))] == pytest.approx(NORTH_STEP_M, abs=0.001)
    assert lengths[frozenset((NODES[2], NODES[3]))] == pytest.approx(EAST_STEP_M, abs=0.001)
    assert lengths[frozenset((NODES[3], NODES[4]))] == pytest.approx(NORTH_STEP_M, abs=0.001)


def test_hand_numbers_are_what_they_say():
    assert EARTH_RADIUS_M * math.radians(0.001) == pytest.approx(NORTH_STEP_M, abs=0.001)
    assert NORTH_STEP_M * math.cos(math.radians(30.001)) == pytest.approx(EAST_STEP_M, abs=0.001)


def test_walkable_ways_from_an_osm_file_and_from_its_bytes(tmp_path):
    path = tmp_path / "district.osm"
    path.write_bytes(osm_xml())
    check_the_hand_network(read(path))
    check_the_hand_network(read(str(path), within=DISTRICT))
    check_the_hand_network(read(osm_xml()))
    check_the_hand_network(read(gzip.compress(osm_xml())))
    gzipped = tmp_path / "upload"
    gzipped.write_bytes(gzip.compress(osm_xml()))
    check_the_hand_network(read(gzipped))


def test_a_pbf_file_round_trip(tmp_path):
    path = tmp_path / "district.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for node, (lat, lng) in NODES.items():
        writer.add_node(mutable.Node(id=node, location=(lng, lat)))
    for way, refs, tags in WAYS:
        writer.add_way(mutable.Way(id=way, nodes=refs, tags=tags))
    writer.close()
    check_the_hand_network(read(path, within=DISTRICT))
    check_the_hand_network(read(path.read_bytes()))
    # An upload's temporary file has no extension: the format is told by the first bytes.
    upload = tmp_path / "upload-7f3a"
    upload.write_bytes(path.read_bytes())
    check_the_hand_network(read(upload))


def refused(source, match, **kwargs):
    with pytest.raises(OsmError, match=match):
        read(source, **kwargs)


def test_files_that_are_not_openstreetmap_are_refused(tmp_path):
    refused(b"hello, this is not a map", "not an OpenStreetMap file")
    refused(b"\x00\x00\x00\x0dOSMHeader and then junk", "not an OpenStreetMap file")
    path = tmp_path / "district.osm"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    refused(path, "not an OpenStreetMap file")


def test_empty_files_are_refused(tmp_path):
    refused(b"", "The file is empty")
    refused(b"  \n", "The file is empty")
    path = tmp_path / "empty.osm"
    path.write_bytes(b"")
    refused(path, "The file is empty")
    refused(tmp_path / "missing.osm", "There is no file at .*missing.osm")


def test_a_file_without_a_walkable_way_is_refused():
    refused(osm_xml(ways=[w for w in WAYS if w[0] in (12, 13, 15, 16)]), "no walkable way")
    refused(osm_xml(ways=[]), "no walkable way")


def test_an_extract_of_another_place_is_refused():
    beijing = (116.3, 39.9, 116.5, 40.0)
    refused(osm_xml(), r"outside the district \(116.3, 39.9 – 116.5, 40.0\)", within=beijing)


def test_swapped_coordinates_are_refused():
    # Latitude 120°: impossible. Only the walkable ways' nodes are looked at: 1, 2, 3 and 4.
    refused(osm_xml(swap=True), r"Some nodes \(4\) have a latitude beyond ±90°.*look swapped")
    # A district at 31° E, 30° N (a longitude under 90°, so exchanged coordinates are possible
    # ones): the file holds it; the same file with latitude and longitude exchanged does not.
    nodes = {node: (lat, lng - 89) for node, (lat, lng) in NODES.items()}
    box = (30.99, 29.99, 31.01, 30.01)
    assert read(osm_xml(nodes=nodes), within=box).node_count == 4
    refused(osm_xml(nodes=nodes, swap=True), "look swapped", within=box)
