"""``gridgov walk-network --district CODE (--import FILE | --generate [--spacing M])``: the next
version of a district's walk network, from an OpenStreetMap extract or generated from its outline."""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.facilities.services import networks
from gridgov.structure.models import Unit, UnitKind


class Command(BaseCommand):
    help = "Import an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) or generate a walk network for a district."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="The district's 6-digit code.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--import", dest="extract", help="The OpenStreetMap extract to import.")
        source.add_argument("--generate", action="store_true", help="Generate streets from the district's outline.")
        parser.add_argument("--spacing", type=float, default=150.0, help="Metres between generated streets.")

    def handle(self, *args, district, extract=None, generate=False, spacing=150.0, **options):
        unit = Unit.objects.filter(code=district, kind=UnitKind.DISTRICT).first()
        if unit is None:
            raise CommandError(_("No district has the code %(code)s.") % {"code": district})
        try:
            if generate:
                stored = networks.generate(None, unit, spacing_m=spacing)
            else:
                path = Path(extract)
                if not path.is_file():
                    raise CommandError(_("There is no file at %(path)s.") % {"path": extract})
                stored = networks.import_osm(None, unit, path.read_bytes(), path.name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(_("Walk network v%(version)s of %(district)s: %(nodes)s nodes, %(edges)s edges, %(km)s km")
                          % {"version": stored.version, "district": district, "nodes": stored.node_count,
                             "edges": stored.edge_count, "km": stored.length_km})
