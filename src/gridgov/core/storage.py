"""File storage that forgets files whose transaction rolled back.

A photo is written to disk while its row is saved, inside the service's transaction; when that
transaction (or the savepoint around it) rolls back — a refusal after the photo was stored, a
database error — the row is gone but the file would stay, an orphan nobody can reach or delete.

Django has no rollback hook, but it keeps the ``on_commit`` callbacks of the running transaction in
a list it empties on rollback and trims on a savepoint's rollback. So each file written inside a
transaction registers a small callback: committed, the callback runs and marks the file kept;
rolled back, the callback is dropped unrun, and dropping it (``weakref.finalize``) deletes the
file. A file written outside any transaction is committed at once and simply kept.
"""
import weakref

from django.core.files.storage import FileSystemStorage
from django.db import transaction


class _Written:
    """The on-commit callback of one written file; deleting it before it ran deletes the file."""

    def __init__(self, storage, name):
        self.state = {"committed": False}
        weakref.finalize(self, _forget_unless_committed, storage, name, self.state)

    def __call__(self):
        self.state["committed"] = True


def _forget_unless_committed(storage, name, state):
    if not state["committed"]:
        storage.delete(name)


class TransactionalFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` whose files share the fate of the transaction that wrote them."""

    def _save(self, name, content):
        name = super()._save(name, content)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(_Written(self, name))
        return name
