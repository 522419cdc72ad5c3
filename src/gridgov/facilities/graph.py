"""The walk network and the "15-minute living circle" coverage computed on it — pure computation,
no database: numpy arrays in, numpy arrays out.

A point (a building, a facility) joins the network at its nearest node; the straight line to that
node is walked too, so its length (the *offset*) is added to every path that starts or ends there.
A distance "within the limit" includes the limit itself.

Node numbers are indices into the network's arrays. A point that :meth:`Walk.snap` could not place
(farther than ``max_snap_m`` from every node) gets node ``-1``: it is never a source and never
reached, so such a facility serves nobody and such a building is never covered.

Shortest paths are scipy's Dijkstra (``scipy.sparse.csgraph.dijkstra``) with a distance ``limit``,
which stops the search at the walking limit instead of exploring the whole district; several
sources at once are one search from a virtual node joined to each source by its offset.
"""
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from gridgov.core.geo import EARTH_RADIUS_M, METRES_PER_DEGREE

# Floats held by one batch of single-source searches (rows × nodes): 32 MB, whatever the district.
BATCH_FLOATS = 4_000_000


class NetworkError(ValueError):
    """The network, or the points given to it, cannot be used: the message says why."""


def haversine_m(lat1, lng1, lat2, lng2) -> np.ndarray:
    """Great-circle distances in metres, element by element (``gridgov.core.geo.distance_m`` for
    arrays: a network has too many edges for a Python loop)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lng2, lng1)) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))


@dataclass(eq=False)
class Network:
    """An undirected walk network: node coordinates (WGS 84 degrees) and edges with their lengths
    in metres. Checked when made, so a stored network that loads is a usable one."""

    lat: np.ndarray
    lng: np.ndarray
    edges: np.ndarray
    lengths: np.ndarray

    def __post_init__(self):
        self.lat = np.asarray(self.lat, dtype=np.float64).reshape(-1)
        self.lng = np.asarray(self.lng, dtype=np.float64).reshape(-1)
        self.edges = np.asarray(self.edges, dtype=np.int64).reshape(-1, 2).astype(np.int32)
        self.lengths = np.asarray(self.lengths, dtype=np.float64).reshape(-1)
        self._check()

    def _check(self):
        n = len(self.lat)
        if n == 0:
            raise NetworkError("The network has no nodes.")
        if len(self.lng) != n:
            raise NetworkError(f"The network has {n} latitudes but {len(self.lng)} longitudes.")
        if not (np.isfinite(self.lat).all() and np.isfinite(self.lng).all()):
            raise NetworkError("Some node coordinates are not numbers (NaN or infinite).")
        if (np.abs(self.lat) > 90).any() or (np.abs(self.lng) > 180).any():
            raise NetworkError("Some node coordinates are outside latitude ±90°, longitude ±180°.")
        if len(self.lengths) != len(self.edges):
            raise NetworkError(f"The network has {len(self.edges)} edges but {len(self.lengths)} lengths.")
        if len(self.edges) and (self.edges.min() < 0 or self.edges.max() >= n):
            raise NetworkError(f"Some edges name nodes that do not exist (the nodes are 0…{n - 1}).")
        if not np.isfinite(self.lengths).all() or (self.lengths < 0).any():
            raise NetworkError("Some edge lengths are negative or not numbers.")

    @property
    def node_count(self) -> int:
        return len(self.lat)

    @property
    def edge_count(self) -> int:
        return len(self.edges)

    def to_bytes(self) -> bytes:
        """The network as a compressed ``.npz`` archive, for a binary database column."""
        buffer = io.BytesIO()
        np.savez_compressed(buffer, lat=self.lat, lng=self.lng, edges=self.edges, lengths=self.lengths)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Network":
        """The network :meth:`to_bytes` wrote (checked again: the bytes may come from anywhere)."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as archive:
                return cls(lat=archive["lat"], lng=archive["lng"], edges=archive["edges"], lengths=archive["lengths"])
        except NetworkError:
            raise
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise NetworkError(f"These bytes are not a stored network ({error}).") from error

    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the nodes."""
        return float(self.lng.min()), float(self.lat.min()), float(self.lng.max()), float(self.lat.max())

    def segments(self) -> list:
        """Every edge as ``[[lng, lat], [lng, lat]]``, the way a map's line layer takes them."""
        ends = np.stack([self.lng[self.edges], self.lat[self.edges]], axis=-1)
        return ends.tolist()


