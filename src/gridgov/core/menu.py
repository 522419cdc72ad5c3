"""The menu every page shows, assembled from what each app declares.

An app names its own pages in its ``AppConfig.ready()`` with :func:`register`, saying who sees the
entry; the shell's context processor asks :func:`entries_for` once per page. So a new app appears in
the menu without anyone editing the base template, and the kernel needs to know neither the apps nor
the roles: ``shown`` receives the request and the user's scope object and answers for itself.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    """One menu item: its label (a lazy string, or a function of the scope for labels that depend on
    the role), the URL name it opens, its place (``order``, low first), who sees it, and which URL
    names mark it as the current page (prefixes, e.g. ``"assessment"`` for every assessment page)."""

    label: object
    url_name: str
    order: int
    shown: Callable[[object, object], bool]
    url_args: Callable[[object], tuple] = lambda request: ()
    active: tuple[str, ...] = field(default=())
    badge_url_name: str = ""


_ENTRIES: dict[str, Entry] = {}


def register(entry: Entry) -> None:
    """Declare a menu entry (idempotent: an app's ``ready()`` may run twice in tests)."""
    _ENTRIES[entry.url_name] = entry


def registered() -> list[Entry]:
    return sorted(_ENTRIES.values(), key=lambda entry: entry.order)


def entries_for(request, scope) -> list[dict]:
    """The entries this user sees, in order, ready for the template."""
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    items = []
    for entry in registered():
        if not entry.shown(request, scope):
            continue
        label = entry.label(scope) if callable(entry.label) else entry.label
        marks = entry.active or (entry.url_name,)
        items.append({
            "url_name": entry.url_name,
            "label": label,
            "href": reverse(entry.url_name, args=entry.url_args(request)),
            "active": any(current.startswith(mark) for mark in marks),
            "badge_url": reverse(entry.badge_url_name) if entry.badge_url_name else "",
        })
    return items
