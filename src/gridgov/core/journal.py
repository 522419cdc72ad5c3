"""The journal: the tamper-evident history of any subject, and the transitions that write it.

A **journal** is a concrete subclass of :class:`JournalEntry` (the case timeline,
``cases.TimelineEntry``; the back office's :class:`~gridgov.core.models.BackOfficeEntry`). Its
entries form one hash chain per subject: each entry's hash covers the subject's name, the entry's
content and the previous entry's hash, so a changed, removed or reordered entry is detected by
:func:`verify`. A journal names its subject by a foreign key (``subject_field``) or, for a journal
of many kinds of subject, by overriding :meth:`JournalEntry.chain_of`; either way it says how the
subject is named in the hash (:meth:`JournalEntry.subject_name`), which never changes once entries
exist: it is part of every hash.

A **transition** (:func:`transition`) changes a subject under its row lock, re-read through the
caller's scope, and appends the entry saying so (:func:`append`) — all in one transaction.

Two moments tell the rest of the platform what happened, on purpose:

- **inside the transaction**, the projections registered with :func:`on_record` — those that must
  commit or roll back together with the change, because they are read as the truth about it (the
  assessment tallies must equal the cases at every instant: a tally written after commit could be
  lost, or seen behind the case). Such a projection that fails undoes the change.
- **after commit**, the :data:`changed` signal — for reactions to a change that happened (the
  inbox, external messages): a change rolled back tells no one, and a failing listener cannot undo
  a change already made (it is logged; the change stands). It carries the subject as the entry left
  it (a copy taken when the entry was appended), so a listener sees the state the entry describes
  even when the same transaction moved the subject further.

The kernel knows nothing of the floors above: a transition is given the visibility function to
re-read through (``accounts.scope.visible``), and listeners filter the signal by ``sender`` (the
subject's model).
"""
import copy
import datetime as dt
import hashlib
import json
import threading
from contextlib import contextmanager
from functools import cache, partial, wraps
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from . import clock
from .distribution import row_key
from .errors import NotFound

#: Sent on commit after every appended entry: ``sender`` (the subject's model), ``subject`` (as the
#: entry left it), ``action``, ``actor`` (``None``: the platform) and ``entry``.
changed = Signal()

_recorders: dict[type[models.Model], list] = {}
_once = threading.local()  # .pending: the subjects whose projections wait for the end of recording_once()


class _Held(NamedTuple):
    """A subject's last entry in a :func:`recording_once` block, and whether the block began its chain."""

    subject: models.Model
    action: str
    actor: object
    entry: "JournalEntry"
    new: bool


