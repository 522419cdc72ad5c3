"""The walk network's shortest paths and the coverage measures built on them (gridgov.facilities.graph
and .generated): small graphs worked out by hand, networkx as the reference on a random lattice, a
property (more facilities never cover less) and the synthetic district's river and ring road.
No database."""
import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from gridgov.core.geo import METRES_PER_DEGREE, distance_m
from gridgov.facilities import generated
from gridgov.facilities.graph import Network, NetworkError, Walk, covered, greedy_sites, two_step

LAT0, LNG0 = 30.0, 120.0
M_LNG = METRES_PER_DEGREE * math.cos(math.radians(LAT0))  # metres per degree of longitude at LAT0


def at(x_m, y_m):
    """(lat, lng) of a point x metres east and y metres north of (LAT0, LNG0)."""
    return LAT0 + y_m / METRES_PER_DEGREE, LNG0 + x_m / M_LNG


def network(points_m, edges, lengths=None):
    """A network from points in local metres; lengths as given (by hand) or straight-line."""
    lat, lng = np.array([at(x, y) for x, y in points_m]).T
    edges = np.array(edges).reshape(-1, 2)
    if lengths is None:
        lengths = [distance_m(lat[a], lng[a], lat[b], lng[b]) for a, b in edges]
    return Network(lat=lat, lng=lng, edges=edges, lengths=np.array(lengths, dtype=float))


def lattice3():
    """3 × 3 lattice, 100 m edges; node r*3 + c sits at (100c, 100r):

        6 — 7 — 8
        |   |   |
        3 — 4 — 5
        |   |   |
        0 — 1 — 2
    """
    points = [(100 * c, 100 * r) for r in range(3) for c in range(3)]
    edges = [(r * 3 + c, r * 3 + c + 1) for r in range(3) for c in range(2)]
    edges += [(r * 3 + c, (r + 1) * 3 + c) for r in range(2) for c in range(3)]
    return network(points, edges, [100.0] * len(edges))


def test_distances_from_a_corner_of_a_3x3_lattice_and_the_limit_cuts():
    walk = Walk(lattice3())
    # From node 0 every node is 100 m × (row + column) away.
    assert walk.reach([0], [0.0], 1000).tolist() == [0, 100, 200, 100, 200, 300, 200, 300, 400]
    # 250 m: the far corner (400) and the two 300s are beyond; the limit itself is within (200 ≤ 200).
    inf = math.inf
    assert walk.reach([0], [0.0], 250).tolist() == [0, 100, 200, 100, 200, inf, 200, inf, inf]
    assert walk.reach([0], [0.0], 200).tolist() == [0, 100, 200, 100, 200, inf, 200, inf, inf]
    assert walk.reach([0], [0.0], 199.9).tolist() == [0, 100, inf, 100, inf, inf, inf, inf, inf]


def test_offsets_are_walked_at_both_ends_and_each_source_starts_at_its_own():
    walk = Walk(lattice3())
    # Facility 30 m off node 0, building 20 m off node 4: 30 + 200 + 20 = 250 m.
    assert walk.distances_to([0], [30.0], [4], [20.0], 1000).tolist() == [250]
    assert covered(walk, [0], [30.0], [4], [20.0], 250).tolist() == [True]
    assert covered(walk, [0], [30.0], [4], [20.0], 249).tolist() == [False]
    # Two sources: node 0 starting 150 m back, node 8 at once. Node 0: min(150, 0 + 400) = 150;
    # node 4: min(150 + 200, 200) = 200; node 2: min(150 + 200, 0 + 200) = 200; node 1: min(250, 300) = 250.
    reached = walk.reach([0, 8], [150.0, 0.0], 1000)
    assert reached[[0, 4, 2, 1, 8]].tolist() == [150, 200, 200, 250, 0]
    # A source whose offset alone is past the limit reaches nothing.
    assert np.isinf(walk.reach([0], [300.0], 250)).all()


def test_of_two_edges_between_the_same_nodes_the_shorter_counts():
    walk = Walk(network([(0, 0), (100, 0)], [(0, 1), (1, 0), (0, 1), (1, 1)], [100.0, 40.0, 70.0, 5.0]))
    assert walk.reach([0], None, 1000).tolist() == [0, 40]


def river_with_one_bridge():
    """Two banks 50 m apart, each a street of 11 nodes 100 m apart; the only bridge is at the east
    end. Nodes 0…10 are the south bank (x = 0…1000 m), 11…21 the north bank at y = 50 m:

        11 — 12 — … — 21
                       |  (the bridge, 50 m)
         0 —  1 — … — 10
    """
    points = [(100 * i, 0) for i in range(11)] + [(100 * i, 50) for i in range(11)]
    edges = [(i, i + 1) for i in range(10)] + [(11 + i, 12 + i) for i in range(10)] + [(10, 21)]
    return network(points, edges, [100.0] * 20 + [50.0])


