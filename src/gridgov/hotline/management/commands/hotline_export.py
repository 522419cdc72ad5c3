"""``gridgov hotline-export --district CODE [--since DATE] --output FILE.xlsx|.csv``: the answer-back.

Every hotline case of the district in the import layout followed by the answer-back columns
(platform number, state, closure time, result, handling unit, rating, rating time). ``--since``
keeps the cases with any step on or after that day (Beijing time): what changed since the last
exchange.
"""
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.hotline.services import EXPORT_FORMATS, answer_queryset, hotline_cases, parse_since

from .hotline_import import district_for


class Command(BaseCommand):
    help = "Export the district's hotline cases with their closure and rating, in the hotline layout."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="The district's 6-digit code.")
        parser.add_argument("--since", help="Only cases with a step on or after this day (YYYY-MM-DD).")
        parser.add_argument("--output", required=True, help="The file to write: .xlsx or .csv.")

    def handle(self, *args, district, since, output, **options):
        district = district_for(district)
        file_format = Path(output).suffix.lower().lstrip(".")
        if file_format not in EXPORT_FORMATS:
            raise CommandError(_("Write to a .xlsx or a .csv file."))
        try:
            day = parse_since(since) if since else None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        cases = answer_queryset(hotline_cases(district.code), since=day)
        write, _content_type = EXPORT_FORMATS[file_format]
        with open(output, "wb") as stream:
            write(cases, stream)
        self.stdout.write(_("%(n)s hotline cases written to %(file)s.") % {"n": cases.count(), "file": output})
