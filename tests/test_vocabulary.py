"""The shared vocabulary (issue 10, item 4): each rule has one home, and every channel answers with it.

- who handles a case (``cases.services.handling.handled_by``): Open311 and the hotline used to
  disagree when a person handles a case at street level (the queue's name against the street's);
- unit code prefixes (``structure.codes.prefix``), category classes (``catalogue.models``);
- the status text (``Status.text``) and the state groups (``Status.RUNNING``,
  ``AssignmentStatus.ACTIVE`` / ``WORKING``);
- the title made from a description (``cases.services.filing.title_for``);
- the caller's district and channel (``cases.services.callers``);
- the spreadsheet reader (``core.tables``) and the geography helpers (``core.geo``).
"""
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from gridgov.cases.models import OPEN_STATUSES, Assignment, AssignmentStatus, Case, Channel, Level, Status
from gridgov.cases.services import callers, filing, handling
from gridgov.catalogue.models import class_code_of, parent_code_of
from gridgov.core import tables
from gridgov.core.geo import ShapeIndex, bounding_box, distance_m
from gridgov.hotline import services as hotline
from gridgov.structure import codes

from .cases_world import IN_A1_1

MICRO = "510113002001001002"


# -- codes -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, expected", [
    ("province", "51"), ("city", "5101"), ("district", "510113"), ("street", "510113002"),
    ("community", "510113002001"), ("grid", "510113002001001"), ("microgrid", MICRO),
])
def test_prefix_cuts_a_code_to_the_unit_of_a_kind(kind, expected):
    assert codes.prefix(MICRO, kind) == expected


def test_prefix_of_a_code_above_the_kind_is_none_and_levels_are_kinds():
    assert codes.prefix("510113002", "grid") is None  # a street has no grid
    assert codes.prefix("510113002", "street") == "510113002"  # a code is its own kind's prefix
    assert codes.prefix(MICRO, Level.COMMUNITY) == "510113002001"  # a case's level names a kind
    with pytest.raises(KeyError):
        codes.prefix(MICRO, "building")
    assert codes.parent_code(MICRO) == "510113002001001"
    assert codes.ancestor_codes("510113002001") == ["510113", "510113002"]


def test_category_codes_name_their_class_and_parent():
    assert class_code_of("990102") == "99" and parent_code_of("990102") == "9901" and parent_code_of("99") == ""


# -- states ------------------------------------------------------------------------------------
def test_status_text_in_the_readers_language_and_unknown_values_as_stored():
    with translation.override("en"):
        assert Status.text(Status.CLOSED) == "Closed" and Status.text("acknowledged") == "Acknowledged"
    with translation.override("zh-hans"):
        assert Status.text(Status.REPORTED) != "Reported"
    assert Status.text("") == "" and Status.text("gone") == "gone"  # a report's empty "from", an old value


def test_state_groups():
    assert set(Status.RUNNING) == set(OPEN_STATUSES) - {Status.SUSPENDED}
    assert set(AssignmentStatus.ACTIVE) == {AssignmentStatus.DISPATCHED, AssignmentStatus.ACKNOWLEDGED,
                                            AssignmentStatus.HANDLED}
    assert set(AssignmentStatus.WORKING) == set(AssignmentStatus.ACTIVE) - {AssignmentStatus.HANDLED}
    # Constants, not members: the stored choices are unchanged.
    assert len(Status.choices) == 9 and len(AssignmentStatus.choices) == 5


# -- the title from a description --------------------------------------------------------------
def test_title_given_is_kept_and_capped_at_the_field():
    assert filing.title_for("  楼顶违章搭建 ", "别的内容") == "楼顶违章搭建"
    long = "长" * 130
    assert filing.title_for(long, "") == "长" * 119 + "…" and len(filing.title_for(long, "")) == 120


def test_title_from_the_descriptions_first_line_without_its_label_cut_short():
    assert filing.title_for("", "\n  title: 楼下垃圾堆了三天\n\ndetail: 3栋门口") == "楼下垃圾堆了三天"
    first = "路边垃圾堆了三天没人清运，气味很大，附近居民反映多次仍未处理，请尽快处理"
    assert filing.title_for("", first) == first[:30] + "…"
    assert filing.title_for("", "刚好三十个字" * 5) == "刚好三十个字" * 5  # 30 characters: not cut
    assert filing.title_for("", "  \n ", "暴露垃圾") == "暴露垃圾"  # nothing to take: the fallback
    assert filing.title_for("", "") == ""


# -- who handles a case ------------------------------------------------------------------------
def _hotline_case(world, **fields):
    case = filing.report(district=world.units["district"], channel=Channel.HOTLINE, external_id="H-1",
                         title="违章搭建", category=world.categories["big"], lat=IN_A1_1[0], lng=IN_A1_1[1])
    Case.objects.filter(pk=case.pk).update(**fields)
    return case


def _both_answers(case) -> tuple[str, str]:
    """handled_by as Open311 reads names (the cases' paths) and as the hotline does (per district)."""
    loaded = hotline.answer_queryset(Case.objects.filter(pk=case.pk)).get()
    return (handling.handled_by(loaded, handling.unit_names([loaded])),
            hotline.answer(loaded)["handled_by"])


