"""The 12345 hotline: a batch with good and bad rows imports the good ones with a row-by-row report;
the same batch again changes nothing; the call time is kept and deadlines run from it (into the next
year across the New Year holiday); the push API with its per-integration key; the answer-back
export and poll; the web page and who may use it."""
import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from gridgov.cases.models import Case, CaseCounter, Status, TimelineEntry
from gridgov.cases.services import lifecycle
from gridgov.core import journal
from gridgov.hotline import services
from gridgov.hotline.services import ANSWER_COLUMNS, LAYOUT, ORDER_COLUMNS, Outcome, import_batch, parse_time
from gridgov.integrations.models import Integration
from gridgov.structure.models import Unit
from gridgov.workdays.services import is_working_day

from .cases_world import IN_A1_1, IN_B1_1

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = [column.header for column in ORDER_COLUMNS]
# 工单编号 来电时间 来电人 联系电话 诉求标题 诉求内容 事项分类 发生地址 经度 纬度 所属街道
# Each row: the cells, then what the import must make of it (outcome, refused columns).
ROWS = [
    (["HL001", "2024-12-31 15:00:00", "张三", "13800001111", "楼顶违章搭建", "某小区3栋楼顶有人违章搭建彩钢棚",
      "9903", "测试A1社区3栋", IN_A1_1[1], IN_A1_1[0], "测试街道A"], Outcome.ACCEPTED, set()),
    (["HL002", "2025/03/03 09:30", "李四", "028-12345678", "", "路边垃圾堆了三天没人清运，气味很大",
      "路边有垃圾没人清", "青白江区大弯街道某路口", "", "", ""], Outcome.ACCEPTED, set()),
    (["HL003", "2025年3月4日 10时15分", "匿名", "+86 138 0000 2222", "电线杆小广告", "电线杆上贴满小广告",
      "测试大类/小广告", "测试B1社区路口", IN_B1_1[1], IN_B1_1[0], "测试街道B"], Outcome.ACCEPTED, set()),
    (["HL004", "明天下午", "赵六", "12345", "噪音", "夜间施工噪音", "不存在的分类", "某工地", "", "", ""],
     Outcome.REFUSED, {"来电时间", "联系电话", "事项分类"}),
    (["", "2025-03-05 08:00", "钱七", "13800003333", "井盖", "井盖缺失", "9901", "某路", "", "", ""],
     Outcome.REFUSED, {"工单编号"}),
    (["HL006", "2025-03-05 08:10", "孙八", "13800004444", "违建", "违建", "9903", "北京某地", 116.4, 39.9, ""],
     Outcome.REFUSED, {"经度/纬度"}),
    (["HL007", "2025-03-05 08:20", "周九", "13800005555", "问题", "一个问题", "99", "", "", "", ""],
     Outcome.REFUSED, {"事项分类", "发生地址"}),
    (["HL008", "2025-03-05 08:30", "吴十", "13800006666", "垃圾", "垃圾", "暴露垃圾", "某路", "", "", ""],
     Outcome.REFUSED, {"事项分类"}),
    (["HL001", "2025-03-05 08:40", "张三", "13800001111", "再报", "同一工单再次出现", "9903", "某路", "", "", ""],
     Outcome.REFUSED, {"工单编号"}),
    (["HL010", "2025-03-05 08:50", "郑一", "13800007777", "违建", "违建", "9903", "某路", IN_A1_1[1], IN_A1_1[0],
      "测试街道B"], Outcome.REFUSED, {"所属街道"}),
    (["HL011", "2099-01-01 10:00", "王二", "13800008888", "违建", "违建", "9903", "某路", "", "", ""],
     Outcome.REFUSED, {"来电时间"}),
]
GOOD = {"HL001", "HL002", "HL003"}


@pytest.fixture(autouse=True)
def english():
    """The messages asserted here are the English source strings (the default language is Chinese)."""
    with translation.override("en"):
        yield