class Walk:
    """A network prepared for shortest paths, once, then asked many questions.

    It holds the symmetric sparse matrix of edge lengths (of two edges between the same nodes the
    shorter is kept, loops are dropped) and a k-d tree over the nodes projected to local metres —
    an equirectangular projection around the network's mean latitude, accurate to well under a
    metre across a district, which is all that finding the nearest node needs.
    """

    def __init__(self, network: Network):
        self.network = network
        self.node_count = network.node_count
        self.matrix = self._matrix(network)
        self._lat0 = float(network.lat.mean())
        self._lng0 = float(network.lng.mean())
        self._tree = cKDTree(self._project(network.lat, network.lng))

    @staticmethod
    def _matrix(network: Network) -> sparse.csr_matrix:
        a, b = network.edges[:, 0].astype(np.int64), network.edges[:, 1].astype(np.int64)
        keep = a != b
        low, high, lengths = np.minimum(a, b)[keep], np.maximum(a, b)[keep], network.lengths[keep]
        n = network.node_count
        # Shortest first, then the first of each node pair: duplicates keep their shortest length.
        order = np.lexsort((lengths, low * n + high))
        key = (low * n + high)[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        low, high, lengths = low[order][first], high[order][first], lengths[order][first]
        rows, cols = np.concatenate([low, high]), np.concatenate([high, low])
        return sparse.csr_matrix((np.concatenate([lengths, lengths]), (rows, cols)), shape=(n, n))

    def _project(self, lat, lng) -> np.ndarray:
        x = (np.asarray(lng, dtype=np.float64) - self._lng0) * METRES_PER_DEGREE * np.cos(np.radians(self._lat0))
        y = (np.asarray(lat, dtype=np.float64) - self._lat0) * METRES_PER_DEGREE
        return np.column_stack([x, y])

    def snap(self, lat, lng, max_snap_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The nearest node of each point and the great-circle distance to it in metres. A point
        farther than ``max_snap_m`` from every node gets node -1 (off the network) and still its
        distance, so the caller can say how far off it is; nothing is refused here."""
        lat = np.atleast_1d(np.asarray(lat, dtype=np.float64))
        lng = np.atleast_1d(np.asarray(lng, dtype=np.float64))
        if lat.shape != lng.shape or not (np.isfinite(lat).all() and np.isfinite(lng).all()):
            raise NetworkError("Points to snap need as many latitudes as longitudes, all of them numbers.")
        _, nodes = self._tree.query(self._project(lat, lng))
        nodes = np.asarray(nodes, dtype=np.int64)
        metres = haversine_m(lat, lng, self.network.lat[nodes], self.network.lng[nodes])
        if max_snap_m is not None:
            nodes = np.where(metres > max_snap_m, -1, nodes)
        return nodes, metres

    def _points(self, nodes, offsets) -> tuple[np.ndarray, np.ndarray]:
        """Nodes and offsets as arrays, checked: -1 (off the network) or a node; offsets ≥ 0."""
        nodes = np.atleast_1d(np.asarray(nodes, dtype=np.int64))
        offsets = np.zeros(len(nodes)) if offsets is None else np.atleast_1d(np.asarray(offsets, dtype=np.float64))
        if nodes.shape != offsets.shape:
            raise NetworkError(f"{len(nodes)} nodes but {len(offsets)} offsets.")
        if len(nodes) and (nodes.min() < -1 or nodes.max() >= self.node_count):
            raise NetworkError(f"Some points name nodes that do not exist (the nodes are 0…{self.node_count - 1}).")
        if not (offsets >= 0).all():
            raise NetworkError("Offsets must be distances: numbers ≥ 0.")
        return nodes, offsets

    def reach(self, nodes, offsets, limit_m: float) -> np.ndarray:
        """Walking distance from the nearest of the sources to every node, each source starting at
        its own offset; inf beyond ``limit_m`` or unreachable.

        One search from a virtual node (number n) joined to each source by an edge as long as its
        offset; the edge only leaves the virtual node, so it is never a shortcut between sources.
        """
        nodes, offsets = self._points(nodes, offsets)
        usable = (nodes >= 0) & (offsets <= limit_m)
        nodes, offsets = nodes[usable], offsets[usable]
        n = self.node_count
        if not len(nodes):
            return np.full(n, np.inf)
        # A node given twice starts at the smaller offset.
        best = np.full(n, np.inf)
        np.minimum.at(best, nodes, offsets)
        starts = np.flatnonzero(np.isfinite(best))
        m = self.matrix
        augmented = sparse.csr_matrix(
            (np.concatenate([m.data, best[starts]]), np.concatenate([m.indices, starts]),
             np.concatenate([m.indptr, [m.nnz + len(starts)]])),
            shape=(n + 1, n + 1))
        return dijkstra(augmented, directed=True, indices=n, limit=limit_m)[:n]

    def distances_to(self, source_nodes, source_offsets, target_nodes, target_offsets, limit_m: float) -> np.ndarray:
        """Walking distance from the nearest source to each target, both offsets included; inf
        beyond ``limit_m``, unreachable, or a target off the network."""
        target_nodes, target_offsets = self._points(target_nodes, target_offsets)
        reached = self.reach(source_nodes, source_offsets, limit_m)
        return _arrive(reached, target_nodes, target_offsets, limit_m)

    def each_reach(self, nodes, offsets, limit_m: float) -> Iterator[tuple[int, np.ndarray]]:
        """(index, distances to every node) for each source on its own, limited like :meth:`reach`.
        Sources are searched in batches whose result rows stay under ``BATCH_FLOATS`` floats, so
        memory is bounded however many sources there are. Sources off the network are skipped."""
        nodes, offsets = self._points(nodes, offsets)
        todo = np.flatnonzero((nodes >= 0) & (offsets <= limit_m))
        batch = max(1, BATCH_FLOATS // self.node_count)
        for start in range(0, len(todo), batch):
            chunk = todo[start:start + batch]
            rows = dijkstra(self.matrix, directed=True, indices=nodes[chunk], limit=limit_m - offsets[chunk].min())
            rows = np.atleast_2d(rows) + offsets[chunk, None]
            rows[rows > limit_m] = np.inf
            yield from zip(chunk.tolist(), rows)


def _arrive(reached: np.ndarray, nodes: np.ndarray, offsets: np.ndarray, limit_m: float) -> np.ndarray:
    """Distances at the targets: the distance to their node plus their offset, inf past the limit
    or for a target off the network (node -1)."""
    result = np.full(len(nodes), np.inf)
    on = nodes >= 0
    result[on] = reached[nodes[on]] + offsets[on]
    result[result > limit_m] = np.inf
    return result


def covered(walk: Walk, facility_nodes, facility_offsets, demand_nodes, demand_offsets, limit_m: float) -> np.ndarray:
    """Whether each demand point (a building) has at least one facility within ``limit_m`` of
    walking — offsets at both ends included."""
    return np.isfinite(walk.distances_to(facility_nodes, facility_offsets, demand_nodes, demand_offsets, limit_m))


def catchments(walk: Walk, source_nodes, source_offsets, demand_nodes, demand_offsets,
               limit_m: float) -> sparse.csr_matrix:
    """Which demand points each source reaches within ``limit_m``: a sparse sources × demand
    matrix of ones. Its size is the number of (source, demand point) pairs within the limit — what
    a walking limit makes small — never sources × demand."""
    demand_nodes, demand_offsets = walk._points(demand_nodes, demand_offsets)
    rows, cols = [], []
    for index, reached in walk.each_reach(source_nodes, source_offsets, limit_m):
        hit = np.flatnonzero(np.isfinite(_arrive(reached, demand_nodes, demand_offsets, limit_m)))
        rows.append(np.full(len(hit), index))
        cols.append(hit)
    shape = (len(np.atleast_1d(source_nodes)), len(demand_nodes))
    if not rows:
        return sparse.csr_matrix(shape)
    ones = np.ones(sum(len(c) for c in cols))
    return sparse.csr_matrix((ones, (np.concatenate(rows), np.concatenate(cols))), shape=shape)


def two_step(walk: Walk, facility_nodes, facility_offsets, capacities, demand_nodes, demand_offsets,
             demand_weights, limit_m: float) -> np.ndarray:
    """Accessibility of each demand point by the two-step floating catchment area method (2SFCA).

    Step 1: each facility j's supply ratio R_j = capacity_j / (sum of the weights — residents — of
    the demand points within ``limit_m`` of j); 0 if there are none. Step 2: A_i = sum of R_j over
    the facilities within ``limit_m`` of demand point i: capacity per resident, shared out among
    everyone who can walk there, so crowded catchments count for less than their capacity.
    """
    weights = np.asarray(demand_weights, dtype=np.float64)
    capacities = np.asarray(capacities, dtype=np.float64)
    catch = catchments(walk, facility_nodes, facility_offsets, demand_nodes, demand_offsets, limit_m)
    if capacities.shape != (catch.shape[0],) or weights.shape != (catch.shape[1],):
        raise NetworkError("Give one capacity per facility and one weight per demand point.")
    served = catch @ weights
    ratios = np.divide(capacities, served, out=np.zeros_like(capacities), where=served > 0)
    return catch.T @ ratios


def greedy_sites(walk: Walk, candidate_nodes, demand_nodes, demand_offsets, demand_weights, already_covered,
                 limit_m: float, k: int) -> list[tuple[int, float]]:
    """Where to put up to ``k`` new facilities (greedy maximum coverage): pick the candidate node
    whose catchment holds the most weight not yet covered, count that weight as covered, repeat;
    stop early when no candidate adds anything. Returns (candidate node, weight it gained) in the
    order picked; of equal gains the first candidate given wins. Greedy is within 1 − 1/e of the
    best choice of k sites, and the problem is NP-hard, so it is the usual answer."""
    weights = np.asarray(demand_weights, dtype=np.float64)
    uncovered = weights * ~np.asarray(already_covered, dtype=bool)
    candidate_nodes = np.atleast_1d(np.asarray(candidate_nodes, dtype=np.int64))
    catch = catchments(walk, candidate_nodes, None, demand_nodes, demand_offsets, limit_m)
    if uncovered.shape != (catch.shape[1],):
        raise NetworkError("Give one weight and one covered flag per demand point.")
    picked = []
    for _ in range(k):
        gains = catch @ uncovered
        best = int(np.argmax(gains)) if len(gains) else -1
        if best < 0 or gains[best] <= 0:
            break
        picked.append((int(candidate_nodes[best]), float(gains[best])))
        uncovered[catch[best].indices] = 0
    return picked
