"""``gridgov worker``: the long-running background work every app registers (``core/jobs.py``):
the case deadlines (lights, reminders, escalation), points expiry, …"""
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from gridgov.core import jobs


class Command(BaseCommand):
    help = "Run the background work: case deadlines (lights, reminders, escalation), points expiry."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between two rounds.")
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")

    def handle(self, *args, interval, once, **options):
        while True:
            for name, report in jobs.run_round():
                self.stdout.write(f"{name}: {report}")
            self.stdout.flush()
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-lived process must not keep a connection the server dropped
