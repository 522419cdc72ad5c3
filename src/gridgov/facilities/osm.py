"""Reading the walk network out of an OpenStreetMap extract (``.osm`` XML or ``.osm.pbf``) with
pyosmium.

Walkable: every ``highway=*`` way except the kinds people may not or cannot walk along (motorways,
trunk roads, roads under construction or only proposed, race tracks, guided busways), and except
ways marked ``foot=no`` or ``access=private``/``no`` — unless ``foot=yes``/``designated`` says
walkers are let through anyway. Only the nodes of walkable ways are kept, numbered 0…n-1; each pair
of consecutive nodes of a way is an edge as long as the great circle between them.
"""
import os
from pathlib import Path

import numpy as np
import osmium
from django.utils.translation import gettext as _

from .graph import Network, haversine_m

NOT_WALKABLE = {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed", "raceway",
                "bus_guideway"}
FOOT_ALLOWED = {"yes", "designated"}
NO_ACCESS = {"private", "no"}


class OsmError(ValueError):
    """The file cannot become a walk network; the message (translated) says why."""


def walkable(tags) -> bool:
    """Whether a way with these tags (a mapping, or pyosmium's tag list) is walkable."""
    highway = tags.get("highway")
    if not highway or highway in NOT_WALKABLE:
        return False
    foot = tags.get("foot")
    if foot in FOOT_ALLOWED:
        return True
    return foot != "no" and tags.get("access") not in NO_ACCESS


class _WalkableWays(osmium.SimpleHandler):
    """Collects the edges of walkable ways by OSM node id, and each of their nodes' coordinates."""

    def __init__(self):
        super().__init__()
        self.ways = 0
        self.ids: dict[int, int] = {}
        self.lat: list[float] = []
        self.lng: list[float] = []
        self.pairs: list[tuple[int, int]] = []
        self.out_of_range: set[int] = set()

    def _number(self, node) -> int | None:
        """The node's number, or None when the file lacks it or gives impossible coordinates."""
        number = self.ids.get(node.ref)
        if number is not None:
            return number
        location = node.location
        if not location.valid():
            # An undefined location reads back as 214.7483647°: the node is simply missing.
            if abs(location.lat_without_check()) < 200:
                self.out_of_range.add(node.ref)
            return None
        number = self.ids[node.ref] = len(self.lat)
        self.lat.append(location.lat)
        self.lng.append(location.lon)
        return number

    def way(self, way):
        if not walkable(way.tags):
            return
        self.ways += 1
        previous = None
        for node in way.nodes:
            number = self._number(node)
            if previous is not None and number is not None:
                self.pairs.append((previous, number))
            previous = number


def read(source, *, within: tuple[float, float, float, float] | None = None) -> Network:
    """The walk network of an OpenStreetMap extract: ``source`` is a path or the file's bytes.
    XML (plain or gzipped) and PBF are told apart by their first bytes, not by a file name, which
    an upload need not have.

    ``within`` = (west, south, east, north) is the district's box: an extract whose nodes lie
    mostly outside it is refused as the wrong district — or, when the district's box holds them
    with latitude and longitude exchanged, as swapped coordinates.
    """
    ways = _WalkableWays()
    try:
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            if not data.strip():
                raise OsmError(_("The file is empty."))
            ways.apply_buffer(data, _format(data), locations=True)
        else:
            path = Path(os.fspath(source))
            if not path.is_file():
                raise OsmError(_("There is no file at %(path)s.") % {"path": path})
            if path.stat().st_size == 0:
                raise OsmError(_("The file is empty."))
            with path.open("rb") as file:
                head = file.read(64)
            ways.apply_file(osmium.io.File(str(path), _format(head)), locations=True)
    except RuntimeError as error:
        raise OsmError(_("This is not an OpenStreetMap file (.osm or .osm.pbf): %(reason)s")
                       % {"reason": error}) from error
    if ways.out_of_range:
        raise OsmError(_("Some nodes (%(count)s) have a latitude beyond ±90° or a longitude beyond ±180°: "
                         "the coordinates look swapped.") % {"count": len(ways.out_of_range)})
    if not ways.pairs:
        raise OsmError(_("The file has no walkable way (streets, paths and footways tagged highway=…)."))
    lat, lng = np.array(ways.lat), np.array(ways.lng)
    if within is not None:
        _check_place(lat, lng, within)
    edges = np.array(ways.pairs, dtype=np.int64)
    lengths = haversine_m(lat[edges[:, 0]], lng[edges[:, 0]], lat[edges[:, 1]], lng[edges[:, 1]])
    return Network(lat=lat, lng=lng, edges=edges, lengths=lengths)


def _format(data: bytes) -> str:
    """pyosmium's format name for these bytes: a PBF file opens with its header block's name."""
    if b"OSMHeader" in data[:32]:
        return "pbf"
    if data[:2] == b"\x1f\x8b":
        return "osm.gz"
    return "osm"


def _inside(lat, lng, box) -> np.ndarray:
    west, south, east, north = box
    return (lng >= west) & (lng <= east) & (lat >= south) & (lat <= north)


def _check_place(lat, lng, within):
    """Refuse an extract whose nodes are mostly outside the district's box."""
    if _inside(lat, lng, within).mean() >= 0.5:
        return
    if _inside(lng, lat, within).mean() >= 0.5:
        raise OsmError(_("The file's latitudes and longitudes look swapped: exchanged, they would fall in the "
                         "district."))
    raise OsmError(_("Most of the file's nodes lie outside the district (%(west)s, %(south)s – %(east)s, "
                     "%(north)s): is it an extract of another place?")
                   % dict(zip(("west", "south", "east", "north"), within)))
