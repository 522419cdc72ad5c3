"""Unit sections: cards other apps add to the unit page without the structure app knowing them.

The unit page (``structure``) sits on the same floor as the apps that have something to say about a
unit (facilities, …); importing them would tie it to each. Instead an app registers a section in its
``AppConfig.ready()`` — a label, the URL name of a fragment taking the unit's code, the unit kinds it
is about and who sees it — and the unit page loads each fragment by htmx once it has rendered.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    label: object
    url_name: str
    kinds: tuple[str, ...]
    #: Whether the user sees the card at all (a fragment they would be refused is not announced).
    shown: Callable[[object], bool] = lambda user: True
    #: Static scripts the card's fragment needs, loaded by the unit page with ECharts and the unit map.
    scripts: tuple[str, ...] = ()


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Declare a section (idempotent: an app's ``ready()`` may run twice in tests)."""
    _SECTIONS[section.url_name] = section


def for_unit(user, unit_kind: str) -> list[Section]:
    """The sections about a unit of ``unit_kind`` that ``user`` sees, in the order registered."""
    return [section for section in _SECTIONS.values() if unit_kind in section.kinds and section.shown(user)]
