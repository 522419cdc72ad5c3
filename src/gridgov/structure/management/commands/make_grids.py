from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.structure.grids import GridError, make_grids


class Command(BaseCommand):
    help = _("Divide a district's communities into grids and micro-grids, drawing synthetic boundaries "
             "for every level that has none.")

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help=_("The district's 6-digit code, e.g. 510113."))
        parser.add_argument("--grids", type=int, required=True,
                            help=_("How many grids; at least one per community."))
        parser.add_argument("--microgrids", type=int, required=True,
                            help=_("How many micro-grids; at least one per grid."))
        parser.add_argument("--seed", type=int, default=0, help=_("The same seed draws the same grids."))
        parser.add_argument("--replace", action="store_true",
                            help=_("Delete the district's grids and micro-grids first "
                                   "(only if nothing refers to them)."))

    def handle(self, *args, district, grids, microgrids, seed, replace, **options):
        try:
            summary = make_grids(district, grids, microgrids, seed=seed, replace=replace, progress=True)
        except GridError as error:
            raise CommandError(error) from error
        self.stdout.write(summary)
