"""``gridgov assessment-rebuild [--district CODE]``: recompute the assessment tallies from the
cases (after an import, a restore or a change of definitions), one district at a time.

Progress goes to stderr: a bar on a terminal, otherwise a line every tenth of the cases (so a log
shows it too); a line per district goes to stdout when it is done.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.assessment.services.tally import rebuild
from gridgov.cases.models import Case
from gridgov.core.progress import Progress
from gridgov.structure.models import Unit, UnitKind


class Command(BaseCommand):
    help = "Recompute the assessment tallies of a district (or of every district) from its cases."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="The district's 6-digit code; every district when left out.")

    def handle(self, *args, district=None, **options):
        districts = Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("code")
        if district:
            districts = districts.filter(code=district)
            if not districts.exists():
                raise CommandError(_("No district has the code %(code)s.") % {"code": district})
        for unit in districts:
            self.rebuild(unit)

    def rebuild(self, district):
        started = time.monotonic()
        cases = Case.objects.filter(district_code=district.code).count()
        label = f"{district.code} {district.short_name}"
        progress = Progress(self.stderr._out, cases, label, _("cases"))
        rows = rebuild(district.code, progress=lambda done, total: progress(done))
        progress.close()
        self.stdout.write(_("%(district)s: %(cases)s cases, %(rows)s tally rows, in %(seconds).1f s.") % {
            "district": label, "cases": cases, "rows": rows, "seconds": time.monotonic() - started})
