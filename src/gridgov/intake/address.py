"""Address text → unit, for reports without coordinates ("弥牟镇怡湖社区怡湖小区3栋楼下有垃圾").

The registry's names are the gazetteer: streets/towns, communities/villages, grids, compounds and
their buildings. Per district an index of name variants is built once per process (and rebuilt when
a unit, compound or building changes in any process: the places' stamp, ``core.stamps``):

* streets and communities by official name, short name, and the stem without its suffix (弥牟镇 →
  弥牟, 怡湖社区 → 怡湖, 同福村 → 同福) when that stem is unambiguous (or shared only along one
  chain, like a community and its compound 怡湖苑), at least two characters, and not a common word
  (jieba's dictionary says 广场 or 团结 is a word, not a place);
* grids by name; compounds by name and by stem (怡湖小区 → 怡湖) under the same rules;
* buildings by number: 3栋, 3号楼, 3幢, 三栋, 3座 all find the building named 3栋 (or 3号楼 …).

:func:`resolve_address` finds the names in the text and keeps the deepest consistent chain: a
community only within a matched street (when a street is named), a grid or compound only within a
matched community, a building only within a matched compound (or, when no compound is named, the
one compound of the matched community or grid that has a building of that number). The answer is
the most specific unit all the remaining candidates share: a building's micro-grid, a compound's
grid, the community, or the street — never just the district (that is "not found").
"""
import re
from collections import defaultdict
from dataclasses import dataclass, field

from gridgov.core import stamps
from gridgov.structure.codes import prefix
from gridgov.structure.models import Building, Compound, Unit, UnitKind
from gridgov.structure.services import PLACES_STAMP

from .text import normalise, segmenter

COMMON_WORD_FREQUENCY = 100  # a stem jieba knows this often is a word, not a place name
STEM_SUFFIXES = {
    "street": ["街道办事处", "街道", "镇", "乡"],
    "community": ["社区居民委员会", "村村民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "社区", "村"],
    "compound": ["小区", "院落", "花园", "家园", "苑"],
}
CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9}
_NUMBER = r"(\d{1,3}|[零〇一二两三四五六七八九十]{1,3}|[a-z])"
BUILDING_IN_TEXT = re.compile(_NUMBER + r"\s*(?:号楼|号栋|栋|幢|座)")
BUILDING_NAME = re.compile(r"^\s*第?" + _NUMBER + r"\s*(?:号楼|号栋|栋|幢|座|号|楼)?\s*$")
LEVELS = {UnitKind.STREET: 9, UnitKind.COMMUNITY: 12, UnitKind.GRID: 15, UnitKind.MICROGRID: 18}


def building_number(token: str) -> str:
    """'3', '03', '三', '十二', 'a' → '3', '3', '3', '12', 'a'."""
    if token.isdigit():
        return str(int(token))
    if token.isascii():
        return token
    if "十" in token:
        tens, _sep, units = token.partition("十")
        return str(CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(units, 0))
    return "".join(str(CHINESE_DIGITS[c]) for c in token).lstrip("0") or "0"


@dataclass(frozen=True)
class Place:
    kind: str  # street, community, grid, compound
    code: str  # the unit code; a compound's grid's code
    pk: int = 0  # a compound's id


@dataclass
class Index:
    variants: dict = field(default_factory=lambda: defaultdict(set))  # name variant → {Place}
    buildings: dict = field(default_factory=lambda: defaultdict(dict))  # compound pk → {number: micro-grid code}
    compounds_in: dict = field(default_factory=lambda: defaultdict(list))  # grid code → [compound pk]
    ordered: list = field(default_factory=list)  # variants, longest first


