"""The tamper-evident timeline: every entry's hash covers the case, its content and the previous
entry's hash, so a changed or removed entry is detected by :func:`verify`."""
import datetime as dt
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from ..models import TimelineEntry


def _digest(entry: TimelineEntry, case_code: str) -> str:
    # The time in UTC: the database gives it back in UTC whatever zone the caller's datetime was in
    # (e.g. a clock frozen at a local time), and the hash must not depend on that.
    payload = json.dumps(
        [case_code, entry.seq, entry.actor_id, entry.action, entry.from_status, entry.to_status, entry.note,
         entry.data, entry.at.astimezone(dt.timezone.utc).isoformat(), entry.prev_hash],
        cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def append(case, actor, action: str, *, from_status: str, to_status: str, at, note: str = "",
           data: dict | None = None) -> TimelineEntry:
    """Append one entry. The caller holds the case row lock, so sequence numbers cannot race."""
    last = TimelineEntry.objects.filter(case=case).order_by("-seq").values("seq", "hash").first()
    entry = TimelineEntry(case=case, seq=(last["seq"] + 1) if last else 1, actor=actor, action=action,
                          from_status=from_status, to_status=to_status, note=note, data=data or {}, at=at,
                          prev_hash=last["hash"] if last else "")
    entry.hash = _digest(entry, case.code)
    entry.save()
    return entry


def verify(case) -> bool:
    """True when the stored chain is intact: sequence unbroken, every hash recomputes."""
    previous = ""
    for expected_seq, entry in enumerate(TimelineEntry.objects.filter(case=case).order_by("seq"), start=1):
        if entry.seq != expected_seq or entry.prev_hash != previous or entry.hash != _digest(entry, case.code):
            return False
        previous = entry.hash
    return True
