"""The matter catalogue: the seeded standard tree, grid admission, departments per district, and the
Excel/CSV round trip through services, commands and the admin."""
import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from gridgov.catalogue.models import Category
from gridgov.catalogue.services import (
    COLUMNS,
    assisting_departments_for,
    check_grid_admission,
    export_rows,
    import_file,
    lead_department_for,
    validate_rows,
    write_csv,
    write_xlsx,
)
from gridgov.structure.models import Department, Unit

pytestmark = pytest.mark.django_db

DEPARTMENT_SLUGS = {"chengguan", "gongan", "zhujian", "shengtai", "shichang", "yingji", "xiaofang", "minzheng",
                    "weijian", "jiaotong", "shuiwu"}


@pytest.fixture(autouse=True)
def english():
    """The messages asserted here are the English source strings (the default language is Chinese)."""
    with translation.override("en"):
        yield


def by_name(name):
    return Category.objects.get(name=name)


def xlsx_bytes():
    stream = io.BytesIO()
    write_xlsx(stream)
    return stream.getvalue()


def csv_bytes():
    stream = io.BytesIO()
    write_csv(stream)
    return stream.getvalue()


def csv_file(rows, name="catalogue.csv"):
    """A CSV upload from a header and rows of cells."""
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8"))


def exported_table():
    """The CSV export as a list of rows (header first), for tests to edit."""
    return list(csv.reader(io.StringIO(csv_bytes().decode("utf-8-sig"))))


def set_cell(table, code, column, value):
    row = next(row for row in table if row[0] == code)
    row[COLUMNS.index(column)] = value


# The seed

def test_the_seed_is_a_tree_of_at_least_12_classes_and_60_leaves():
    top = Category.objects.filter(parent=None)
    leaves = Category.objects.leaves()
    assert top.count() >= 12
    assert leaves.count() >= 60
    assert {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "公用设施", "道路交通", "园林绿化", "社会治安",
            "消防安全", "环境保护", "养老关怀", "矛盾纠纷", "物业管理", "民生服务"} <= set(top.values_list("name", flat=True))
    assert not leaves.filter(parent=None).exists()  # every top class has children
    assert leaves.filter(code__regex=r"^\d{6}$").exists()  # some branches have three levels
    for category in Category.objects.select_related("parent"):
        assert len(category.code) in (2, 4, 6)
        assert (category.parent.code if category.parent else "") == category.code[:-2]


def test_every_leaf_has_limits_a_lead_department_and_words_for_residents():
    for leaf in Category.objects.leaves():
        assert 1 <= leaf.response_limit_hours <= 24, leaf
        assert Decimal("1") <= leaf.resolution_limit_days <= Decimal("15"), leaf
        assert leaf.lead_department in DEPARTMENT_SLUGS, leaf
        assert set(leaf.assisting_departments) <= DEPARTMENT_SLUGS - {leaf.lead_department}, leaf
        assert leaf.plain_name and leaf.keywords and leaf.active, leaf


def test_the_grid_matter_list_holds_small_matters_only():
    for name in ("暴露垃圾", "乱堆物料", "占道经营", "非法小广告", "井盖缺失", "邻里纠纷"):
        assert by_name(name).on_grid_list, name
    for name in ("违法建设", "污水直排", "重大火灾隐患", "治安案件", "燃气泄漏"):
        assert not by_name(name).on_grid_list, name
    assert by_name("路灯不亮").plain_name == "路灯不亮"


def test_the_seed_passes_the_same_validation_as_an_import():
    rows, errors = validate_rows(list(enumerate(export_rows(), start=2)))
    assert errors == []
    assert len(rows) == Category.objects.count()