def test_across_the_river_is_not_covered_though_a_straight_line_buffer_would_say_so():
    walk = Walk(river_with_one_bridge())
    facility, home = at(0, 0), at(0, 50)
    assert distance_m(*facility, *home) == pytest.approx(50, abs=0.01)  # a 1000 m buffer holds it
    f_nodes, f_metres = walk.snap(*facility)
    h_nodes, h_metres = walk.snap(*home)
    assert (f_nodes.tolist(), h_nodes.tolist()) == ([0], [11])
    assert f_metres[0] == pytest.approx(0, abs=1e-6) and h_metres[0] == pytest.approx(0, abs=1e-6)
    # On the network: 1000 m east, 50 m over the bridge, 1000 m back west = 2050 m.
    assert walk.distances_to(f_nodes, f_metres, h_nodes, h_metres, 3000)[0] == pytest.approx(2050)
    assert covered(walk, f_nodes, f_metres, h_nodes, h_metres, 1000).tolist() == [False]


def test_a_disconnected_component_is_never_covered():
    # The 3×3 lattice plus nodes 9 — 10 (10 m apart) far from it and joined to nothing else.
    base = lattice3()
    net = Network(lat=np.append(base.lat, [31.0, 31.0001]), lng=np.append(base.lng, [121.0, 121.0]),
                  edges=np.vstack([base.edges, [[9, 10]]]), lengths=np.append(base.lengths, 10.0))
    walk = Walk(net)
    assert covered(walk, [0, 4], None, [8, 9, 10], None, 1e9).tolist() == [True, False, False]
    assert covered(walk, [9], None, [10, 0], None, 1e9).tolist() == [True, False]


def test_snap_gives_the_nearest_node_and_how_far_and_marks_points_too_far_off():
    walk = Walk(lattice3())
    nodes, metres = walk.snap([at(110, 5)[0], at(-30, 0)[0]], [at(110, 5)[1], at(-30, 0)[1]])
    assert nodes.tolist() == [1, 0]
    # √(10² + 5²) = 11.18 m; 30 m.
    assert metres == pytest.approx([math.hypot(10, 5), 30], abs=0.05)
    nodes, metres = walk.snap(*at(-30, 0), max_snap_m=20)
    assert nodes.tolist() == [-1] and metres == pytest.approx([30], abs=0.05)
    # Off the network: never a source, never reached.
    assert covered(walk, [-1, 0], None, [2], None, 1000).tolist() == [True]
    assert covered(walk, [-1], None, [0], None, 1000).tolist() == [False]
    assert covered(walk, [0], None, [-1], None, 1000).tolist() == [False]


def path(n):
    """Nodes 0 — 1 — … — n-1 on a line, 100 m apart."""
    return network([(100 * i, 0) for i in range(n)], [(i, i + 1) for i in range(n - 1)], [100.0] * (n - 1))


def test_two_step_floating_catchment_worked_by_hand():
    # 0 — 1 — 2 — 3 — 4, 100 m apart, limit 200 m. Facilities: node 0 (capacity 10), node 4 (6).
    # Demand: node 1 (100 people), node 2 (50), node 3 (30).
    # Step 1: facility 0 reaches nodes 0…2 → people 100 + 50 = 150 → R = 10/150 = 1/15;
    #         facility 4 reaches nodes 2…4 → people 50 + 30 = 80 → R = 6/80 = 3/40.
    # Step 2: node 1 reaches facility 0 only: 1/15; node 2 both: 1/15 + 3/40 = 17/120; node 3: 3/40.
    walk = Walk(path(5))
    access = two_step(walk, [0, 4], None, [10, 6], [1, 2, 3], None, [100, 50, 30], 200)
    assert access == pytest.approx([1 / 15, 17 / 120, 3 / 40])
    # A facility that reaches nobody gives nothing (R = 0, not a division by zero).
    assert two_step(walk, [0], None, [10], [4], None, [5], 200).tolist() == [0]


def test_greedy_sites_worked_by_hand():
    # 0 — 1 — … — 6, 100 m apart, limit 100 m: a site at node c covers nodes c-1, c, c+1.
    # Weights 5, 1, 1, 1, 1, 1, 8. Gains: c0 6, c1 7, c2…c4 3, c5 1+1+8 = 10, c6 9 → node 5 (10),
    # covering 4…6. Then c1 5+1+1 = 7 is best → node 1 (7), covering 0…2. Then only node 3 (1) is
    # left: c2, c3, c4 each gain 1, the first given wins → node 2 (1). Then nothing: stop before k.
    walk = Walk(path(7))
    weights = [5, 1, 1, 1, 1, 1, 8]
    nodes = list(range(7))
    none = np.zeros(7, dtype=bool)
    assert greedy_sites(walk, nodes, nodes, None, weights, none, 100, 5) == [(5, 10.0), (1, 7.0), (2, 1.0)]
    # Node 6 already covered: c5 gains 1+1 = 2, c6 1, so c1 (7) comes first.
    already = none.copy()
    already[6] = True
    assert greedy_sites(walk, nodes, nodes, None, weights, already, 100, 1) == [(1, 7.0)]


