"""``gridgov export-catalogue``: write the matter catalogue to an Excel or CSV file."""
from django.core.management.base import BaseCommand

from gridgov.catalogue.services import EXPORT_FORMATS


class Command(BaseCommand):
    help = "Export the matter catalogue as Excel or CSV (the layout import-catalogue reads)."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="file_format", choices=sorted(EXPORT_FORMATS), default="xlsx")
        parser.add_argument("--output", required=True, help="The file to write.")

    def handle(self, *args, file_format, output, **options):
        write, _content_type = EXPORT_FORMATS[file_format]
        with open(output, "wb") as stream:
            write(stream)
