"""Version stamps: a number per name in the database, raised when something many processes cache or
act on changes, so each of them notices by reading one row (the working-day calendar: the case
engine recomputes its deadlines when the calendar's stamp moved past the one it last acted on).

:class:`StampedCache` is the per-process cache built on them. Every gunicorn worker and every
``gridgov worker`` holds its own copy of the calendar, the spatial and address indexes, the
classifier and the catalogue; an administrator's edit in one process must reach the others. Each
thread reads *all* stamps at most once per request (``request_started``) or worker round
(:func:`new_round`) — one tiny query, and none at all for a request that touches no cache — and a
cache whose stamp moved since it was built is rebuilt on its next read.

The stamps are raised by the models' ``post_save``/``post_delete`` signals (connected to the real
model classes, so a migration's historical models never raise them) or explicitly after bulk writes,
inside the writer's transaction: other processes see the new version when it commits. A cache built
from rows a transaction then rolled back holds a version the database no longer has, so it is
rebuilt at the next read — unless another process raised the stamp to that very number before
then, in which case the stale copy lasts until the next change of that stamp anywhere.
"""
import threading
from collections.abc import Callable, Hashable

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from .models import Stamp

_seen = threading.local()  # .versions: this thread's snapshot of every stamp for the current round
_caches: dict[str, list["StampedCache"]] = {}


def bump(name: str) -> None:
    """Raise ``name``'s version by one (inside the caller's transaction); this process's caches on
    it are dropped at once and this thread reads the stamps again, so its next read sees the change."""
    if not Stamp.objects.filter(name=name).update(version=F("version") + 1):
        Stamp.objects.get_or_create(name=name, defaults={"version": 1})
    for cache in _caches.get(name, ()):
        cache.clear()
    new_round()


def read(name: str) -> int:
    """``name``'s version in the database now; 0 when it never moved."""
    return Stamp.objects.filter(name=name).values_list("version", flat=True).first() or 0


def set_to(name: str, version: int) -> None:
    """Record ``version`` as ``name``'s (what a consumer has acted on)."""
    Stamp.objects.update_or_create(name=name, defaults={"version": version})


def new_round(**_signal_kwargs) -> None:
    """Forget this thread's snapshot: the next cache read reads every stamp again. Connected to
    ``request_started``; called by the worker before each round."""
    _seen.versions = None


def current(name: str) -> int:
    """``name``'s version as this thread saw it this round (reading all stamps once per round)."""
    versions = getattr(_seen, "versions", None)
    if versions is None:
        versions = _seen.versions = dict(Stamp.objects.values_list("name", "version"))
    return versions.get(name, 0)


def forget() -> None:
    """Drop every cache of this process and this thread's snapshot (tests: each one's database is
    rolled back to stamps that earlier tests also reached with other rows)."""
    for caches in _caches.values():
        for cache in caches:
            cache.clear()
    new_round()


class StampedCache:
    """Values built from the database, one per key, kept in this process until stamp ``name`` moves.

    ``get(key)`` returns the cached value when it was built at the stamp's current version (no query
    beyond the round's one stamp read), else calls ``build(key)`` and keeps the result. Values are
    shared by the process's threads: treat them as read-only.
    """

    def __init__(self, name: str, build: Callable[[Hashable], object]):
        self.name, self.build = name, build
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[int, object]] = {}
        _caches.setdefault(name, []).append(self)

    def get(self, key: Hashable = None):
        version = current(self.name)
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        value = self.build(key)
        with self._lock:
            self._entries[key] = (version, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def bump_on_change(name: str, *models) -> None:
    """Raise ``name`` whenever a row of one of ``models`` is saved or deleted (from ``ready()``)."""

    def changed(**_signal_kwargs):
        bump(name)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(changed, sender=model, weak=False,
                           dispatch_uid=f"stamp_{name}_{signal is post_save}_{model._meta.label}")