def random_lattice(rng, side):
    """A side × side lattice with random lengths (10–200 m) and about a tenth of its edges removed."""
    index = np.arange(side * side).reshape(side, side)
    edges = np.vstack([np.column_stack([index[:, :-1].ravel(), index[:, 1:].ravel()]),
                       np.column_stack([index[:-1].ravel(), index[1:].ravel()])])
    edges = edges[rng.random(len(edges)) > 0.1]
    lat, lng = np.divmod(np.arange(side * side), side)
    return Network(lat=LAT0 + lat * 0.001, lng=LNG0 + lng * 0.001, edges=edges,
                   lengths=rng.uniform(10, 200, len(edges)))


def test_reach_equals_networkx_with_a_virtual_source_and_a_cutoff():
    rng = np.random.default_rng(7)
    net = random_lattice(rng, 15)
    graph = nx.Graph()
    graph.add_nodes_from(range(net.node_count))
    graph.add_weighted_edges_from((int(a), int(b), float(w)) for (a, b), w in zip(net.edges, net.lengths))
    walk = Walk(net)
    for _ in range(5):
        sources = rng.choice(net.node_count, size=4, replace=False)
        offsets = rng.uniform(0, 100, size=4)
        limit = float(rng.uniform(100, 800))
        with_source = graph.copy()
        with_source.add_weighted_edges_from(("start", int(s), float(o)) for s, o in zip(sources, offsets))
        expected = nx.multi_source_dijkstra_path_length(with_source, {"start"}, cutoff=limit)
        expected.pop("start")
        reached = walk.reach(sources, offsets, limit)
        assert set(np.flatnonzero(np.isfinite(reached)).tolist()) == set(expected)
        assert reached[list(expected)] == pytest.approx(list(expected.values()))


@st.composite
def facilities_on_a_network(draw):
    n = draw(st.integers(2, 12))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    lengths = draw(st.lists(st.floats(0, 500), min_size=len(pairs), max_size=len(pairs)))
    point = st.tuples(st.integers(0, n - 1), st.floats(0, 200))
    some, more = draw(st.lists(point, max_size=4)), draw(st.lists(point, min_size=1, max_size=3))
    demand = draw(st.lists(point, min_size=1, max_size=8))
    net = Network(lat=np.full(n, LAT0), lng=LNG0 + np.arange(n) * 0.001, edges=np.array(pairs, dtype=int),
                  lengths=np.array(lengths))
    return net, some, more, demand, draw(st.floats(0, 1500))