def _stem(name: str, kind: str) -> str | None:
    for suffix in STEM_SUFFIXES.get(kind, []):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def _build(district_code: str) -> Index:
    index = Index()
    stems = defaultdict(set)
    places = []
    for unit in Unit.objects.filter(district_code=district_code,
                                    kind__in=[UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID]).values(
            "code", "kind", "name", "short_name"):
        places.append((Place(unit["kind"], unit["code"]), [unit["name"], unit["short_name"]]))
    for compound in Compound.objects.filter(grid__district_code=district_code).values("pk", "name", "grid__code"):
        places.append((Place("compound", compound["grid__code"], compound["pk"]), [compound["name"]]))
        index.compounds_in[compound["grid__code"]].append(compound["pk"])
    for place, names in places:
        for name in {normalise(n).strip() for n in names if n and n.strip()}:
            index.variants[name].add(place)
            stem = _stem(name, place.kind)
            if stem:
                stems[stem].add(place)
    frequency = segmenter().dt.FREQ
    for stem, owners in stems.items():
        # A stem shared by places on one chain (怡湖 of 怡湖社区 and of its compound 怡湖苑) still
        # says where; shared by unrelated places, it says nothing.
        one_chain = all(a.code.startswith(b.code) or b.code.startswith(a.code) for a in owners for b in owners)
        if one_chain and stem not in index.variants and frequency.get(stem, 0) < COMMON_WORD_FREQUENCY:
            index.variants[stem] |= owners
    for building in Building.objects.filter(compound__grid__district_code=district_code).values(
            "compound_id", "name", "microgrid__code"):
        match = BUILDING_NAME.match(normalise(building["name"]))
        if match:
            index.buildings[building["compound_id"]][building_number(match.group(1))] = building["microgrid__code"]
    index.ordered = sorted(index.variants, key=len, reverse=True)
    return index


#: Each district's index, rebuilt when a unit, compound or building changes in any process.
_indexes = stamps.StampedCache(PLACES_STAMP, _build)




@dataclass
class Resolved:
    unit: Unit
    matched: list[str]  # the names found in the text that led there, in the text's order


def _within(code: str, allowed: set[str]) -> bool:
    return not allowed or any(code.startswith(a) for a in allowed)


def common_unit_code(codes: set[str]) -> str:
    """The deepest unit code (9, 12, 15 or 18 digits) every code starts with; '' if only the district."""
    best = ""
    for kind in ("street", "community", "grid", "microgrid"):
        prefixes = {prefix(code, kind) for code in codes}
        if len(prefixes) != 1 or None in prefixes:
            break
        best = prefixes.pop()
    return best


def resolve_address(district_code: str, text: str) -> Resolved | None:
    """The most specific unit of the district the text names, with the names matched; None when
    the text names no place of the district (or only places that contradict each other)."""
    text = normalise(text)
    if not text.strip():
        return None
    index = _indexes.get(district_code)
    hits = []  # (start, end, variant, place)
    for variant in index.ordered:
        start = text.find(variant)
        while start >= 0:
            hits.extend((start, start + len(variant), variant, place) for place in index.variants[variant])
            start = text.find(variant, start + 1)
    # A name inside a longer name counts only when it is the longer one's ancestor (怡湖社区 in
    # 怡湖社区第1网格) — not when it is another place's name that happens to be part of it.
    kept = [hit for hit in hits if not any(
        other[0] <= hit[0] and hit[1] <= other[1] and (other[1] - other[0]) > (hit[1] - hit[0])
        and not other[3].code.startswith(hit[3].code) for other in hits)]
    by_kind = defaultdict(dict)  # kind → {place: first hit}
    for hit in sorted(kept, key=lambda hit: hit[:3]):
        by_kind[hit[3].kind].setdefault(hit[3], hit)
    streets = {p.code for p in by_kind["street"]}
    communities = {p.code for p in by_kind["community"] if _within(p.code, streets)}
    above_grid = communities or streets
    grids = {p.code for p in by_kind["grid"] if _within(p.code, above_grid)}
    compounds = [p for p in by_kind["compound"] if _within(p.code, grids or above_grid)]
    numbers = [(m.start(), building_number(m.group(1)), m.group(0)) for m in BUILDING_IN_TEXT.finditer(text)]
    micro, matched_numbers = set(), []
    if numbers:
        pool = [p.pk for p in compounds]
        if not pool and (grids or communities):
            pool = [pk for grid, pks in index.compounds_in.items() if _within(grid, grids or communities) for pk in pks]
        for start, number, words in numbers:
            found = {index.buildings[pk][number] for pk in pool if number in index.buildings.get(pk, {})}
            if found:
                micro |= found
                matched_numbers.append((start, words))
    levels = [micro, {p.code for p in compounds}, grids, communities, streets]
    for candidates in levels:
        if not candidates:
            continue
        code = common_unit_code(candidates)
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                return None
            chain = [hit for kind in ("street", "community", "grid", "compound") for place, hit in by_kind[kind].items()
                     if code.startswith(place.code) or place.code.startswith(code)]
            if len(code) == 18:
                chain += [(start, 0, words) for start, words in matched_numbers]
            return Resolved(unit, [hit[2] for hit in sorted(chain, key=lambda hit: hit[:2])])
    return None
