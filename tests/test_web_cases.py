"""The case screens through Django's test client: each role's screen shows its cases and no others,
every action form reaches its service, and bad input or a refused action answers 400/403/404
with the reason and nothing written."""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.cases.models import Case, Photo, Status, TimelineEntry
from gridgov.cases.services import filing, lifecycle
from gridgov.notifications.models import Notification

from .cases_world import IN_A1_1, IN_A1_2, IN_B1_1, photo


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def report(world, category="small", at=IN_A1_1, by="resident", **extra):
    user = world.users[by]
    return filing.report(district=world.units["district"], channel=extra.pop("channel", "app"),
                         title=extra.pop("title", "楼下有暴露垃圾"), category=world.categories[category],
                         lat=at[0], lng=at[1], reporter=getattr(user, "person", None) if by == "resident" else None,
                         reported_by=user, **extra)


def as_user(client, world, username):
    client.force_login(world.users[username])
    return client


def page(client, url, status=200, **query):
    response = client.get(url, query)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def act(client, case, action, status=200, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(reverse("case-action", args=[case.code, action]), data, **headers)
    expected = 302 if status == 200 and not htmx else status
    assert response.status_code == expected, response.content.decode()[:3000]
    return response.content.decode()


def says(html, message) -> bool:
    return escape(str(message)) in html


def tr(msgid) -> str:
    """A service's message as the (Chinese) page shows it, with this file's usual placeholders."""
    return _(msgid) % {"district": "青白江区", "name": "x.png"}


def fresh(case):
    return Case.objects.get(pk=case.pk)


# -- report ----------------------------------------------------------------------------------
def test_report_page_offers_plain_categories_and_the_map(client, world):
    html = page(as_user(client, world, "resident"), reverse("case-report"))
    assert "暴露垃圾" in html and "路边有垃圾没人清" in html  # the test leaf and a standard plain name
    assert reverse("case-report-map") in html and 'capture="environment"' in html
    assert 'name="close_now"' not in html
    assert 'name="close_now"' in page(as_user(client, world, "grid_worker"), reverse("case-report"))


@pytest.mark.parametrize("username", ["street_dispatcher", "dept_chengguan"])
def test_only_residents_and_grid_workers_report(client, world, username):
    page(as_user(client, world, username), reverse("case-report"), status=403)


def test_report_map_is_the_district_and_its_grids_names_and_shapes_only(client, world):
    collection = as_user(client, world, "resident").get(reverse("case-report-map")).json()
    features = {f["properties"]["code"]: f for f in collection["features"]}
    grids = [u for key, u in world.units.items() if getattr(u, "kind", "") == "grid"]
    assert set(features) == {world.units["district"].code} | {grid.code for grid in grids}
    assert [code for code, f in features.items() if f["properties"]["own"]] == [world.units["A1-1"].code]
    assert set(features[world.units["A1-1"].code]["properties"]) == {"code", "name", "kind", "own"}


def test_resident_report_goes_the_small_loop(client, world):
    client = as_user(client, world, "resident")
    response = client.post(reverse("case-report"), {
        "title": "楼下有暴露垃圾", "category": world.categories["small"].pk, "description": "三天没人清",
        "lat": IN_A1_1[0], "lng": IN_A1_1[1], "photos": [photo("a.png"), photo("b.png")]})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("case", args=[case.code])
    assert case.channel == "app" and case.reporter == world.users["resident"].person
    assert case.status == Status.DISPATCHED and case.handler_user == world.users["grid_worker"]
    assert case.photos.filter(stage="report").count() == 2


def test_report_with_only_an_address_goes_to_the_district(client, world):
    as_user(client, world, "resident").post(reverse("case-report"), {
        "title": "违章搭建", "category": world.categories["big"].pk, "address": "幸福路 12 号"})
    case = Case.objects.get()
    assert case.address == "幸福路 12 号" and case.unit == world.units["district"] and case.status == Status.REPORTED


@pytest.mark.parametrize("change, message", [
    ({"title": ""}, "Give the case a title."),
    ({"category": "999999"}, "Choose the kind of problem again."),
    ({"lat": "", "lng": ""}, "Pick the place on the map or type an address."),
    ({"lat": 39.9, "lng": 116.4}, "The location is outside %(district)s."),
    ({"photos": [SimpleUploadedFile("x.png", b"not an image")]}, "“%(name)s” is not an image."),
])
def test_bad_report_is_400_with_the_reason_and_writes_nothing(client, world, change, message):
    data = {"title": "楼下有暴露垃圾", "category": world.categories["small"].pk, "lat": IN_A1_1[0], "lng": IN_A1_1[1]}
    data.update(change)
    response = as_user(client, world, "resident").post(reverse("case-report"), data)
    assert response.status_code == 400
    assert says(response.content.decode(), tr(message))
    assert not Case.objects.exists() and not Photo.objects.exists()


def test_patrol_report_closed_on_the_spot_needs_a_photo(client, world):
    client = as_user(client, world, "grid_worker")
    data = {"title": "路边垃圾", "category": world.categories["small"].pk, "lat": IN_A1_1[0], "lng": IN_A1_1[1],
            "close_now": "on", "handling_note": "当场清理"}
    response = client.post(reverse("case-report"), data)
    assert response.status_code == 400 and says(response.content.decode(),
                                                 _("Add a photo as evidence to close the case at once."))
    assert not Case.objects.exists()
    assert client.post(reverse("case-report"), {**data, "photos": [photo()]}).status_code == 302
    case = Case.objects.get()
    assert case.channel == "patrol" and case.status == Status.CLOSED and case.reporter is None


# -- the case page -----------------------------------------------------------------------------
def test_case_page_shows_everything_about_the_case(client, world):
    case = report(world, photos=[photo()])
    html = page(as_user(client, world, "grid_worker"), reverse("case", args=[case.code]))
    assert case.title in html and case.code in html
    assert world.users["resident"].person.masked_phone in html
    assert world.users["resident"].person.phone not in html
    assert says(html, _("Timeline intact")) and says(html, _("Platform"))
    for label in ("Reported", "Accepted", "Dispatched"):
        assert says(html, _(label))
    assert reverse("case-photo", args=[case.code, case.photos.get().pk]) in html
    assert 'data-action="acknowledge"' in html and 'data-action="return"' in html
    assert "case-map-data" in html


def test_a_tampered_timeline_is_shown(client, world):
    case = report(world)
    TimelineEntry.objects.filter(case=case, seq=1).update(note="改过")
    html = page(as_user(client, world, "grid_worker"), reverse("case", args=[case.code]))
    assert "data-timeline-broken" in html and "data-timeline-intact" not in html


@pytest.mark.parametrize("username", ["grid_worker2", "dept_chengguan", "other_resident"])
def test_case_outside_the_scope_is_404(client, world, username):
    other = User.objects.create_user("other_resident")
    RoleAssignment.objects.create(user=other, role=Role.RESIDENT, unit=world.units["A1-1"])
    world.users["other_resident"] = other
    case = report(world, photos=[photo()])
    client = as_user(client, world, username)
    page(client, reverse("case", args=[case.code]), status=404)
    page(client, reverse("case-timeline", args=[case.code]), status=404)
    page(client, reverse("case-photo", args=[case.code, case.photos.get().pk]), status=404)
    act(client, case, "acknowledge", status=404)
    assert fresh(case).status == Status.DISPATCHED


def test_photo_is_served_as_the_image_it_is(client, world):
    case = report(world, photos=[photo("disguised.html")])
    response = as_user(client, world, "resident").get(reverse("case-photo", args=[case.code, case.photos.get().pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    other = report(world, photos=[photo()])
    page(client, reverse("case-photo", args=[case.code, other.photos.get().pk]), status=404)


# -- lists ------------------------------------------------------------------------------------
def test_my_cases_lists_only_my_reports_with_the_rating_form_when_closed(client, world):
    mine = report(world)
    patrol = report(world, by="grid_worker", channel="patrol", title="巡查发现")
    worker = world.users["grid_worker"]
    handled = lifecycle.handle(worker, lifecycle.acknowledge(worker, mine), "已清运")
    lifecycle.verify(world.users["community_staff"], handled, True)
    html = page(as_user(client, world, "resident"), reverse("my-cases"))
    assert mine.code in html and patrol.code not in html
    assert 'data-action="rate"' in html
    timeline = page(client, reverse("case-timeline", args=[mine.code]))
    assert says(timeline, _("Verified")) and says(timeline, _("Closed")) and "已清运" in timeline


def test_tasks_are_mine_only_and_most_urgent_first(client, world):
    green = report(world, title="绿灯任务")
    red = report(world, title="红灯任务")
    Case.objects.filter(pk=red.pk).update(light="red", resolution_due=timezone.now() - dt.timedelta(hours=1))
    elsewhere = report(world, at=IN_A1_2, title="别的网格")
    html = page(as_user(client, world, "grid_worker"), reverse("my-tasks"))
    assert html.index(red.code) < html.index(green.code) and elsewhere.code not in html
    assert elsewhere.code in page(as_user(client, world, "grid_worker2"), reverse("my-tasks"))
    page(as_user(client, world, "resident"), reverse("my-tasks"), status=403)


def test_queues_tabs_show_my_queues_only(client, world):
    big = report(world, "big", title="违章搭建")
    other_street = report(world, "big", at=IN_B1_1, title="B街道的事")
    returned = lifecycle.return_case(world.users["grid_worker"], report(world), "不在本网格")
    client = as_user(client, world, "street_dispatcher")
    html = page(client, reverse("case-queues"))
    assert big.code in html and other_street.code not in html and returned.code not in html
    assert f'{reverse("case", args=[big.code])}#act-{big.pk}-whistle' in html  # folded: its form is on the case page
    html = page(client, reverse("case-queues"), tab="returned")
    assert returned.code in html and "不在本网格" in html and big.code not in html
    assert returned.code in page(as_user(client, world, "community_staff"), reverse("case-queues"), tab="dispatch")
    assert big.code not in page(client, reverse("case-queues"), tab="all")  # the street's queue, not A1's
    page(as_user(client, world, "grid_worker"), reverse("case-queues"), status=403)


def test_department_inbox_shows_what_was_dispatched_to_it(client, world):
    undispatched = report(world, "big", title="还没派")
    dispatcher = world.users["street_dispatcher"]
    case = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, "big")),
                              lead=world.departments["chengguan"])
    client = as_user(client, world, "dept_chengguan")
    html = page(client, reverse("department-inbox"))
    assert case.code in html and undispatched.code not in html
    page(client, reverse("case", args=[undispatched.code]), status=404)
    page(as_user(client, world, "resident"), reverse("department-inbox"), status=403)


# -- actions ----------------------------------------------------------------------------------
def test_small_loop_through_the_forms(client, world):
    case = report(world)
    worker = as_user(client, world, "grid_worker")
    act(worker, case, "acknowledge", next=reverse("my-tasks"))
    assert fresh(case).status == Status.ACKNOWLEDGED
    html = act(worker, case, "handle", htmx=True, view="card", note="已清运", photos=[photo()])
    assert "data-case-panel" in html and says(html, _("Done: %(action)s.") % {"action": _("Handle")})
    assert fresh(case).status == Status.HANDLED and case.photos.filter(stage="handle").count() == 1
    act(as_user(client, world, "community_staff"), case, "verify", htmx=True, view="page", result="pass",
        note="现场已清理")  # not the handler: someone else verifies
    assert fresh(case).status == Status.CLOSED
    act(as_user(client, world, "resident"), case, "rate", rating="satisfied", note="很快")
    assert fresh(case).rating == "satisfied"


@pytest.mark.parametrize("action, data, message", [
    ("handle", {"note": ""}, "Describe what was done."),
    ("handle", {"note": "已处理", "photos": [SimpleUploadedFile("x.png", b"not an image")]},
     "“%(name)s” is not an image."),
    ("request_extension", {"days": "2", "reason": ""}, "Say why more time is needed."),
])
def test_bad_handler_input_is_400_and_changes_nothing(client, world, action, data, message):
    worker = world.users["grid_worker"]
    case = lifecycle.acknowledge(worker, report(world))
    html = act(as_user(client, world, "grid_worker"), case, action, status=400, htmx=True, view="card", **data)
    assert says(html, tr(message))
    assert fresh(case).status == Status.ACKNOWLEDGED and not case.photos.exists() and not case.extensions.exists()


def test_return_needs_a_reason(client, world):
    case = report(world)
    client = as_user(client, world, "grid_worker")
    assert says(act(client, case, "return", status=400, reason=""), _("Say why the dispatch is wrong."))
    assert fresh(case).status == Status.DISPATCHED
    act(client, case, "return", reason="不在本网格")
    assert fresh(case).status == Status.ACCEPTED and fresh(case).return_count == 1


def test_extension_escalation_and_failed_verification(client, world):
    case = lifecycle.acknowledge(world.users["grid_worker"], report(world))
    worker = as_user(client, world, "grid_worker")
    act(worker, case, "request_extension", days="2", reason="等物业配合")
    act(as_user(client, world, "community_staff"), case, "decide_extension", decision="grant")
    assert fresh(case).extension_days == 2
    act(as_user(client, world, "grid_worker"), case, "handle", note="已处理")
    act(as_user(client, world, "community_staff"), case, "verify", result="fail", note="还有垃圾")
    assert fresh(case).status == Status.ACKNOWLEDGED and fresh(case).rework_count == 1
    act(as_user(client, world, "grid_worker"), case, "escalate", note="需社区协调")
    assert fresh(case).queue == world.units["A1"]


def test_big_loop_through_the_forms(client, world):
    case = report(world, "big", title="违章搭建")
    dispatcher = as_user(client, world, "street_dispatcher")
    act(dispatcher, case, "accept", htmx=True, view="card")
    assert says(act(dispatcher, case, "dispatch", status=400, target="department"), _("Choose the lead department."))
    act(dispatcher, case, "dispatch", target="department", lead=world.departments["chengguan"].pk,
        assisting=[world.departments["gongan"].pk], note="请依法处置")
    case = fresh(case)
    assert case.status == Status.DISPATCHED and case.assignments.count() == 2
    department = as_user(client, world, "dept_chengguan")
    assert 'data-action="acknowledge"' in page(department, reverse("department-inbox"))
    act(department, case, "acknowledge", htmx=True, view="card")
    html = page(department, reverse("case", args=[case.code]))
    assert says(html, _("Give feedback"))
    act(department, case, "handle", note="已拆除", photos=[photo()])
    assert fresh(case).status == Status.CLOSED


def test_dispatch_to_a_person_or_the_grid(client, world):
    first = lifecycle.return_case(world.users["grid_worker"], report(world), "先退回")
    second = lifecycle.return_case(world.users["grid_worker"], report(world), "先退回")
    client = as_user(client, world, "community_staff")
    assert "grid_worker" in page(client, reverse("case", args=[first.code]))  # the worker list
    act(client, first, "dispatch", target="person", person=world.users["grid_worker"].pk)
    act(client, second, "dispatch", target="grid", grid=world.units["A1-1"].pk)
    assert fresh(first).handler_user == world.users["grid_worker"]
    assert fresh(second).handler_unit == world.units["A1-1"]


def test_reject_suspend_resume_merge_supervise(client, world):
    case = report(world, "big")
    client = as_user(client, world, "street_dispatcher")
    assert says(act(client, case, "reject", status=400), _("Give a reason: duplicate, out of scope or invalid."))
    assert says(act(client, case, "suspend", status=400, reason=""), _("Say why the case is suspended."))
    act(client, case, "suspend", reason="等待鉴定")
    assert fresh(case).status == Status.SUSPENDED
    act(client, case, "resume")
    assert fresh(case).status == Status.REPORTED
    html = act(client, case, "merge", status=400, into="000")
    assert says(html, _("There is no case with this number in your area."))
    master = report(world, "big", title="主案件")
    # Issue 17, item 7: the merge asks first, showing both cases, and merges only when confirmed.
    asked = act(client, case, "merge", status=400, into=master.code, note="重复上报")
    assert says(asked, _("Check both cases, then confirm the merge.")) and "主案件" in asked and case.title in asked
    assert fresh(case).status == Status.REPORTED
    act(client, case, "merge", into=master.code, note="重复上报", confirmed="on")
    assert fresh(case).status == Status.MERGED and fresh(case).merged_into == master
    # … and can be undone from the merged case's page: back in the queue it was merged from.
    assert 'data-action="unmerge"' in page(client, reverse("case", args=[case.code]))
    act(client, case, "unmerge", note="并错了")
    assert fresh(case).status == Status.REPORTED and fresh(case).merged_into is None
    act(client, case, "merge", into=master.code, confirmed="on")
    act(as_user(client, world, "district_dispatcher"), master, "supervise", note="请尽快处理")
    assert fresh(master).supervised
    other = report(world, "big", title="不予受理")
    act(as_user(client, world, "street_dispatcher"), other, "reject", reason="invalid", note="无效")
    assert fresh(other).status == Status.REJECTED


def test_whistle_report_in_and_rating_the_department(client, world):
    case = report(world, "big")
    dispatcher = as_user(client, world, "street_dispatcher")
    act(dispatcher, case, "accept")
    act(dispatcher, case, "whistle", departments=[world.departments["chengguan"].pk], limit_minutes=30, note="速到")
    assert fresh(case).whistled
    department = as_user(client, world, "dept_chengguan")
    assert case.code in page(department, reverse("department-inbox"))
    act(department, case, "report_in")
    assert case.whistles.get().calls.get().reported_at
    dispatcher = as_user(client, world, "street_dispatcher")
    act(dispatcher, case, "dispatch", target="department", lead=world.departments["chengguan"].pk)
    department = as_user(client, world, "dept_chengguan")
    act(department, case, "acknowledge")
    act(department, case, "handle", note="已处理")
    act(as_user(client, world, "street_dispatcher"), case, "rate_department",
        department=world.departments["chengguan"].pk, score=4)
    assert case.whistles.get().calls.get().score == 4


def test_refusals_answer_403_400_and_404(client, world):
    case = report(world, "big")
    resident = as_user(client, world, "resident")
    html = act(resident, case, "accept", status=403, htmx=True, view="page")
    assert says(html, _("Only a dispatcher of this case's queue may do this.")) and 'id="case-panel"' in html
    assert says(act(resident, case, "accept", status=403), _("Only a dispatcher of this case's queue may do this."))
    worker = as_user(client, world, "grid_worker")
    html = act(worker, case, "verify", status=400, result="pass")
    assert says(html, _("The case is “%(status)s”; this action is not possible now.") % {"status": _("Reported")})
    act(worker, case, "no-such-action", status=404)
    assert client.get(reverse("case-action", args=[case.code, "accept"])).status_code == 405
    assert fresh(case).status == Status.REPORTED


# -- inbox ------------------------------------------------------------------------------------
def test_inbox_lists_unread_first_and_marks_read(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the inbox is written once each case commits
        first = report(world, title="第一件")
        second = report(world, title="第二件")
    worker = world.users["grid_worker"]
    notes = list(Notification.objects.filter(user=worker).order_by("at", "pk"))
    assert len(notes) == 2
    Notification.objects.filter(pk=notes[1].pk).update(read_at=notes[1].at)
    client = as_user(client, world, "grid_worker")
    html = page(client, reverse("inbox"))
    assert html.index(first.code) < html.index(second.code)  # unread first, though older
    assert ">1<" in page(client, reverse("inbox-badge")).replace(" ", "")
    assert client.post(reverse("inbox-read"), {"pk": "x"}).status_code == 400
    client.post(reverse("inbox-read"), {"pk": notes[0].pk})
    assert not Notification.objects.filter(user=worker, read_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        third = report(world, title="第三件")
    note = Notification.objects.about(third).get(user=worker)
    response = client.get(reverse("notification", args=[note.pk]))
    assert response.url == reverse("case", args=[third.code])
    assert Notification.objects.get(pk=note.pk).read_at
    with django_capture_on_commit_callbacks(execute=True):
        report(world, title="第四件")
    assert Notification.objects.filter(user=worker, read_at__isnull=True).exists()
    client.post(reverse("inbox-read"))
    assert not Notification.objects.filter(user=worker, read_at__isnull=True).exists()
    resident_note = Notification.objects.filter(user=world.users["resident"]).first()
    assert client.get(reverse("notification", args=[resident_note.pk])).status_code == 404


def test_the_reporter_reads_progress_not_the_offices_notes(client, world):
    """A resident reading their own case sees every step of its progress, but not the internal steps
    (supervision) nor the staff's notes (instructions to the department), nor the departments' and
    whistles' panels; the staff read all of it. The resident's list keeps timelines folded."""
    case = report(world, category="big", at=IN_A1_1)
    chengguan = world.departments["chengguan"]
    lifecycle.accept(world.users["street_dispatcher"], case, note="核对一下地址")
    lifecycle.dispatch(world.users["street_dispatcher"], fresh(case), lead=chengguan, note="请带执法记录仪")
    lifecycle.supervise(world.users["district_dispatcher"], fresh(case), "督办：三日内处置")
    resident = page(as_user(client, world, "resident"), reverse("case", args=[case.code]))
    timeline = page(client, reverse("case-timeline", args=[case.code]))
    for html in (resident, timeline):
        assert says(html, tr("Dispatched")) and says(html, tr("Accepted"))
        assert "请带执法记录仪" not in html and "核对一下地址" not in html and "督办：三日内处置" not in html
    assert escape(chengguan.short_name) not in resident.split("gg-timeline")[0]  # no departments' panel
    staff = page(as_user(client, world, "street_dispatcher"), reverse("case", args=[case.code]))
    assert "请带执法记录仪" in staff and "督办：三日内处置" in staff
    mine = page(as_user(client, world, "resident"), reverse("my-cases"))
    assert 'hx-trigger="toggle once"' in mine and " open " not in mine.split("<details")[1].split(">")[0]


def test_the_case_page_links_its_visit_and_offers_staff_to_raise_it_as_a_proposal(client, world):
    """A case found on a household visit links back to it; the community's staff may raise a case as
    a proposal (微提案) from its page, its reporter is not offered to."""
    case = report(world, channel="visit", external_id="7")
    staff_page = page(as_user(client, world, "community_staff"), reverse("case", args=[case.code]))
    assert 'href="/visits/7/"' in staff_page and "data-raise-proposal" in staff_page
    resident_page = page(as_user(client, world, "resident"), reverse("case", args=[case.code]))
    assert "data-raise-proposal" not in resident_page
