"""``gridgov worker``: the long-running deadline watch (lights, reminders, escalation)."""
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from gridgov.cases.services.watch import tick


class Command(BaseCommand):
    help = "Watch case deadlines: update traffic lights, send reminders, escalate overdue cases."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="Seconds between two rounds.")
        parser.add_argument("--once", action="store_true", help="Run one round and stop.")

    def handle(self, *args, interval, once, **options):
        while True:
            self.stdout.write(str(tick()))
            self.stdout.flush()
            if once:
                return
            time.sleep(interval)
            close_old_connections()  # a long-lived process must not keep a connection the server dropped
