"""``gridgov import-catalogue FILE``: import an Excel or CSV file laid out like the export."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.catalogue.services import import_file


class Command(BaseCommand):
    help = "Import the matter catalogue from an Excel or CSV file; a file with any bad row is refused whole."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        with open(file, "rb") as stream:
            report = import_file(stream)
        if not report.ok:
            raise CommandError("\n".join([_("Nothing was imported:"), *report.errors]))
        self.stdout.write(_("Catalogue imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": report.created, "updated": report.updated, "unchanged": report.unchanged})
