"""``gridgov keys``: write real keys to the keys file, or renew one of them in it.

Without options it writes a fresh set (secret, encryption and hash key) to ``GRIDGOV_KEYS_FILE``
(``var/keys.env`` under ``GRIDGOV_HOME``) or ``--output``, readable by its owner only, and refuses
to overwrite an existing file: that file holds the only key to the personal data already encrypted.
``--add-encryption-key`` puts a new encryption key in front of the file's (the old ones keep
decrypting) and ``--new-hash-key`` replaces the hash key; ``gridgov rotate-keys`` then rewrites the
data with them (docs/security.md, "Keys and rotation").
"""
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gridgov.core.keys import generate_keys, read_keys_file, write_keys_file

HEADER = """gridgov keys, written {date} by `gridgov keys`.
Back this file up with the database, and apart from it: without GRIDGOV_ENCRYPTION_KEY the
personal data in the database cannot be read, and with it anyone holding a copy can read it."""


class Command(BaseCommand):
    help = "Write fresh keys to the keys file (0600), or renew the encryption or hash key in it."
    requires_system_checks = []  # it is how a production setup gets out of the development keys

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The keys file (default: GRIDGOV_KEYS_FILE, var/keys.env).")
        parser.add_argument("--force", action="store_true",
                            help="Overwrite an existing keys file (only for a new, empty database).")
        parser.add_argument("--add-encryption-key", action="store_true",
                            help="Put a new encryption key in front of the file's; then run `gridgov rotate-keys`.")
        parser.add_argument("--new-hash-key", action="store_true",
                            help="Replace the hash key; then run `gridgov rotate-keys` at once (search needs it).")

    def handle(self, *args, output, force, add_encryption_key, new_hash_key, **options):
        path = output or settings.GRIDGOV_KEYS_FILE
        fresh = generate_keys()
        if add_encryption_key or new_hash_key:
            keys = read_keys_file(path)
            if not keys:
                raise CommandError(f"{path} holds no keys: run `gridgov keys` first.")
            if add_encryption_key:
                keys["GRIDGOV_ENCRYPTION_KEY"] = ",".join(
                    [fresh["GRIDGOV_ENCRYPTION_KEY"], keys.get("GRIDGOV_ENCRYPTION_KEY", "")]).rstrip(",")
            if new_hash_key:
                keys["GRIDGOV_HASH_KEY"] = fresh["GRIDGOV_HASH_KEY"]
            shadowing = [name for name in ("GRIDGOV_ENCRYPTION_KEY", "GRIDGOV_HASH_KEY") if os.environ.get(name)]
            if shadowing:
                self.stderr.write(self.style.WARNING(
                    f"{', '.join(shadowing)} set in the environment override the file: change them there too."))
            next_step = ("Restart the server and the worker so they read the new keys, then run "
                         "`gridgov rotate-keys`.")
        else:
            if Path(path).exists() and not force:
                raise CommandError(f"{path} exists and holds the key of the data already encrypted: overwriting it "
                                   "would lose that data. Use --add-encryption-key or --new-hash-key to renew a key, "
                                   "or --force for a new, empty database.")
            keys = fresh
            next_step = "Back it up with the database."
        write_keys_file(path, keys, HEADER.format(date=timezone.now().isoformat(timespec="seconds")))
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} (readable by its owner only). {next_step}"))
