"""``gridgov hotline-import FILE --district CODE``: import a 12345 export (Excel or CSV).

Prints one line per row (imported with its case code, already imported, or refused with every
reason) and a summary. The exit status is 0 when the file was processed, even with refused rows
(they are listed; fix them in the file and import it again: the imported rows are then skipped);
``--strict`` makes refused rows exit 1 for scripts. An unreadable file or an unknown district
always exits 1 with nothing written.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gridgov.hotline.services import Outcome, import_batch
from gridgov.structure.models import Unit, UnitKind


def district_for(code: str) -> Unit:
    district = Unit.objects.filter(code=code, kind=UnitKind.DISTRICT).first()
    if district is None:
        raise CommandError(_("No district has the code %(code)s.") % {"code": code})
    return district


class Command(BaseCommand):
    help = "Import 12345 hotline work orders from an Excel or CSV export; prints a row-by-row report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--district", required=True, help="The district's 6-digit code.")
        parser.add_argument("--strict", action="store_true", help="Exit with status 1 if any row was refused.")
        parser.add_argument("--quiet-accepted", action="store_true",
                            help="List only refused rows (and the summary).")

    def handle(self, *args, file, district, strict, quiet_accepted, **options):
        district = district_for(district)
        try:
            with open(file, "rb") as stream:
                data = stream.read()
        except OSError as error:
            raise CommandError(str(error))

        def progress(iterable, total, desc):
            return tqdm(iterable, total=total, desc=desc, unit=_("row"), file=self.stderr._out, disable=None,
                        leave=False)

        report = import_batch(data, district, progress=progress)
        if report.errors:
            raise CommandError("\n".join([_("Nothing was imported:"), *report.errors]))
        for row in report.rows:
            if row.outcome == Outcome.REFUSED:
                self.stdout.write(self.style.ERROR(
                    _("Row %(row)s %(order_no)s: refused") % {"row": row.row, "order_no": row.order_no or "—"}))
                for message in row.messages:
                    self.stdout.write("    " + message)
            elif not quiet_accepted:
                text = _("Row %(row)s %(order_no)s: %(outcome)s %(case)s") % {
                    "row": row.row, "order_no": row.order_no, "outcome": row.outcome_label, "case": row.case}
                self.stdout.write(self.style.SUCCESS(text) if row.outcome == Outcome.ACCEPTED else text)
        self.stdout.write(report.summary())
        if strict and report.refused:
            raise CommandError(_("%(n)s rows were refused.") % {"n": report.refused})