def csv_bytes(rows=ROWS, encoding="utf-8-sig"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows([cells for cells, *_expected in rows])
    writer.writerow([""] * len(HEADER))  # a blank line at the end is skipped
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows=ROWS):
    """As a hotline's Excel export: a title line above the header, a real date cell for the first
    call time, numbers where Excel would make them (a category code, a phone)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["青白江区12345热线工单导出（2025年3月）"])
    sheet.append(HEADER)
    for index, (cells, *_expected) in enumerate(rows):
        cells = list(cells)
        if index == 0:
            cells[1], cells[3], cells[6] = dt.datetime(2024, 12, 31, 15, 0), 13800001111, 9903
        sheet.append([None if cell == "" else cell for cell in cells])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


FILES = {"csv": (csv_bytes, 2), "csv-gb18030": (lambda: csv_bytes(encoding="gb18030"), 2), "xlsx": (xlsx_bytes, 3)}


def shanghai(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def snapshot():
    """Everything an import could change: the cases, their timelines and the numbering counters."""
    return (sorted(Case.objects.values_list("code", "external_id", "status", "reported_at", "resolution_due")),
            sorted(TimelineEntry.objects.values_list("case__code", "seq", "hash")),
            sorted(CaseCounter.objects.values_list("district_code", "day", "value")))


def hotline_case(order_no):
    return Case.objects.get(channel="hotline", external_id=order_no)


@pytest.fixture
def home(world):
    """The factory's district (510113), into which the batches are imported."""
    return world.units["district"]


@pytest.fixture
def imported(world, home):
    report = import_batch(csv_bytes(), home)
    assert report.accepted == 3
    return report


# -- batch import ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", FILES)
def test_batch_imports_the_good_rows_only_and_reports_every_bad_row(world, home, kind):
    make, first_row = FILES[kind]
    report = import_batch(make(), home)
    assert not report.errors
    assert (report.accepted, report.already, report.refused) == (3, 0, len(ROWS) - 3)
    assert [row.row for row in report.rows] == list(range(first_row, first_row + len(ROWS)))
    for result, (cells, outcome, columns) in zip(report.rows, ROWS):
        assert result.outcome == outcome, (result.row, result.reasons)
        assert set(result.reasons) == columns, (result.row, result.reasons)
        if outcome == Outcome.REFUSED:
            assert not result.case
            assert all(message.startswith(f"Row {result.row}") for message in result.messages)
        else:
            assert result.case == hotline_case(cells[0]).code
    assert set(Case.objects.values_list("external_id", flat=True)) == GOOD
    assert set(Case.objects.values_list("channel", flat=True)) == {"hotline"}
    by_order = {row.order_no: row for row in report.rows[:8]}
    assert "Row %s, 来电时间" % by_order["HL004"].row in " ".join(by_order["HL004"].messages)
    assert "010101, 9901" in " ".join(by_order["HL008"].reasons["事项分类"])  # ambiguous name: give the code
    assert "the same order number as row %s" % first_row in " ".join(report.rows[8].reasons["工单编号"]).lower()
    assert "is a class with sub-categories" in " ".join(by_order["HL007"].reasons["事项分类"])
    assert "is outside" in " ".join(by_order["HL006"].reasons["经度/纬度"])
    assert "not in 测试街道B" in " ".join(report.rows[9].reasons["所属街道"])


def test_the_same_batch_again_changes_nothing(world, home, imported):
    before = snapshot()
    for data in (csv_bytes(), xlsx_bytes(), csv_bytes(encoding="gb18030")):
        again = import_batch(data, home)
        assert (again.accepted, again.already, again.refused) == (0, 3, len(ROWS) - 3)
        assert {row.order_no: row.case for row in again.rows if row.outcome == Outcome.ALREADY} == \
            {row.order_no: row.case for row in imported.rows if row.outcome == Outcome.ACCEPTED}
    assert snapshot() == before
    assert all(journal.verify(case) for case in Case.objects.all())


