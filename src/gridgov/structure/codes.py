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


# -- many subtrees at once ------------------------------------------------------------------------
# The figures of the participation apps are asked for a unit and all its children at once (the
# assessment board) and on every refresh of the command screen: each family of figures is read in
# one query over the union of the subtrees, and each row is then credited to every requested code
# that holds it. Codes may nest (a district asked together with its streets), so a row may count
# for several.

def outermost(codes) -> list[str]:
    """The codes that lie in no other of them, sorted (in sorted order a code follows its ancestor)."""
    kept: list[str] = []
    for code in sorted(set(codes)):
        if not kept or not code.startswith(kept[-1]):
            kept.append(code)
    return kept


def subtrees_q(path: str, codes) -> Q:
    """Rows whose ``path`` lies in the subtree of any of ``codes``: one index range per outermost code
    (a code inside another adds nothing); matches nothing for no codes."""
    q = Q(pk__in=[])
    for code in outermost(codes):
        q |= subtree_q(path, code)
    return q


def holders(codes):
    """``holding(place)`` → the codes among ``codes`` whose subtree holds ``place``; looks up each
    prefix length once rather than trying every code."""
    wanted = set(codes)
    lengths = sorted({len(code) for code in wanted})

    def holding(place: str) -> list[str]:
        return [place[:length] for length in lengths if len(place) >= length and place[:length] in wanted]

    return holding


def per_subtree(rows, path: str, codes, **aggregates) -> dict[str, dict[str, int]]:
    """``aggregates`` (sums and counts) of ``rows`` for each code's subtree, in one query however many
    codes are asked for. ``path`` names the rows' unit code; the query groups by that code cut to the
    longest code asked for (no group finer than an answer needs) and each group adds into every code
    holding it."""
    from django.db.models.functions import Substr  # the only query expression this module needs

    totals = {code: dict.fromkeys(aggregates, 0) for code in codes}
    if not totals:
        return totals
    holding = holders(totals)
    cut = Substr(path, 1, max(len(code) for code in totals))
    for group in rows.filter(subtrees_q(path, totals)).order_by().values(unit_code=cut).annotate(**aggregates):
        for code in holding(group["unit_code"]):
            for key in aggregates:
                totals[code][key] += group[key] or 0
    return totals