class JournalEntry(models.Model):
    """One step of a subject's history. Append-only: saving an existing entry or deleting one raises.

    The fields are those of the case timeline, whose table predates the kernel: a journal may
    override one (e.g. ``action`` with its subject's choices) but the hash covers exactly these."""

    seq = models.PositiveIntegerField(_("sequence"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("actor"))
    action = models.CharField(_("action"), max_length=24)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    at = models.DateTimeField(_("time"))
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    #: The foreign key to the subject (e.g. ``"case"``): the chain is the entries with that subject.
    subject_field = ""

    class Meta:
        abstract = True

    @classmethod
    def chain_of(cls, subject) -> dict:
        """The field values that select (and, on a new entry, set) ``subject``'s chain."""
        return {cls.subject_field: subject}

    @classmethod
    def subject_name(cls, subject) -> str:
        """How ``subject`` is named in every hash of its chain."""
        raise NotImplementedError(f"{cls.__name__} must say how its subject is named in the hash")

    def digest(self, subject_name: str) -> str:
        # The time in UTC: the database gives it back in UTC whatever zone the caller's datetime was in
        # (e.g. a clock frozen at a local time), and the hash must not depend on that.
        payload = json.dumps(
            [subject_name, self.seq, self.actor_id, self.action, self.from_status, self.to_status, self.note,
             self.data, self.at.astimezone(dt.timezone.utc).isoformat(), self.prev_hash],
            cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("journal entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("journal entries are append-only")


class SetupJournalEntry(JournalEntry):
    """A journal of an app's set-up objects of several kinds (its standards, settings, places): one
    chain per object, selected by its model's name and key and named ``app.model:pk`` in the hash.
    A concrete subclass adds only its ``action`` choices and its ``Meta`` (ordering, the unique
    ``(kind, object_id, seq)`` constraint under its own name)."""

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveIntegerField(_("object"))

    class Meta:
        abstract = True

    @classmethod
    def chain_of(cls, subject) -> dict:
        return {"kind": subject._meta.model_name, "object_id": subject.pk}

    @classmethod
    def subject_name(cls, subject) -> str:
        return f"{subject._meta.app_label}.{subject._meta.model_name}:{subject.pk}"


@cache
def journal_of(model: type[models.Model]) -> type[JournalEntry]:
    """The journal whose ``subject_field`` points to ``model`` (the case timeline for ``Case``)."""
    model = model._meta.concrete_model
    for candidate in apps.get_models():
        if issubclass(candidate, JournalEntry) and candidate.subject_field \
                and candidate._meta.get_field(candidate.subject_field).related_model is model:
            return candidate
    raise LookupError(f"no journal has {model._meta.label} as its subject")


def on_record(model: type[models.Model], fn) -> None:
    """Call ``fn(subject=…, action=…, actor=…, entry=…, new=…)`` inside the transaction of every
    entry appended about a ``model`` (see the module's docstring for when that, not :data:`changed`,
    is right); ``new`` says the subject had no entry before. Within :func:`recording_once`, ``fn``
    is called once per subject instead, at the end. Registering the same function twice registers
    it once."""
    recorders = _recorders.setdefault(model._meta.concrete_model, [])
    if fn not in recorders:
        recorders.append(fn)


def append(subject, actor, action: str, *, journal: type[JournalEntry] | None = None, from_status: str = "",
           to_status: str = "", at=None, note: str = "", data: dict | None = None,
           first: bool = False) -> JournalEntry:
    """Append one entry to ``subject``'s chain in ``journal`` (by default the journal of its model),
    run the :func:`on_record` projections and send :data:`changed` on commit. ``first`` says the
    subject was created by this transaction and has no entry yet: its chain is not read.

    The caller holds the subject's row lock (a :func:`transition` does), so sequence numbers cannot
    race; a second writer would otherwise break the journal's unique (subject, seq) constraint."""
    model = subject._meta.concrete_model
    journal = journal or journal_of(model)
    chain = journal.chain_of(subject)
    pending = getattr(_once, "pending", None)
    held = pending.get((model, journal, subject.pk)) if pending else None
    if first:
        last = None
    elif held is not None:  # appended in this block, under the lock this transaction holds: still the head
        last = {"seq": held.entry.seq, "hash": held.entry.hash}
    else:
        last = journal.objects.filter(**chain).order_by("-seq").values("seq", "hash").first()
    entry = journal(**chain, seq=(last["seq"] + 1) if last else 1, actor=actor, action=action,
                    from_status=from_status, to_status=to_status, note=note, data=data or {},
                    at=at or clock.now(), prev_hash=last["hash"] if last else "")
    entry.hash = entry.digest(journal.subject_name(subject))
    entry.save()
    if pending is None:
        _record(model, subject, action, actor, entry, new=entry.seq == 1)
    else:
        pending[(model, journal, subject.pk)] = _Held(subject, action, actor, entry,
                                                     held.new if held else entry.seq == 1)
    transaction.on_commit(partial(changed.send, sender=model, subject=copy.copy(subject), action=action,
                                  actor=actor, entry=entry), robust=True)
    return entry


def _record(model, subject, action, actor, entry, new: bool) -> None:
    for recorder in _recorders.get(model, ()):
        recorder(subject=subject, action=action, actor=actor, entry=entry, new=new)


@contextmanager
def recording_once():
    """Within this block (inside a transaction), the :func:`on_record` projections run once per
    subject, at the block's end, on the subject as its last entry left it — for a service that
    moves one subject several steps at once (a report routed through the small loop: report,
    accept, dispatch), so a projection computed from the subject's state (the assessment tallies)
    is written once, not once per step. Every projection must depend on the state alone, not on
    which steps led there. Nested blocks join the outermost one."""
    if getattr(_once, "pending", None) is not None:
        yield
        return
    _once.pending = {}
    try:
        yield
        pending = _once.pending
    finally:
        _once.pending = None
    for (model, _journal, _pk), held in pending.items():
        _record(model, *held)


def verify(subject, journal: type[JournalEntry] | None = None, entries=None) -> bool:
    """True when ``subject``'s stored chain is intact: sequence unbroken, every hash recomputes.
    ``entries`` is the chain in order when the caller has just read it (not read again)."""
    journal = journal or journal_of(subject._meta.concrete_model)
    name = journal.subject_name(subject)
    previous = ""
    if entries is None:
        entries = journal.objects.filter(**journal.chain_of(subject)).order_by("seq")
    for expected_seq, entry in enumerate(entries, start=1):
        if entry.seq != expected_seq or entry.prev_hash != previous or entry.hash != entry.digest(name):
            return False
        previous = entry.hash
    return True


def transition(model: type[models.Model], *, visible, related: tuple[str, ...] = ()):
    """Make ``func(actor, subject, …)`` a transition of ``model``: in one transaction, re-read the
    subject with only its own row locked (``select_for_update(of=self)``: two actors at once are
    serialised and the second finds the state already changed), through ``visible(actor, queryset)``
    for a user (``actor=None`` is the platform, which sees everything), then run ``func`` on that
    fresh copy — it checks role and state, changes the subject and :func:`append`\\ s the entry.
    The wrapped function returns the changed subject.

    A subject outside the actor's scope raises :class:`NotFound`, exactly like one that does not
    exist. ``related`` are the foreign keys read with the row (``select_related``)."""

    def decorator(func):
        @wraps(func)
        def run(actor, subject, *args, **kwargs):
            with transaction.atomic():
                rows = model._default_manager.select_for_update(of=("self",))
                if related:
                    rows = rows.select_related(*related)
                try:
                    locked = (rows if actor is None else visible(actor, rows)).get(**row_key(subject))
                except model.DoesNotExist:
                    if actor is None:
                        raise
                    raise NotFound from None
                func(actor, locked, *args, **kwargs)
                return locked

        def held(actor, subject, *args, **kwargs):
            """The transition on a subject this transaction already holds — created by it, or read
            under its lock — so it is not read again: the platform's own next step in the same
            service (the small loop's accept and dispatch, right after the report)."""
            func(actor, subject, *args, **kwargs)
            return subject

        run.held = held
        return run

    return decorator