def test_a_person_handling_at_street_level_is_the_street_for_every_channel(world):
    street, district = world.units["A"], world.units["district"]
    case = _hotline_case(world, status=Status.ACKNOWLEDGED, level=Level.STREET, queue=district,
                         handler_user=world.users["street_dispatcher"])
    # Open311 used to answer the queue (the district) here, the hotline the street.
    assert _both_answers(case) == (street.name, street.name)


def test_handled_by_grid_worker_lead_department_and_queue(world):
    case = _hotline_case(world, status=Status.ACKNOWLEDGED, level=Level.GRID,
                         handler_user=world.users["grid_worker"])
    assert _both_answers(case) == (world.units["A1-1"].name,) * 2  # the worker's grid, at the case's level
    Case.objects.filter(pk=case.pk).update(handler_user=None, handler_unit=world.units["A1-2"])
    assert _both_answers(case) == (world.units["A1-2"].name,) * 2  # the grid it was dispatched to
    Case.objects.filter(pk=case.pk).update(handler_unit=None, level=Level.STREET)
    Assignment.objects.create(case=case, district_code=case.district_code, department=world.departments["chengguan"],
                              lead=True,
                              dispatched_at=case.reported_at)
    assert _both_answers(case) == ("区综合行政执法局",) * 2  # the lead department
    Assignment.objects.filter(case=case).update(status=AssignmentStatus.RETURNED)
    assert _both_answers(case) == (case.queue.name,) * 2  # nobody: whoever's queue holds it


def test_a_handler_above_the_cases_location_falls_back_to_the_queue(world):
    # Located only to the district (no coordinates), handled by a grid worker: no grid to name.
    case = _hotline_case(world, unit=world.units["district"], status=Status.ACKNOWLEDGED, level=Level.GRID,
                         handler_user=world.users["grid_worker"])
    assert _both_answers(case) == (case.queue.name,) * 2


# -- the caller's district and channel ---------------------------------------------------------
def test_default_channel_and_home_district(world):
    users = world.users
    assert callers.default_channel(users["resident"]) == Channel.APP
    assert callers.default_channel(users["grid_worker"]) == Channel.PATROL
    assert callers.default_channel(users["street_dispatcher"]) == Channel.OTHER
    assert callers.home_district(users["grid_worker"]) == world.units["district"]
    assert callers.caller_district(users["grid_worker"]) == world.units["district"]
    nobody = User.objects.create_user("nobody", password="x-pass-123")
    with pytest.raises(PermissionDenied):
        callers.home_district(nobody)
    with pytest.raises(PermissionDenied):
        callers.caller_district(nobody)
    with pytest.raises(ValidationError):
        callers.caller_district(users["grid_worker"], "110101")  # a district not theirs


# -- the spreadsheet reader --------------------------------------------------------------------
def test_read_table_reads_excel_and_both_csv_encodings():
    rows = [["编号", "名称"], ["0101", "垃圾"]]
    for encoding in ("utf-8-sig", "gb18030"):
        data = "\n".join(",".join(row) for row in rows).encode(encoding)
        assert tables.read_table(data) == rows
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    assert tables.read_table(buffer.getvalue()) == rows


def test_read_table_refuses_what_it_cannot_read():
    with translation.override("en"), pytest.raises(ValidationError, match="neither an Excel workbook"):
        tables.read_table(b"\xff\xfe\x00garbage\x81")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a zip, as a workbook is, but not one
        archive.writestr("hello.txt", "not a workbook")
    with translation.override("en"), pytest.raises(ValidationError, match="not a readable Excel workbook"):
        tables.read_table(buffer.getvalue())


def test_cell_values_and_row_messages():
    assert [tables.cell_value(v) for v in (None, 3.0, 0.1, " 暴露垃圾 ", "'=1+1", 7)] == ["", 3, "0.1", "暴露垃圾",
                                                                                      "=1+1", 7]
    error = ValidationError({"code": ["Required."], "__all__": ["Twice."]})
    with translation.override("en"):
        assert tables.row_messages(4, error) == ["Row 4, code: Required.", "Row 4: Twice."]


# -- geography ---------------------------------------------------------------------------------
def test_shape_index_finds_every_shape_holding_a_point():
    square = {"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.1, 30.0], [104.1, 30.1], [104.0, 30.1],
                                                  [104.0, 30.0]]]}
    small = {"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.01, 30.0], [104.01, 30.01], [104.0, 30.01],
                                                 [104.0, 30.0]]]}
    index = ShapeIndex([("big", square), ("small", small)])
    assert len(index) == 2
    assert sorted(index.containing(30.005, 104.005)) == ["big", "small"]
    assert index.containing(30.05, 104.05) == ["big"]
    assert index.containing(31.0, 104.05) == []
    south, north, west, east = bounding_box(30.0, 104.0, 1000)
    assert distance_m(30.0, 104.0, north, 104.0) == pytest.approx(1000, rel=1e-3)
    assert south < 30.0 < north and west < 104.0 < east