def test_a_corrected_row_goes_in_on_the_next_import(world, home, imported):
    fixed = [(["HL004", "2025-03-05 22:00", "赵六", "13800009999", "噪音", "夜间施工噪音", "9903", "某工地", "", "", ""],
              Outcome.ACCEPTED, set())] + ROWS
    report = import_batch(csv_bytes(fixed), home)
    assert (report.accepted, report.already) == (1, 3)
    assert hotline_case("HL004").reported_at == shanghai(2025, 3, 5, 22, 0)


def test_the_call_time_is_kept_and_the_deadline_runs_into_the_next_year(world, home, imported):
    case = hotline_case("HL001")
    assert case.reported_at == shanghai(2024, 12, 31, 15, 0)
    assert case.category.resolution_limit_days == 5
    # 2024-12-31 (Tue) 15:00 leaves 9 h of that working day; 2025-01-01 is New Year's Day (holiday);
    # 01-02 Thu and 01-03 Fri are 48 h (57 h); 01-04/05 is a weekend; 01-06 Mon and 01-07 Tue make 105 h;
    # the last 15 h of the 120 h (5 working days) run out on Wednesday 2025-01-08 at 15:00.
    assert not is_working_day(dt.date(2025, 1, 1))
    assert case.resolution_due == shanghai(2025, 1, 8, 15, 0)
    assert case.code.startswith("51011320241231")  # numbered by the day it was reported
    assert hotline_case("HL002").reported_at == shanghai(2025, 3, 3, 9, 30)
    assert hotline_case("HL003").reported_at == shanghai(2025, 3, 4, 10, 15)


def test_what_the_cases_are_made_of(world, home, imported):
    first, unlocated, third = (hotline_case(order_no) for order_no in ("HL001", "HL002", "HL003"))
    assert (first.contact_name, first.contact_phone, first.title) == ("张三", "13800001111", "楼顶违章搭建")
    assert first.unit == world.units["A1-1"] and first.queue == world.units["A"] and first.status == Status.REPORTED
    assert first.category == world.categories["big"]
    # No coordinates: the district's queue, the address kept for whoever locates it.
    assert unlocated.unit == home and unlocated.queue == home
    assert unlocated.address == "青白江区大弯街道某路口" and unlocated.category.code == "010101"
    assert unlocated.title == "路边垃圾堆了三天没人清运，气味很大"  # no title: the description's start
    assert unlocated.contact_phone == "028-12345678"
    assert third.contact_phone == "13800002222" and third.unit == world.units["B1-1"]
    assert third.category == world.categories["quick"]


def test_file_level_problems_write_nothing(world, home):
    assert import_batch(b"", home).errors
    assert import_batch(b"\x00\x01\x02garbage\xff\xfe", home).errors
    no_category = io.StringIO()
    csv.writer(no_category).writerows([[h for h in HEADER if h != "事项分类"], ["HL1", "2025-03-05 08:00"]])
    report = import_batch(no_category.getvalue().encode(), home)
    assert report.errors and "事项分类" in report.errors[0] and not report.rows
    assert not Case.objects.exists()


def test_header_aliases_and_extra_columns(world, home):
    text = io.StringIO()
    csv.writer(text).writerows([
        ["序号", "工单号", "受理渠道", "来电日期", "诉求人", "来电号码", "问题描述", "诉求分类", "事发地址"],
        ["1", "A-77", "电话", "2025-03-05T08:00:00+08:00", "钱七", "13800003333", "井盖缺失", "9902", "某路"],
    ])
    report = import_batch(text.getvalue().encode(), home)
    assert report.accepted == 1, report.rows[0].reasons
    assert hotline_case("A-77").reported_at == shanghai(2025, 3, 5, 8, 0)


