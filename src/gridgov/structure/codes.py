"""Unit codes: the identity and the path of every unit.

District, street and community codes are the official 6-, 9- and 12-digit division codes; a grid
is its community's code plus 3 digits and a micro-grid its grid's code plus 3 more. Because a code
starts with its parent's code, a subtree is the half-open string range ``[code, next_prefix(code))``,
which a plain b-tree index answers on SQLite and PostgreSQL alike (``LIKE 'p%'`` would not use the
index on PostgreSQL without a special operator class).
"""
from django.db.models import Q

KIND_LENGTHS = {"district": 6, "street": 9, "community": 12, "grid": 15, "microgrid": 18}
LENGTH_KINDS = {length: kind for kind, length in KIND_LENGTHS.items()}
KIND_ORDER = list(KIND_LENGTHS)
#: Every prefix a unit code has a name for: the unit kinds, and the province and city the district
#: is in (the first two and four digits of an official division code; no unit of ours is either).
PREFIX_LENGTHS = {"province": 2, "city": 4, **KIND_LENGTHS}


def prefix(code: str, kind: str) -> str | None:
    """The code of the ``kind`` unit that ``code`` lies in — the code itself when it is of that
    kind — or None when ``code`` is above that kind (a street's code has no grid).

    ``kind`` is a unit kind, ``"province"``, or a case's level (grid, community, street, district:
    the same words). Every cut of a unit code goes through here, so that "the street of a case"
    is written once and a code too short for the question answers None instead of itself."""
    length = PREFIX_LENGTHS[kind]
    return code[:length] if len(code) >= length else None


def next_prefix(code: str) -> str:
    """The smallest digit string greater than every string starting with ``code``.

    Trailing 9s are dropped and the last remaining digit is raised (``510119`` → ``51012``), so the
    bound is itself made of digits and sorts the same under every collation (a ``:`` after ``9``
    only sorts right under the C collation, not under the ICU or glibc locales of a real server).
    """
    stripped = code.rstrip("9")
    if not stripped:
        raise ValueError(f"no digit string follows every code starting with {code!r}")
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def subtree_q(path: str, code: str) -> Q:
    """A filter for rows whose ``path`` (a code column, possibly across a relation) is in the subtree."""
    return Q(**{f"{path}__gte": code, f"{path}__lt": next_prefix(code)})


def kind_of(code: str) -> str:
    """The unit kind a code's length implies; ValueError for anything that is not a unit code."""
    if not (code.isascii() and code.isdigit()) or len(code) not in LENGTH_KINDS:
        raise ValueError(f"not a unit code: {code!r}")
    return LENGTH_KINDS[len(code)]


def parent_code(code: str) -> str | None:
    """The code of the unit directly above, or None for a district."""
    index = KIND_ORDER.index(kind_of(code))
    return None if index == 0 else prefix(code, KIND_ORDER[index - 1])


def ancestor_codes(code: str) -> list[str]:
    """Codes from the district down to (not including) ``code``."""
    index = KIND_ORDER.index(kind_of(code))
    return [prefix(code, kind) for kind in KIND_ORDER[:index]]


def child_kind(kind: str) -> str | None:
    index = KIND_ORDER.index(kind)
    return KIND_ORDER[index + 1] if index + 1 < len(KIND_ORDER) else None
