"""The district's walk network: imported from an OpenStreetMap extract the district supplies, or
generated from its grids (the demo, the tests, a district without an extract). Each import is a new
version, all or nothing; the newest is the one coverage uses."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from shapely.geometry import shape

from gridgov.core import stamps
from gridgov.structure.models import Unit

from .. import generated, osm
from ..graph import Network, NetworkError
from ..models import FacilitiesAction as A
from ..models import NetworkSource, WalkNetwork
from .common import append, require_standards

#: Raised whenever what coverage is computed from changes: a facility, a kind, the settings or the network.
FACILITIES_STAMP = "facilities.inputs"
#: An uploaded extract larger than this is refused before it is read (a district's extract is tens of MB).
MAX_UPLOAD_BYTES = 200 * 2**20


def current(district_code: str) -> WalkNetwork | None:
    """The network coverage uses now: the district's newest version."""
    return WalkNetwork.objects.filter(district_code=district_code).order_by("-version").first()


def district_box(district: Unit) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the district's outline."""
    if not district.boundary:
        raise ValidationError(_("%(district)s has no boundary: draw it before its walk network.")
                              % {"district": district.short_name})
    return shape(district.boundary).bounds


def _store(actor, district: Unit, network: Network, source: str, file_name: str, action) -> WalkNetwork:
    with transaction.atomic():
        # The district's row serialises two imports: each gets the next version.
        Unit.objects.select_for_update().filter(pk=district.pk).exists()
        version = (WalkNetwork.objects.filter(district_code=district.code).aggregate(v=Max("version"))["v"] or 0) + 1
        stored = WalkNetwork.objects.create(
            district_code=district.code, version=version, source=source, file_name=file_name[:200],
            payload=network.to_bytes(), node_count=network.node_count, edge_count=network.edge_count,
            length_km=round(float(network.lengths.sum()) / 1000, 3), created_by=actor)
        append(stored, actor, action, data={"version": version, "nodes": network.node_count,
                                            "edges": network.edge_count, "file": file_name[:200]})
        stamps.bump(FACILITIES_STAMP)
    return stored


def import_osm(actor, district: Unit, source, file_name: str = "") -> WalkNetwork:
    """A new version from an OpenStreetMap extract (``.osm`` XML, gzipped, or ``.osm.pbf``; a path or
    bytes): refused whole when it is not OSM, has no walkable way or lies elsewhere."""
    require_standards(actor, district)
    if isinstance(source, bytes | bytearray) and len(source) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The extract is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20})
    try:
        network = osm.read(source, within=district_box(district))
    except (osm.OsmError, NetworkError) as error:
        raise ValidationError(str(error), code="network") from None
    return _store(actor, district, network, NetworkSource.OSM, file_name, A.IMPORT)


def generate(actor, district: Unit, *, spacing_m: float = 150.0) -> WalkNetwork:
    """A new version generated from the district's outline: streets every ``spacing_m`` metres, a
    river across with two bridges, a ring road (see :mod:`..generated`)."""
    require_standards(actor, district)
    if not 50 <= spacing_m <= 1000:
        raise ValidationError(_("Streets are between 50 and 1,000 m apart."))
    west, south, east, north = district_box(district)
    network = generated.generate(west, south, east, north, spacing_m=spacing_m, inside=shape(district.boundary))
    return _store(actor, district, network, NetworkSource.GENERATED, f"lattice {spacing_m:g} m", A.GENERATE)


def load(stored: WalkNetwork) -> Network:
    return Network.from_bytes(bytes(stored.payload))
