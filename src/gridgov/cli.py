"""The ``gridgov`` console script.

Every command is a Django management command; the script only sets the settings module and lets
people type ``gridgov import-divisions`` for the ``import_divisions`` command.

It also decides, before Django reads its settings, whether this is a production process
(``GRIDGOV_PRODUCTION``): ``serve``, ``worker`` and ``check --deploy`` are, unless the environment
says otherwise, so they refuse the development keys and get the HTTPS defaults (settings.py);
``demo`` never is, nor are the server and worker it starts (they inherit its environment).
"""
import os
import sys

PRODUCTION_COMMANDS = {"serve", "worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            os.environ["GRIDGOV_PRODUCTION"] = "0"
        elif argv[1] in PRODUCTION_COMMANDS or (argv[1] == "check" and "--deploy" in argv):
            os.environ.setdefault("GRIDGOV_PRODUCTION", "1")
    argv[0] = "gridgov"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
