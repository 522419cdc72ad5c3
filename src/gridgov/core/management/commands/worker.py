"""``gridgov worker``: the long-running background work every app registers (``core/jobs.py``):
the case deadlines (lights, reminders, escalation), points expiry, … Several may run at once (on
PostgreSQL): each job runs in one worker at a time, under a lease another takes over if it dies."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from gridgov.core import jobs


class Command(BaseCommand):
    help = "Run the background work: case deadlines (lights, reminders, escalation), points expiry."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between two rounds.")
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")
        parser.add_argument("--job", action="append", dest="only", metavar="NAME",
                            help="Run only this job (repeat for several); all of them by default.")

    def handle(self, *args, interval, once, only, **options):
        unknown = set(only or ()) - set(jobs.registered())
        if unknown:
            raise CommandError(f"no such job: {', '.join(sorted(unknown))} (jobs: {', '.join(jobs.registered())})")
        while True:
            for name, report in jobs.run_round(only=only):
                self.stdout.write(f"{name}: {report}")
            self.stdout.flush()
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-lived process must not keep a connection the server dropped