@pytest.mark.parametrize("value, expected", [
    ("2024-12-31 15:00", shanghai(2024, 12, 31, 15, 0)),
    ("2024/1/5 9:05:30", shanghai(2024, 1, 5, 9, 5, 30)),
    ("2024年12月31日 15:00", shanghai(2024, 12, 31, 15, 0)),
    ("2024-12-31T07:00:00Z", shanghai(2024, 12, 31, 15, 0)),
    (dt.datetime(2024, 12, 31, 15, 0), shanghai(2024, 12, 31, 15, 0)),
    (45657.625, shanghai(2024, 12, 31, 15, 0)),  # an Excel day number
])
def test_call_times(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value", ["2024-12-31", "昨天", "15:00", "2024-13-01 10:00", 12])
def test_not_call_times(value):
    with pytest.raises(ValueError):
        parse_time(value)


# -- the command -------------------------------------------------------------------------------
def test_import_command_prints_the_report_and_a_summary(world, home, tmp_path):
    path = tmp_path / "batch.csv"
    path.write_bytes(csv_bytes())
    out = io.StringIO()
    call_command("hotline_import", str(path), district="510113", stdout=out)
    text = out.getvalue()
    assert "Row 2 HL001: Imported" in text and "Row 5 HL004: refused" in text
    assert "Row 5, 联系电话" in text
    assert "11 rows: 3 imported, 0 already imported, 8 refused." in text
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("hotline_import", str(path), district="510113", strict=True, stdout=out)
    assert "0 imported, 3 already imported" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("hotline_import", str(path), district="999999")
    assert Case.objects.count() == 3


# -- answer-back ---------------------------------------------------------------------------------
def close_and_rate(world, case, note="已拆除违章彩钢棚", rating="satisfied"):
    dispatcher, department = world.users["street_dispatcher"], world.users["dept_chengguan"]
    case = lifecycle.accept(dispatcher, case)
    case = lifecycle.dispatch(dispatcher, case, lead=world.departments["chengguan"])
    case = lifecycle.acknowledge(department, case)
    case = lifecycle.handle(department, case, note)  # the category needs no verification: closed
    assert case.status == Status.CLOSED
    return lifecycle.rate(None, case, rating, "回访：群众满意") if rating else case  # the hotline's call-back


def read_export(path):
    if str(path).endswith(".xlsx"):
        sheet = openpyxl.load_workbook(path).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_has_the_closure_and_rating_in_the_import_layout(world, home, imported, tmp_path, suffix):
    case = close_and_rate(world, hotline_case("HL001"))
    path = tmp_path / f"answer.{suffix}"
    call_command("hotline_export", district="510113", output=str(path), stdout=io.StringIO())
    table = read_export(path)
    assert table[0] == [column.header for column in LAYOUT]
    assert table[0][:len(HEADER)] == HEADER  # the import's columns first, in the same order
    rows = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert set(rows) == GOOD
    row = rows["HL001"]
    assert row["平台编号"] == case.code and row["办理状态"] == "已办结"
    assert row["办理结果"] == "已拆除违章彩钢棚" and row["承办单位"] == "区综合行政执法局"
    assert row["满意度评价"] == "满意"
    closed = case.closed_at.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)
    assert row["办结时间"] in (closed, f"{closed:%Y-%m-%d %H:%M:%S}")
    assert row["评价时间"]
    assert row["联系电话"] == "138****1111"  # never unmasked in an export
    assert row["来电时间"] in (dt.datetime(2024, 12, 31, 15, 0), "2024-12-31 15:00:00")
    assert rows["HL002"]["办理状态"] == "待受理" and not rows["HL002"]["满意度评价"]
    # The export reads back as an import: same layout, every order already there.
    again = import_batch(path.read_bytes(), home)
    assert (again.already, again.accepted, again.refused) == (3, 0, 0)


def test_export_since(world, home, imported, tmp_path):
    path = tmp_path / "answer.csv"
    tomorrow = (dt.datetime.now(SHANGHAI) + dt.timedelta(days=1)).date()
    call_command("hotline_export", district="510113", since=f"{tomorrow:%Y-%m-%d}", output=str(path),
                 stdout=io.StringIO())
    assert len(read_export(path)) == 1  # the header only
    with pytest.raises(CommandError):
        call_command("hotline_export", district="510113", output=str(tmp_path / "answer.pdf"))


