"""``gridgov serve``: the production web server (gunicorn), not Django's development server."""
import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve gridgov with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, port, host, workers, **options):
        os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "gridgov.wsgi:application",
                                  "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
                                  "--access-logfile", "-", "--timeout", "120"])
