"""The menu every page shows, assembled from what each app declares.

An app names its own pages in its ``AppConfig.ready()`` with :func:`register`, saying who sees the
entry; the shell's context processor asks :func:`entries_for` once per page. So a new app appears in
the menu without anyone editing the base template, and the kernel needs to know neither the apps nor
the roles: ``shown`` receives the request and the user's scope object and answers for itself.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

#: The section the participation apps' staff pages share: nine apps' entries side by side do not fit
#: a desktop navbar, so they open from one dropdown.
TAKING_PART = _("Taking part")


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
    #: The dropdown section it opens from (a label, e.g. :data:`TAKING_PART`); "" for the bar itself.
    group: object = ""


_ENTRIES: dict[str, Entry] = {}


def register(entry: Entry) -> None:
    """Declare a menu entry (idempotent: an app's ``ready()`` may run twice in tests)."""
    _ENTRIES[entry.url_name] = entry


def registered() -> list[Entry]:
    return sorted(_ENTRIES.values(), key=lambda entry: entry.order)


def entries_for(request, scope) -> list[dict]:
    """The entries this user sees, in order, ready for the template. Entries of a section come as
    one item (``children``, at the place of its first entry) — unless the user sees only one of
    them, which then stands in the bar like any other."""
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    items, sections = [], {}
    for entry in registered():
        if not entry.shown(request, scope):
            continue
        label = entry.label(scope) if callable(entry.label) else entry.label
        marks = entry.active or (entry.url_name,)
        item = {
            "url_name": entry.url_name,
            "label": label,
            "href": reverse(entry.url_name, args=entry.url_args(request)),
            "active": any(current.startswith(mark) for mark in marks),
            "badge_url": reverse(entry.badge_url_name) if entry.badge_url_name else "",
        }
        if not entry.group:
            items.append(item)
        elif entry.group in sections:
            sections[entry.group]["children"].append(item)
        else:
            sections[entry.group] = {"url_name": "", "label": entry.group, "children": [item]}
            items.append(sections[entry.group])
    for section in sections.values():
        section["active"] = any(child["active"] for child in section["children"])
    return [item["children"][0] if len(item.get("children", (0, 0))) == 1 else item for item in items]
