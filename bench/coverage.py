"""Benchmark: 15-minute-circle coverage on a city-sized walk network, scipy against networkx.

Builds a perturbed street lattice of ``--side``² nodes (316² ≈ 100,000 by default), scatters
``--buildings`` buildings and ``--kinds`` kinds of facilities (20–200 of each) over it, snaps them
all, and computes for each kind which buildings have one within ``--limit`` metres of walking —
with ``gridgov.facilities.graph`` (one limited scipy Dijkstra from a virtual source per kind) and
with ``networkx.multi_source_dijkstra_path_length(cutoff=…)`` from the same virtual source on the
same graph, in the same run. The covered sets must be equal (exit 1 otherwise). Prints the times,
the ratio networkx / scipy, the peak memory of the scipy side (tracemalloc) and of the process
(maxrss), and, for one kind, the time of the two-step floating catchment and of greedy siting.

    .venv/bin/python bench/coverage.py
    .venv/bin/python bench/coverage.py --side 200 --buildings 20000 --nx-kinds 3

Never run by the tests or CI.
"""
import argparse
import math
import resource
import sys
import time
import tracemalloc

import networkx as nx
import numpy as np

from gridgov.core.geo import METRES_PER_DEGREE
from gridgov.facilities.graph import Network, Walk, covered, greedy_sites, haversine_m, two_step

LAT0, LNG0 = 30.25, 120.15  # the lattice's south-west corner


def lattice(side: int, spacing_m: float, rng) -> Network:
    """side × side nodes about ``spacing_m`` apart, each moved by up to a fifth of the spacing,
    with 5 % of the street segments missing (dead ends, blocks without a through path)."""
    rows, cols = np.divmod(np.arange(side * side), side)
    jitter = rng.uniform(-0.2, 0.2, size=(2, side * side))
    lat = LAT0 + (rows + jitter[0]) * spacing_m / METRES_PER_DEGREE
    lng = LNG0 + (cols + jitter[1]) * spacing_m / (METRES_PER_DEGREE * math.cos(math.radians(LAT0)))
    index = np.arange(side * side).reshape(side, side)
    edges = np.vstack([np.column_stack([index[:, :-1].ravel(), index[:, 1:].ravel()]),
                       np.column_stack([index[:-1].ravel(), index[1:].ravel()])])
    edges = edges[rng.random(len(edges)) > 0.05]
    lengths = haversine_m(lat[edges[:, 0]], lng[edges[:, 0]], lat[edges[:, 1]], lng[edges[:, 1]])
    return Network(lat=lat, lng=lng, edges=edges, lengths=lengths)


def scatter(walk: Walk, count: int, rng):
    """``count`` random points over the network's box, snapped: (nodes, metres)."""
    west, south, east, north = walk.network.bounds()
    return walk.snap(rng.uniform(south, north, count), rng.uniform(west, east, count))