# -- push API ------------------------------------------------------------------------------------
def hotline_key(unit, kind="hotline", active=True):
    integration = Integration(name=f"12345 {unit.short_name}", kind=kind, district=unit, active=active)
    key = integration.issue_key()
    integration.save()
    return key


@pytest.fixture
def other_district(db):
    ring = [[106.0, 30.0], [107.0, 30.0], [107.0, 31.0], [106.0, 31.0], [106.0, 30.0]]
    return Unit.objects.create(code="510114", kind="district", name="新都区", short_name="新都区",
                               boundary={"type": "Polygon", "coordinates": [ring]})


def order(**changes):
    body = {"order_no": "P-001", "reported_at": "2024-12-31 15:00", "contact_name": "张三",
            "contact_phone": "13800001111", "title": "楼顶违章搭建", "description": "某小区楼顶有人违章搭建",
            "category": "9903", "address": "测试A1社区3栋", "lat": IN_A1_1[0], "lng": IN_A1_1[1]}
    body.update(changes)
    return body


def push(client, body, key):
    headers = {"X-Api-Key": key, "Accept-Language": "en"} if key is not None else {"Accept-Language": "en"}
    return client.post("/api/v1/hotline/orders", json.dumps(body), content_type="application/json", headers=headers)


def test_push_files_once_and_answers_the_same_case_again(world, home, client):
    key = hotline_key(home)
    response = push(client, order(), key)
    assert response.status_code == 201, response.content
    body = response.json()
    case = hotline_case("P-001")
    assert body == {"order_no": "P-001", "case": case.code, "created": True, "status": "reported",
                    "status_label": "待受理"}
    assert case.reported_at == shanghai(2024, 12, 31, 15, 0) and case.resolution_due == shanghai(2025, 1, 8, 15, 0)
    before = snapshot()
    again = push(client, order(title="重复推送"), key)
    assert again.status_code == 200 and again.json()["case"] == case.code and again.json()["created"] is False
    assert snapshot() == before
    assert Integration.objects.get(kind="hotline").last_used is not None


@pytest.mark.parametrize("key", [None, "", "not-a-key"])
def test_push_without_a_valid_key_is_403(world, home, client, key):
    response = push(client, order(), key)
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert "X-Api-Key" in response.json()["detail"]
    assert not Case.objects.exists()


def test_push_with_an_inactive_or_open311_key_is_403(world, home, client):
    for key in (hotline_key(home, active=False), hotline_key(home, kind="open311")):
        assert push(client, order(), key).status_code == 403
    assert not Case.objects.exists()


def test_another_districts_key_cannot_file_into_this_one(world, home, other_district, client):
    key = hotline_key(other_district)
    outside = push(client, order(), key)  # the place is in 510113, the key is 510114's
    assert outside.status_code == 422 and set(outside.json()["reasons"]) == {"location"}
    assert "is outside 新都区" in " ".join(outside.json()["reasons"]["location"])
    explicit = push(client, order(district="510113"), key)
    assert explicit.status_code == 403 and "510114" in explicit.json()["detail"]
    assert not Case.objects.exists()
    # Nor read this district's orders.
    push(client, order(), hotline_key(home))
    assert client.get("/api/v1/hotline/orders/P-001", headers={"X-Api-Key": key}).status_code == 404


def test_push_with_a_bad_body_is_422_json(world, home, client):
    key = hotline_key(home)
    response = client.post("/api/v1/hotline/orders", "{not json", content_type="application/json",
                           headers={"X-Api-Key": key})
    assert response.status_code in (400, 422) and response.json()["detail"]
    missing = push(client, {"title": "没有编号"}, key)
    assert missing.status_code == 422 and "order_no" in missing.json()["detail"]
    refused = push(client, order(reported_at="明天", category="不存在", contact_phone="123", lat=None), key)
    assert refused.status_code == 422
    assert set(refused.json()["reasons"]) == {"reported_at", "category", "contact_phone", "location"}
    assert refused.json()["detail"].startswith("The order was refused")
    assert not Case.objects.exists()