def test_load_catalogue_restores_standard_rows_and_keeps_added_ones():
    total = Category.objects.count()
    Category.objects.filter(code="010101").update(name="改过的名字", response_limit_hours=99)
    Category.objects.create(code="010199", parent=by_name("环境卫生"), name="区里自加", plain_name="自加",
                            handling_level="grid", lead_department="chengguan", response_limit_hours=2,
                            resolution_limit_days=1)
    call_command("load_catalogue", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    restored = Category.objects.get(code="010101")
    assert (restored.name, restored.response_limit_hours) == ("暴露垃圾", 2)
    assert Category.objects.get(code="010199").name == "区里自加"
    assert Category.objects.count() == total + 1


# Admission and departments

def test_the_admission_rule_refuses_a_matter_off_the_grid_list():
    check_grid_admission(by_name("暴露垃圾"))
    with pytest.raises(ValidationError) as refused:
        check_grid_admission(by_name("违法建设"))
    assert refused.value.code == "not_on_grid_list"
    assert "「违法建设」" in refused.value.messages[0]


def test_departments_are_resolved_within_the_district():
    district = Unit.objects.create(code="510113", kind="district", name="青白江区", short_name="青白江区")
    grid = Unit.objects.create(code="510113002001001", kind="grid", name="第1网格", short_name="第1网格")
    other = Unit.objects.create(code="510106", kind="district", name="金牛区", short_name="金牛区")
    chengguan = Department.objects.create(district=district, code="chengguan", name="区综合行政执法局", short_name="城管")
    shuiwu = Department.objects.create(district=district, code="shuiwu", name="区水务局", short_name="水务")
    jiaotong = Department.objects.create(district=district, code="jiaotong", name="区交通运输局", short_name="交通")
    Department.objects.create(district=other, code="gongan", name="金牛公安分局", short_name="公安")
    assert lead_department_for(by_name("暴露垃圾"), district) == chengguan
    assert lead_department_for(by_name("暴露垃圾"), grid) == chengguan   # any unit of the district
    assert lead_department_for(by_name("治安案件"), grid) is None         # 公安 exists only in another district
    assert lead_department_for(by_name("道路积水"), grid) == shuiwu
    assert assisting_departments_for(by_name("道路积水"), grid) == [jiaotong, chengguan]


# Export and import

@pytest.mark.parametrize("export", [xlsx_bytes, csv_bytes])
def test_an_export_imported_again_changes_nothing(export):
    before = export_rows()
    report = import_file(SimpleUploadedFile("catalogue", export()))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before))
    assert export_rows() == before


def test_an_edited_workbook_updates_and_creates_by_code():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes()))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "010101":
            row[header.index("response_limit_hours")].value = 3
            new = [cell.value for cell in row]
    # A code typed into Excel as a number loses its leading zero; the import restores it.
    new[header.index("code")] = 10107
    new[header.index("parent_code")] = 101
    new[header.index("name")] = "果皮纸屑"
    new[header.index("resolution_limit_days")] = 0.5
    sheet.append(new)
    stream = io.BytesIO()
    workbook.save(stream)

    report = import_file(SimpleUploadedFile("catalogue.xlsx", stream.getvalue()))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    assert Category.objects.get(code="010101").response_limit_hours == 3
    added = Category.objects.get(code="010107")
    assert (added.parent.code, added.name, added.resolution_limit_days) == ("0101", "果皮纸屑", Decimal("0.5"))


@pytest.mark.parametrize("column, value, message", [
    ("handling_level", "province", "Row 4, handling_level"),
    ("response_limit_hours", "-2", "Row 4, response_limit_hours"),
    ("resolution_limit_days", "-1", "Row 4, resolution_limit_days"),
    ("on_grid_list", "maybe", "Row 4, on_grid_list"),
    ("assisting_departments", "gongan Not-A-Slug!", "Row 4, assisting_departments"),
])
def test_one_bad_row_refuses_the_whole_file(column, value, message):
    table = exported_table()
    assert table[3][0] == "010101"  # row 4 of the file
    set_cell(table, "010101", column, value)
    set_cell(table, "010102", "name", "本应改名")  # a good change in the same file
    report = import_file(csv_file(table))
    assert not report.ok
    assert any(error.startswith(message) for error in report.errors), report.errors
    assert len(report.errors) == 1
    assert Category.objects.get(code="010102").name == "积存垃圾渣土"
    assert by_name("暴露垃圾").handling_level == "grid"


