"""What the apps above deliberation (micro-projects) may call. These names and signatures are
stable: a project is put on a meeting's agenda, decided by a passing resolution, or taken through
四议两公开 as a matter, named everywhere by its subject ref (``"project:12"``)."""
from __future__ import annotations

from ..models import AgendaItem, Matter, Resolution
from . import matters, meetings


def add_agenda_item(actor, meeting, *, title: str, subject_ref: str = "", description: str = "") -> AgendaItem:
    """An agenda item about any subject named by a ref ``kind:pk`` (e.g. ``project:12``); the actor
    must be the meeting's community staff and the meeting not yet held."""
    return meetings.add_agenda_item(actor, meeting, title=title, subject_ref=subject_ref, description=description)


def passed_resolution(subject_ref: str) -> Resolution | None:
    """The latest resolution that passed (a quorate meeting, the majority rule met — a resolution is
    only ever recorded under those checks) on an agenda item about ``subject_ref``; None when none."""
    if not subject_ref:
        return None
    return (Resolution.objects.select_related("meeting", "item").filter(item__subject_ref=subject_ref, passed=True)
            .order_by("-decided_at", "-pk").first())


def open_matter(actor, *, community, title: str, description: str = "", subject_ref: str = "") -> Matter:
    """A 四议两公开 matter in draft about ``subject_ref``."""
    return matters.open_matter(actor, community=community, title=title, description=description,
                               subject_ref=subject_ref)


def matter_for(subject_ref: str) -> Matter | None:
    """The latest matter about ``subject_ref`` (``.step``, ``.resolution_published``); None when none."""
    if not subject_ref:
        return None
    return Matter.objects.filter(subject_ref=subject_ref).order_by("-opened_at", "-pk").first()
