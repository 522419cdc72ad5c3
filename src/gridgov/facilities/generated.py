"""A synthetic walk network for the demo district and the tests, where no OpenStreetMap extract is
loaded: a street lattice, a river that only a few bridges cross, and a ring road around it all —
enough for coverage to differ visibly from a straight-line buffer. Deterministic: the same box and
options always give the same network.
"""
import math

import numpy as np
import shapely

from gridgov.core.geo import METRES_PER_DEGREE

from .graph import Network, haversine_m


def river_latitude(south: float, north: float, river_at: float) -> float:
    """The river's latitude: ``river_at`` of the way from the box's south edge to its north edge."""
    return south + river_at * (north - south)


def river_line(west: float, south: float, east: float, north: float, river_at: float = 0.5) -> list:
    """The river as ``[[lng, lat], [lng, lat]]``, from the box's west edge to its east edge."""
    lat = river_latitude(south, north, river_at)
    return [[west, lat], [east, lat]]


def generate(west: float, south: float, east: float, north: float, *, spacing_m: float = 150.0,
             river_at: float | None = 0.5, bridges: int = 2, ring: bool = True, inside=None) -> Network:
    """A lattice of streets every ``spacing_m`` across the box (west, south, east, north).

    The lattice's rows are laid half a spacing either side of the river (at ``river_at`` of the
    box's height; None for no river), so no street runs in the water: of the north–south streets
    only ``bridges`` evenly spaced ones cross it. With ``ring``, a ring road runs half a spacing
    outside the box, each of its nodes joined to the nearest street end on its side (never across
    the river); the ring crosses the river beyond the box's west and east edges, where the
    river line (:func:`river_line`) has ended, so those crossings are not bridges. With ``inside`` (a Shapely polygon in lng/lat), lattice nodes outside it are
    dropped with their edges; the ring road stays whole.
    """
    if not (west < east and south < north) or spacing_m <= 0:
        raise ValueError("The box needs west < east, south < north and a positive spacing.")
    mid = (south + north) / 2
    dlat = spacing_m / METRES_PER_DEGREE
    dlng = spacing_m / (METRES_PER_DEGREE * math.cos(math.radians(mid)))
    river = river_latitude(south, north, 0.5 if river_at is None else river_at)
    lats = river + dlat * (np.arange(math.ceil((south - river) / dlat - 0.5),
                                     math.floor((north - river) / dlat - 0.5) + 1) + 0.5)
    lngs = west + dlng * np.arange(math.floor((east - west) / dlng) + 1)
    grid_lat, grid_lng = np.meshgrid(lats, lngs, indexing="ij")
    index = np.arange(grid_lat.size).reshape(grid_lat.shape)
    edges = [np.column_stack([index[:, :-1].ravel(), index[:, 1:].ravel()])]
    vertical = np.column_stack([index[:-1, :].ravel(), index[1:, :].ravel()])
    if river_at is not None:
        crossing = (grid_lat[:-1, :] < river).ravel() & (grid_lat[1:, :] > river).ravel()
        columns = np.tile(np.arange(len(lngs)), len(lats) - 1)
        vertical = vertical[~crossing | np.isin(columns, _bridge_columns(len(lngs), bridges))]
    edges.append(vertical)
    lat, lng, edges = grid_lat.ravel(), grid_lng.ravel(), np.concatenate(edges)
    if inside is not None:
        lat, lng, edges = _keep(lat, lng, edges, shapely.contains_xy(inside, lng, lat))
    if ring:
        lat, lng, edges = _add_ring(lat, lng, edges, (west, south, east, north), dlat / 2, dlng / 2, river)
    return Network(lat=lat, lng=lng, edges=edges, lengths=haversine_m(lat[edges[:, 0]], lng[edges[:, 0]],
                                                                      lat[edges[:, 1]], lng[edges[:, 1]]))


def _bridge_columns(columns: int, bridges: int) -> np.ndarray:
    """``bridges`` columns spread evenly: each in the middle of its share of the columns."""
    count = max(0, min(bridges, columns))
    return np.unique(np.floor((np.arange(count) + 0.5) * columns / count).astype(int)) if count else np.array([], int)


def _keep(lat, lng, edges, keep):
    """The nodes where ``keep`` is true, renumbered, and the edges between two of them."""
    number = np.cumsum(keep) - 1
    edges = edges[keep[edges[:, 0]] & keep[edges[:, 1]]]
    return lat[keep], lng[keep], number[edges]


def _add_ring(lat, lng, edges, box, margin_lat, margin_lng, river):
    """A loop of nodes just outside the box — one facing each lattice row on the west and east
    sides, one facing each column on the south and north sides, and the four corners — each
    facing node joined to the outermost lattice node of its row or column on the same bank."""
    west, south, east, north = box
    w, s, e, n = west - margin_lng, south - margin_lat, east + margin_lng, north + margin_lat
    rows, cols = np.unique(lat), np.unique(lng)
    # Counter-clockwise from the south-west corner: south side, east side, north side, west side.
    sides = [
        (np.append(s, np.full(len(cols), s)), np.append(w, cols), "lng", np.argmin, lat),
        (np.append(s, rows), np.append(e, np.full(len(rows), e)), "lat", np.argmax, lng),
        (np.append(n, np.full(len(cols), n)), np.append(e, cols[::-1]), "lng", np.argmax, lat),
        (np.append(n, rows[::-1]), np.append(w, np.full(len(rows), w)), "lat", np.argmin, lng),
    ]
    ring_lat = np.concatenate([side[0] for side in sides])
    ring_lng = np.concatenate([side[1] for side in sides])
    first = len(lat)
    loop = first + np.arange(len(ring_lat))
    spokes = []
    position = first
    for side_lat, side_lng, along, outermost, across in sides:
        for offset in range(1, len(side_lat)):  # the side's corner (offset 0) has no spoke
            here_lat, here_lng = side_lat[offset], side_lng[offset]
            line = (lng == here_lng) if along == "lng" else (lat == here_lat)
            line &= (lat < river) == (here_lat < river)
            if line.any():
                candidates = np.flatnonzero(line)
                spokes.append((position + offset, candidates[outermost(across[candidates])]))
        position += len(side_lat)
    new_edges = [edges, np.column_stack([loop, np.roll(loop, -1)])]
    if spokes:
        new_edges.append(np.array(spokes))
    return np.append(lat, ring_lat), np.append(lng, ring_lng), np.concatenate(new_edges)
