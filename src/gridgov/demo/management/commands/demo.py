"""``gridgov demo``: migrate, load the demo district once, print the logins, and serve it with the
deadline worker running beside the web server."""
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gridgov.demo.services import PASSWORD, demo_logins, is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the demo district (青白江区 510113) and serve it on http://127.0.0.1:PORT."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and stop.")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", verbosity=0)
        if is_loaded():
            self.stdout.write("The demo district is already loaded.")
        else:
            self.stdout.write("Loading the demo district 510113 青白江区 …")
            summary = load_demo(progress=True)
            if summary:
                self.stdout.write(str(summary))
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password {PASSWORD}):"))
        for username, what in demo_logins():
            self.stdout.write(f"  {username:<20} {what}")
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"Serving on http://127.0.0.1:{port}/ with the deadline worker "
                                             "(Ctrl-C stops both)"))
        self.stdout.flush()
        gridgov = [sys.executable, "-m", "gridgov.cli"]
        worker = subprocess.Popen([*gridgov, "worker"])
        try:
            subprocess.run([*gridgov, "serve", "--port", str(port)], check=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.terminate()
            worker.wait(timeout=10)