@settings(max_examples=40, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(facilities_on_a_network())
def test_adding_a_facility_never_lowers_coverage(case):
    net, some, more, demand, limit = case
    walk = Walk(net)
    d_nodes, d_offsets = zip(*demand)

    def covered_by(points):
        nodes, offsets = zip(*points) if points else ((), ())
        return covered(walk, list(nodes), list(offsets), list(d_nodes), list(d_offsets), limit)

    smaller, bigger = covered_by(some), covered_by(some + more)
    assert not (smaller & ~bigger).any()


def test_bad_networks_are_refused():
    good = lattice3()
    with pytest.raises(NetworkError, match="no nodes"):
        Network(lat=[], lng=[], edges=np.zeros((0, 2)), lengths=[])
    with pytest.raises(NetworkError, match="do not exist"):
        Network(lat=good.lat, lng=good.lng, edges=[[0, 9]], lengths=[1.0])
    with pytest.raises(NetworkError, match="negative"):
        Network(lat=good.lat, lng=good.lng, edges=[[0, 1]], lengths=[-1.0])
    with pytest.raises(NetworkError, match="not numbers"):
        Network(lat=np.append(good.lat[:-1], np.nan), lng=good.lng, edges=good.edges, lengths=good.lengths)
    with pytest.raises(NetworkError, match="not a stored network"):
        Network.from_bytes(b"not an archive")
    with pytest.raises(NetworkError, match="not a stored network"):
        Network.from_bytes(good.to_bytes()[:200])
    with pytest.raises(NetworkError, match="do not exist"):
        Walk(good).reach([9], None, 100)
    with pytest.raises(NetworkError, match="≥ 0"):
        Walk(good).reach([0], [-5.0], 100)


def test_storage_bounds_and_segments():
    net = lattice3()
    again = Network.from_bytes(net.to_bytes())
    assert (again.lat == net.lat).all() and (again.lng == net.lng).all()
    assert (again.edges == net.edges).all() and (again.lengths == net.lengths).all()
    assert (again.node_count, again.edge_count) == (9, 12)
    west, south, east, north = net.bounds()
    assert (west, south) == (LNG0, LAT0) and (east, north) == pytest.approx(at(200, 200)[::-1])
    first = net.segments()[0]  # edge 0 — 1: from (LNG0, LAT0) 100 m east
    assert first[0] == [LNG0, LAT0] and first[1] == pytest.approx([at(100, 0)[1], LAT0])


BOX = (120.0, 30.0, 120.05, 30.04)  # about 4.8 km × 4.4 km


def crossings(net, box, river_at):
    """Edges that cross the river's line within the box."""
    (west, lat), (east, _) = generated.river_line(*box, river_at)
    a, b = net.edges.T
    across = (net.lat[a] - lat) * (net.lat[b] - lat) < 0
    within = (net.lng[a] >= west) & (net.lng[a] <= east) & (net.lng[b] >= west) & (net.lng[b] <= east)
    return net.edges[across & within]


def test_the_generated_river_has_exactly_its_bridges():
    for bridges in (0, 1, 2, 5):
        assert len(crossings(generated.generate(*BOX, bridges=bridges), BOX, 0.5)) == bridges
    assert len(crossings(generated.generate(*BOX, river_at=0.25, bridges=3, ring=False), BOX, 0.25)) == 3


def test_the_generated_ring_road_is_one_loop_outside_the_box():
    west, south, east, north = BOX
    net = generated.generate(*BOX)
    outside = ~((net.lng >= west) & (net.lng <= east) & (net.lat >= south) & (net.lat <= north))
    ring = np.flatnonzero(outside)
    # The lattice has 33 columns (0.05° ÷ 0.00156° per 150 m, plus one) and 30 rows; the ring faces
    # each of them on both sides, plus 4 corners.
    assert len(ring) == 2 * 33 + 2 * 30 + 4
    loop = net.edges[outside[net.edges[:, 0]] & outside[net.edges[:, 1]]]
    assert len(loop) == len(ring)
    degree = np.bincount(loop.ravel(), minlength=net.node_count)[ring]
    assert (degree == 2).all()
    sub = Walk(Network(lat=net.lat, lng=net.lng, edges=loop, lengths=np.ones(len(loop)))).matrix[ring][:, ring]
    assert connected_components(sub, directed=False)[0] == 1
    # Without the ring, nothing lies outside the box and the whole lattice is still connected (by bridges).
    plain = generated.generate(*BOX, ring=False)
    assert plain.node_count == net.node_count - len(ring)
    assert connected_components(Walk(plain).matrix, directed=False)[0] == 1


def test_just_across_the_generated_river_is_far_on_the_network():
    net = generated.generate(*BOX)
    walk = Walk(net)
    lat = generated.river_line(*BOX, 0.5)[0][1]
    # The middle column (16 of 0…32) lies midway between the bridges at columns 8 and 24 (each in
    # the middle of its half: ⌊0.5 × 33 / 2⌋, ⌊1.5 × 33 / 2⌋). Its nodes 75 m south and north of the
    # river are 150 m apart straight, but 8 × 150 east, 150 over the bridge, 8 × 150 back = 2550 m.
    middle = BOX[0] + 16 * 150 / (METRES_PER_DEGREE * math.cos(math.radians(30.02)))
    south_bank, _ = walk.snap(lat - 75 / METRES_PER_DEGREE, middle)
    north_bank, _ = walk.snap(lat + 75 / METRES_PER_DEGREE, middle)
    assert distance_m(net.lat[south_bank[0]], net.lng[south_bank[0]], net.lat[north_bank[0]],
                      net.lng[north_bank[0]]) == pytest.approx(150, abs=0.5)
    assert walk.distances_to(south_bank, None, north_bank, None, 5000)[0] == pytest.approx(2550, rel=1e-3)
    assert not covered(walk, south_bank, None, north_bank, None, 1000)[0]


def test_generated_inside_a_polygon_keeps_only_its_streets():
    shapely = pytest.importorskip("shapely")
    west, south, east, north = BOX
    # The box's western half.
    half = shapely.box(west, south, (west + east) / 2, north)
    net = generated.generate(*BOX, ring=False, inside=half)
    assert (net.lng <= (west + east) / 2).all()
    full = generated.generate(*BOX, ring=False)
    assert 0.4 * full.node_count < net.node_count < 0.6 * full.node_count
    # The same box and options give the same network.
    again = generated.generate(*BOX, ring=False, inside=half)
    assert again.to_bytes() == net.to_bytes()