def test_an_unknown_parent_code_is_refused():
    table = exported_table()
    set_cell(table, "010101", "parent_code", "9901")
    set_cell(table, "010101", "code", "990101")
    report = import_file(csv_file(table))
    assert report.errors == ["Row 4, parent_code: Unknown parent code 9901."]
    assert not Category.objects.filter(code="990101").exists()


def test_a_parent_inconsistent_with_the_code_and_a_duplicate_code_are_refused():
    table = exported_table()
    set_cell(table, "010101", "parent_code", "0102")
    table.append(list(table[4]))
    report = import_file(csv_file(table))
    assert any(error.startswith("Row 4, parent_code") for error in report.errors), report.errors
    assert any(error.startswith(f"Row {len(table)}:") and "twice" in error for error in report.errors), report.errors


def test_a_file_without_the_export_columns_is_refused():
    report = import_file(csv_file([["编码", "名称"], ["01", "市容环境"]]))
    assert not report.ok and "missing" in report.errors[0]
    assert not import_file(SimpleUploadedFile("x.xlsx", b"PK\x03\x04 broken")).ok


def test_a_gb18030_csv_from_a_chinese_excel_is_read():
    data = "\r\n".join(",".join(row) for row in exported_table()).encode("gb18030")
    report = import_file(SimpleUploadedFile("catalogue.csv", data))
    assert report.ok, report.errors
    assert report.updated == 0


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_the_export_and_import_commands(tmp_path, file_format):
    path = tmp_path / f"catalogue.{file_format}"
    call_command("export_catalogue", "--format", file_format, "--output", str(path))
    Category.objects.filter(code="0201").update(name="临时改名")
    call_command("import_catalogue", str(path), verbosity=0)
    assert Category.objects.get(code="0201").name == "非法小广告"


def test_the_import_command_fails_loudly_on_a_bad_file(tmp_path):
    table = exported_table()
    set_cell(table, "010101", "urgency", "whenever")
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_file(table).read())
    with pytest.raises(CommandError, match="Row 4, urgency"):
        call_command("import_catalogue", str(path))


# The admin

def test_the_admin_lists_and_exports_the_catalogue(admin_client):
    response = admin_client.get("/admin/catalogue/category/?on_grid_list__exact=1")
    assert response.status_code == 200
    content = response.content.decode()
    assert "暴露垃圾" in content and "违法建设" not in content
    assert "/admin/catalogue/category/export/xlsx/" in content and "/admin/catalogue/category/import/" in content

    response = admin_client.get("/admin/catalogue/category/export/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == COLUMNS
    assert sheet.max_row == Category.objects.count() + 1

    response = admin_client.get("/admin/catalogue/category/export/csv/")
    assert response.status_code == 200
    assert response.content.startswith("\ufeffcode,name".encode())
    assert admin_client.get("/admin/catalogue/category/export/pdf/").status_code == 404


def test_the_admin_imports_a_file_or_refuses_it_with_row_numbers(admin_client):
    assert admin_client.get("/admin/catalogue/category/import/").status_code == 200
    table = exported_table()
    set_cell(table, "0201", "plain_name", "墙上贴满小广告")
    response = admin_client.post("/admin/catalogue/category/import/", {"file": csv_file(table)})
    assert response.status_code == 302
    assert by_name("非法小广告").plain_name == "墙上贴满小广告"

    set_cell(table, "0201", "plain_name", "不会写入")
    set_cell(table, "010101", "response_limit_hours", "-5")
    response = admin_client.post("/admin/catalogue/category/import/", {"file": csv_file(table)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Row 4, response_limit_hours" in response.content.decode()
    assert by_name("非法小广告").plain_name == "墙上贴满小广告"


def test_the_admin_export_needs_permission(client, django_user_model):
    django_user_model.objects.create_user("staff", password="pw-123456", is_staff=True)
    client.login(username="staff", password="pw-123456")
    assert client.get("/admin/catalogue/category/export/xlsx/").status_code == 403
    assert client.get("/admin/catalogue/category/import/").status_code == 403