def test_poll_and_rate_an_order(world, home, client):
    key = hotline_key(home)
    headers = {"X-Api-Key": key}
    push(client, order(), key)
    polled = client.get("/api/v1/hotline/orders/P-001", headers=headers).json()
    assert polled["status"] == "reported" and polled["closed_at"] is None and polled["rating"] is None
    early = client.post("/api/v1/hotline/orders/P-001/rating", {"rating": "满意"}, content_type="application/json",
                        headers=headers)
    assert early.status_code == 409  # not closed yet
    close_and_rate(world, hotline_case("P-001"), rating=None)
    rated = client.post("/api/v1/hotline/orders/P-001/rating", {"rating": "满意", "note": "回访满意"},
                        content_type="application/json", headers=headers)
    assert rated.status_code == 200, rated.content
    body = rated.json()
    assert body["status"] == "closed" and body["rating"] == "satisfied" and body["rating_label"] == "满意"
    assert body["result"] == "已拆除违章彩钢棚" and body["handled_by"] == "区综合行政执法局"
    assert body["closed_on_time"] is False  # a 2024 call closed today is late
    assert client.get("/api/v1/hotline/orders/NOPE", headers=headers).status_code == 404
    bad = client.post("/api/v1/hotline/orders/P-001/rating", {"rating": "很好"}, content_type="application/json",
                      headers=headers)
    assert bad.status_code == 422


def test_an_unsatisfied_call_back_reopens_the_case(world, home, client):
    key = hotline_key(home)
    push(client, order(), key)
    close_and_rate(world, hotline_case("P-001"), rating=None)
    response = client.post("/api/v1/hotline/orders/P-001/rating", {"rating": "不满意"},
                           content_type="application/json", headers={"X-Api-Key": key})
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert hotline_case("P-001").reopen_count == 1


# -- web page ------------------------------------------------------------------------------------
def upload(client, data, name="batch.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("hotline"), {"district": "510113", "file": SimpleUploadedFile(name, data)},
                       headers={"Accept-Language": "en"})


@pytest.mark.parametrize("username", ["street_dispatcher", "district_dispatcher"])
def test_dispatchers_import_and_read_the_report(world, client, username):
    client.force_login(world.users[username])
    assert client.get(reverse("hotline")).status_code == 200
    response = upload(client, xlsx_bytes(), "batch.xlsx")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.accepted, report.refused) == (3, len(ROWS) - 3)
    html = response.content.decode()
    assert "HL004" in html and "联系电话" in html and "3 imported" in html
    again = upload(client, csv_bytes()).context["report"]
    assert (again.accepted, again.already) == (0, 3)
    assert Case.objects.count() == 3


