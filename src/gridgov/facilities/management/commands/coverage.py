"""``gridgov coverage --district CODE``: compute the district's coverage of the 15-minute circle now
(the worker does it whenever the inputs change) and print it per kind and community."""
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidTransition
from gridgov.core.progress import Progress
from gridgov.facilities.models import CoverageResult
from gridgov.facilities.services import coverage
from gridgov.structure.models import Unit, UnitKind


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:5.1f}%" if whole else "    —"


class Command(BaseCommand):
    help = "Compute a district's coverage of the 15-minute circle on its walk network and print it."

    def add_arguments(self, parser):
        parser.add_argument("--district", required=True, help="The district's 6-digit code.")
        parser.add_argument("--latest", action="store_true", help="Print the latest finished run without computing.")

    def handle(self, *args, district, latest=False, **options):
        if not Unit.objects.filter(code=district, kind=UnitKind.DISTRICT).exists():
            raise CommandError(_("No district has the code %(code)s.") % {"code": district})
        if latest:
            run = coverage.latest(district)
            if run is None:
                raise CommandError(_("This district's coverage has not been computed yet."))
        else:
            try:
                run = coverage.start(district)
            except InvalidTransition as error:
                raise CommandError(" ".join(error.messages)) from None
            progress = None

            def report(done, total):
                nonlocal progress
                progress = progress or Progress(self.stderr._out, total, _("Coverage"), "step")
                progress(done)

            try:
                coverage.compute(run, report)
            finally:
                if progress:
                    progress.close()
        self._print(run)

    def _print(self, run):
        out = self.stdout.write
        out(_("Coverage of %(district)s on walk network v%(version)s (%(nodes)s nodes), computed %(at)s")
            % {"district": run.district_code, "version": run.network.version, "nodes": run.network.node_count,
               "at": run.finished_at.strftime("%Y-%m-%d %H:%M")})
        out(f"{_('kind'):<16} {_('community'):<14} {_('households'):>10} {_('covered'):>8} {_('residents'):>9} "
            f"{_('special groups'):>14}")
        totals = {}
        for row in CoverageResult.objects.filter(run=run).select_related("kind", "community") \
                .order_by(F("kind__order").asc(nulls_last=True), "kind__code", "community__code"):
            name = row.kind.name if row.kind_id else _("response circle")
            out(f"{name:<16} {row.community.code:<14} {row.households:>10} "
                f"{_percent(row.households_covered, row.households):>8} "
                f"{_percent(row.residents_covered, row.residents):>9} {_percent(row.special_covered, row.special):>14}")
            total = totals.setdefault(name, [0, 0])
            total[0] += row.households_covered
            total[1] += row.households
        for name, (covered, households) in totals.items():
            out(f"{name:<16} {_('all'):<14} {households:>10} {_percent(covered, households):>8}")