def networkx_covered(graph, facilities, buildings, limit):
    """The covered buildings by networkx: a virtual source joined to each facility by its offset."""
    graph.add_weighted_edges_from(("start", int(n), float(o)) for n, o in zip(*facilities))
    try:
        reached = nx.multi_source_dijkstra_path_length(graph, {"start"}, cutoff=limit)
    finally:
        graph.remove_node("start")
    nodes, offsets = buildings
    distance = np.array([reached.get(int(n), math.inf) for n in nodes]) + offsets
    return distance <= limit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--side", type=int, default=316)
    parser.add_argument("--spacing", type=float, default=80.0, help="metres between lattice nodes")
    parser.add_argument("--buildings", type=int, default=50_000)
    parser.add_argument("--kinds", type=int, default=10)
    parser.add_argument("--nx-kinds", type=int, default=None, help="kinds also run with networkx (all)")
    parser.add_argument("--limit", type=float, default=1000.0, help="walking limit in metres")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    network = lattice(args.side, args.spacing, rng)
    built = time.perf_counter()
    walk = Walk(network)
    prepared = time.perf_counter()
    buildings = scatter(walk, args.buildings, rng)
    kinds = [scatter(walk, int(count), rng) for count in np.linspace(20, 200, args.kinds).round()]
    print(f"network: {network.node_count:,} nodes, {network.edge_count:,} edges "
          f"(built {built - started:.2f} s, Walk prepared {prepared - built:.2f} s); "
          f"{args.buildings:,} buildings, {args.kinds} kinds of "
          f"{', '.join(str(len(k[0])) for k in kinds)} facilities; limit {args.limit:.0f} m")

    tracemalloc.start()
    scipy_seconds, scipy_sets = [], []
    for facilities in kinds:
        start = time.perf_counter()
        scipy_sets.append(covered(walk, *facilities, *buildings, args.limit))
        scipy_seconds.append(time.perf_counter() - start)
    _, scipy_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    start = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(network.node_count))
    graph.add_weighted_edges_from(zip(network.edges[:, 0].tolist(), network.edges[:, 1].tolist(),
                                      network.lengths.tolist()))
    graph_seconds = time.perf_counter() - start
    nx_kinds = args.kinds if args.nx_kinds is None else min(args.nx_kinds, args.kinds)
    nx_seconds, disagreements = [], 0
    for number, facilities in enumerate(kinds[:nx_kinds]):
        start = time.perf_counter()
        expected = networkx_covered(graph, facilities, buildings, args.limit)
        nx_seconds.append(time.perf_counter() - start)
        if not (expected == scipy_sets[number]).all():
            disagreements += 1
            print(f"kind {number}: {int((expected != scipy_sets[number]).sum())} buildings disagree")

    print(f"{'kind':>4} {'facilities':>10} {'covered':>8} {'scipy s':>8} {'networkx s':>10} {'ratio':>6}")
    for number, facilities in enumerate(kinds):
        nx_time = f"{nx_seconds[number]:10.3f} {nx_seconds[number] / scipy_seconds[number]:6.0f}" \
            if number < nx_kinds else f"{'—':>10} {'—':>6}"
        print(f"{number:>4} {len(facilities[0]):>10} {scipy_sets[number].mean():8.1%} "
              f"{scipy_seconds[number]:8.3f} {nx_time}")
    scipy_total, nx_total = sum(scipy_seconds), sum(nx_seconds)
    scipy_same = sum(scipy_seconds[:nx_kinds])
    print(f"scipy: {scipy_total:.2f} s for {args.kinds} kinds; networkx: {nx_total:.2f} s for {nx_kinds} kinds "
          f"(+ {graph_seconds:.2f} s to build its graph); ratio on the same kinds: {nx_total / scipy_same:.0f}×")
    if nx_kinds < args.kinds:
        print(f"networkx for all {args.kinds} kinds, extrapolated from the mean of {nx_kinds}: "
              f"{nx_total / nx_kinds * args.kinds:.1f} s")

    biggest = kinds[-1]
    weights = np.ones(args.buildings)
    start = time.perf_counter()
    two_step(walk, *biggest, np.full(len(biggest[0]), 100.0), *buildings, weights, args.limit)
    fcas = time.perf_counter() - start
    candidates = rng.choice(network.node_count, size=500, replace=False)
    start = time.perf_counter()
    greedy_sites(walk, candidates, *buildings, weights, scipy_sets[0], args.limit, 10)
    greedy = time.perf_counter() - start
    print(f"2SFCA over {len(biggest[0])} facilities: {fcas:.2f} s; greedy 10 sites of 500 candidates: {greedy:.2f} s")
    print(f"peak memory: scipy coverage {scipy_peak / 2**20:.1f} MiB (tracemalloc); "
          f"process maxrss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if disagreements:
        print(f"{disagreements} kinds disagree between scipy and networkx")
        return 1
    print("scipy and networkx cover the same buildings for every kind compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