@pytest.mark.parametrize("username", ["resident", "grid_worker", "community_staff", "dept_chengguan"])
def test_the_page_is_refused_to_others(world, client, username):
    client.force_login(world.users[username])
    assert client.get(reverse("hotline")).status_code == 403
    assert upload(client, csv_bytes()).status_code == 403
    assert client.get(reverse("hotline-export")).status_code == 403
    assert not Case.objects.exists()


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("hotline"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_dispatcher_cannot_import_into_another_district(world, client, other_district):
    client.force_login(world.users["district_dispatcher"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("hotline"), {"district": "510114", "file": SimpleUploadedFile("b.csv", csv_bytes())})
    assert response.status_code == 200 and response.context["report"] is None
    assert response.context["form"].errors["district"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("username, expected", [("district_dispatcher", GOOD), ("street_dispatcher", {"HL001"})])
def test_download_holds_the_cases_in_scope(world, home, imported, client, username, expected):
    close_and_rate(world, hotline_case("HL001"))
    client.force_login(world.users[username])
    response = client.get(reverse("hotline-export"), {"district": "510113", "format": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == [column.header for column in ORDER_COLUMNS + ANSWER_COLUMNS]
    rows = {row[0]: dict(zip(table[0], row)) for row in table[1:]}
    assert set(rows) == expected
    assert rows["HL001"]["满意度评价"] == "满意"
    csv_response = client.get(reverse("hotline-export"), {"district": "510113", "format": "csv", "since": "2024-01-01"})
    assert csv_response.status_code == 200 and csv_response.content.startswith(b"\xef\xbb\xbf")
    assert client.get(reverse("hotline-export"), {"district": "510113", "format": "pdf"}).status_code == 400


def test_page_in_chinese(world, client):
    client.force_login(world.users["district_dispatcher"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    html = client.post(reverse("hotline"), {"district": "510113", "file": SimpleUploadedFile("b.csv", csv_bytes())},
                       headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "共 11 行：导入 3 行，此前已导入 0 行，拒收 8 行。" in html
    assert "与第 2 行的工单编号重复。" in html and "电话号码无效" in html


def test_services_name_columns_by_header(world):
    assert services.HEADERS["order_no"] == "工单编号" and services.HEADERS["rating"] == "满意度评价"


def test_a_large_file_is_sent_to_the_command(world, client, monkeypatch):
    from gridgov.hotline import views

    monkeypatch.setattr(views, "MAX_WEB_ROWS", 5)
    client.force_login(world.users["district_dispatcher"])
    report = upload(client, csv_bytes()).context["report"]
    assert report.errors and "hotline-import" in report.errors[0]
    assert not Case.objects.exists()


def test_swapped_coordinates_and_unknown_streets_are_explained(world, home):
    checker = services.Checker(home)
    base = dict(zip([column.key for column in ORDER_COLUMNS], ROWS[0][0]))
    with pytest.raises(Exception) as swapped:
        checker.check({**base, "lat": IN_A1_1[1], "lng": IN_A1_1[0]})
    assert "look swapped" in " ".join(swapped.value.message_dict["location"])
    with pytest.raises(Exception) as street:
        checker.check({**base, "street": "不存在街道"})
    assert "no street called" in " ".join(street.value.message_dict["street"])
    assert checker.check({**base, "street": "510113002"}).lat == IN_A1_1[0]  # a street by its code
    assert checker.check({**base, "category": "10101"}).category.code == "010101"  # Excel ate the zero
    assert checker.check({**base, "category": 10101}).category.code == "010101"
    assert checker.check({**base, "category": "0305 违法建设"}).category.code == "0305"


@pytest.mark.django_db(transaction=True)
def test_the_same_order_filed_twice_at_once_makes_one_case(monkeypatch):
    """A batch and a push of the same order at the same moment: the second waits for the first and
    finds its case (PostgreSQL's advisory lock; SQLite serialises writers by itself)."""
    import threading
    import time

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    from .cases_world import categories
    from .factories import build_district

    world = build_district()
    categories()
    home = world.units["district"]
    from gridgov.cases.services import filing as case_filing  # what the intake files through

    slow_report = case_filing.report

    def report(**kwargs):
        case = slow_report(**kwargs)
        time.sleep(0.3)  # hold the transaction open so that the other filing overlaps it
        return case

    monkeypatch.setattr(case_filing, "report", report)
    values = dict(zip([column.key for column in ORDER_COLUMNS], ROWS[0][0]))
    order = services.Checker(home).check(values)
    barrier, results, errors = threading.Barrier(2), [], []

    def file():
        try:
            barrier.wait()
            results.append(services.file_order(order, home))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(created for _case, created in results) == [False, True]
    assert len({case.code for case, _created in results}) == 1
    assert Case.objects.filter(external_id="HL001").count() == 1
