"""``gridgov rotate-keys``: rewrite the personal data with the current keys.

Every encrypted column (``EncryptedTextField``, wherever it is used) is re-encrypted with the first
of the ``GRIDGOV_ENCRYPTION_KEY`` keys, from whichever listed key it was written with, and every
search hash (a model's ``<field>_hash`` column, which its ``refresh_hashes()`` computes) is
recomputed from the decrypted value with ``GRIDGOV_HASH_KEY``. Batches of ``--batch-size`` rows,
each in its own transaction, so the server keeps working meanwhile; values already current are not
rewritten, so the command can be stopped and run again. Afterwards the older encryption keys may
leave the list (after the next backup: an older backup still needs them).
"""
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from gridgov.core.crypto import EncryptedTextField, rotate
from gridgov.core.progress import Progress


def encrypted_models():
    """``(model, encrypted field names, search hash field names)`` for every model with encrypted fields."""
    for model in apps.get_models():
        names = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
        if names:
            concrete = {field.name for field in model._meta.concrete_fields}
            hashes = [f"{name}_hash" for name in names if f"{name}_hash" in concrete and hasattr(model, "refresh_hashes")]
            yield model, names, hashes


class Command(BaseCommand):
    help = "Re-encrypt all personal data with the first GRIDGOV_ENCRYPTION_KEY and recompute its search hashes."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        for model, names, hashes in encrypted_models():
            label = model._meta.label
            rows = model._base_manager.all()
            progress = Progress(self.stderr._out, rows.count(), label, "rows")
            done = reencrypted = rehashed = last = 0
            while True:
                with transaction.atomic():
                    batch = list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch_size])
                    if not batch:
                        break
                    reencrypted += self.reencrypt(model, names, batch)
                    rehashed += self.rehash(model, names, hashes, batch)
                last, done = batch[-1], done + len(batch)
                progress(done)
            progress.close()
            self.stdout.write(f"{label}: {done} rows, {reencrypted} values re-encrypted, "
                              f"{rehashed} rows with search hashes recomputed.")

    def reencrypt(self, model, names, pks):
        """Rewrite the ciphertexts not yet under the first key; the raw column is read (and written)
        as plain text, past the field's own decryption."""
        raw = {f"raw_{name}": Cast(name, TextField()) for name in names}
        count = 0
        for pk, *tokens in model._base_manager.filter(pk__in=pks).annotate(**raw).values_list("pk", *raw):
            changes = {}
            for name, token in zip(names, tokens):
                try:
                    rotated = rotate(token) if token else None
                except InvalidToken:
                    raise CommandError(f"{model._meta.label} {pk} {name}: no key of GRIDGOV_ENCRYPTION_KEY decrypts it "
                                       "(was the key it was written with removed from the list?).") from None
                if rotated:
                    changes[name] = Value(rotated, output_field=TextField())
            if changes:
                model._base_manager.filter(pk=pk).update(**changes)
                count += len(changes)
        return count

    def rehash(self, model, names, hashes, pks):
        if not hashes:
            return 0
        changed = []
        for obj in model._base_manager.filter(pk__in=pks).only("pk", *names, *hashes):
            before = [getattr(obj, name) for name in hashes]
            obj.refresh_hashes()
            if [getattr(obj, name) for name in hashes] != before:
                changed.append(obj)
        model._base_manager.bulk_update(changed, hashes)
        return len(changed)
