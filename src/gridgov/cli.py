"""The ``gridgov`` console script.

Every command is a Django management command; the script only sets the settings module and lets
people type ``gridgov import-divisions`` for the ``import_divisions`` command.
"""
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "gridgov"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
