"""``gridgov seed-holidays``: bring the chinese-calendar package's days into the working-day calendar."""
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.workdays.services import ensure_provisional, package_years, seed_holidays


class Command(BaseCommand):
    help = ("Seed the working-day calendar from the chinese-calendar package, and the statutory days off of this "
            "year and the next where no schedule is known (idempotent; administrators' rows are kept).")

    def handle(self, *args, **options):
        report = seed_holidays()
        provisional = ensure_provisional(timezone.localdate(clock.now()))
        first, last = package_years()
        self.stdout.write(_(
            "Package years %(first)s–%(last)s: %(created)s created, %(updated)s updated, %(removed)s removed, "
            "%(kept)s administrator rows kept."
        ) % {"first": first, "last": last, "created": report.created, "updated": report.updated,
             "removed": report.removed, "kept": report.kept_admin})
        if provisional:
            self.stdout.write(_("%(count)s statutory days off entered, provisionally, for years without a schedule.")
                              % {"count": provisional})
