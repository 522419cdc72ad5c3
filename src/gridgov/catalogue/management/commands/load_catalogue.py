"""``gridgov load-catalogue``: load the standard matter catalogue (upsert by code)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from gridgov.catalogue.services import load_standard


class Command(BaseCommand):
    help = "Load the standard matter catalogue: standard rows get the standard values, other categories are kept."

    def handle(self, *args, **options):
        report = load_standard()
        self.stdout.write(_("Standard catalogue: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": report.created, "updated": report.updated, "unchanged": report.unchanged})
