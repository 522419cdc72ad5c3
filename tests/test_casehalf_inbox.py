"""The department inbox puts urgent work on top (issue 17, item 5): ordered by what is due first
(a whistle's report-in limit, a dispatch's acknowledge limit, then deadlines), a countdown on every
card, a strip of 待签收 / 吹哨 above, and a navbar badge that counts only what still asks something,
capped at 99+."""
import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone, translation

from gridgov.cases.models import Case
from gridgov.cases.services import filing, lifecycle
from gridgov.cases.services import whistle as whistles
from gridgov.cases.services.due import Countdown, countdown
from gridgov.notifications.models import Notification
from gridgov.notifications.services import actionable, notify

from .cases_world import IN_A1_1


def report(world, category="big", title="违章搭建"):
    resident = world.users["resident"]
    return filing.report(district=world.units["district"], channel="app", title=title,
                         category=world.categories[category], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=resident.person, reported_by=resident)


def department_cases(world):
    """Three cases of 城管: acknowledged (due in 5 working days), dispatched and not acknowledged
    (2 hours to acknowledge), and whistled (30 minutes to report in)."""
    dispatcher, chengguan = world.users["street_dispatcher"], world.departments["chengguan"]
    staff = world.users["dept_chengguan"]
    working = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, title="已签收的")),
                                 lead=chengguan)
    lifecycle.acknowledge(staff, working)
    new = lifecycle.dispatch(dispatcher, lifecycle.accept(dispatcher, report(world, title="待签收的")), lead=chengguan)
    whistled = whistles.whistle(dispatcher, lifecycle.accept(dispatcher, report(world, title="吹哨的")), [chengguan])
    return working, new, whistled


def codes_in_order(html, cases):
    return sorted(cases, key=lambda case: html.index(case.code))


def test_the_department_inbox_puts_what_is_due_first_on_top(client, world):
    working, new, whistled = department_cases(world)
    client.force_login(world.users["dept_chengguan"])
    html = client.get(reverse("department-inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert codes_in_order(html, [working, new, whistled]) == [whistled, new, working]


def test_every_card_counts_down_to_its_next_limit(client, world):
    working, new, whistled = department_cases(world)
    client.force_login(world.users["dept_chengguan"])
    html = client.get(reverse("department-inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    kinds = re.findall(r'data-due-kind="(\w+)"', html)
    assert kinds == ["report_in", "acknowledge", "resolve"]
    call = whistled.whistles.get().calls.get()
    assert f'data-countdown="{timezone.localtime(call.due_at).isoformat()}"' in html
    assert re.search(r"data-countdown-text>(29|30)min left<", html)
    assert "countdown.js" in html


def test_a_strip_of_what_waits_to_be_acknowledged_and_reported_in_to(client, world):
    department_cases(world)
    client.force_login(world.users["dept_chengguan"])
    html = client.get(reverse("department-inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    strip = html.split("gg-due-strip", 1)[1].split("</div>\n</div>", 1)[0]
    assert re.search(r'data-strip="acknowledge".*?To acknowledge</span><span[^>]*>1<', strip, re.S)
    assert re.search(r'data-strip="whistle".*?Whistles to report in</span><span[^>]*>1<', strip, re.S)
    assert html.index("gg-due-strip") < html.index("data-case-panel")
    only_new = client.get(reverse("department-inbox"), {"tab": "acknowledge"}).content.decode()
    assert "待签收的" in only_new and "吹哨的" not in only_new and "已签收的" not in only_new


def test_countdown_words():
    now = timezone.now()
    with translation.override("en"):
        assert Countdown("resolve", "Resolve", now, 2 * 86400 + 3 * 3600 + 60).text == "2d3h left"
        assert Countdown("acknowledge", "Acknowledge", now, 3 * 3600 + 20 * 60).text == "3h20min left"
        assert Countdown("report_in", "Report in", now, -25 * 60).text == "overdue by 25min"
        assert Countdown("report_in", "Report in", now, -25 * 60).urgent
        assert not Countdown("resolve", "Resolve", now, 3 * 3600).urgent


def test_countdown_of_a_case_read_without_annotations(world):
    case = report(world, "small")  # the small loop: dispatched to the grid worker, 2 h to acknowledge
    due = countdown(Case.objects.get(pk=case.pk))
    assert due.kind == "acknowledge" and due.at == timezone.localtime(case.response_due)
    staff = world.users["community_staff"]
    worker = world.users["grid_worker"]
    closed = lifecycle.verify(staff, lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "已清运"), True)
    assert countdown(closed) is None


def test_the_badge_counts_what_still_asks_something_and_stops_at_99(client, world):
    user = world.users["street_dispatcher"]
    open_case, done = report(world), report(world)
    dispatcher = world.users["street_dispatcher"]
    lifecycle.reject(dispatcher, done, "invalid")
    Notification.objects.all().delete()
    notify([user], done, "queue", "已处理完的事")
    for _n in range(3):
        notify([user], open_case, "queue", "还没办的事")
    assert actionable(user).count() == 3
    client.force_login(user)
    assert ">3<" in client.get(reverse("inbox-badge")).content.decode()
    for _n in range(100):
        notify([user], open_case, "queue", "还没办的事")
    badge = client.get(reverse("inbox-badge")).content.decode()
    assert ">99+<" in badge and ">103<" not in badge


def test_a_closed_case_still_counts_for_its_reporter_until_rated(world):
    resident, staff, worker = world.users["resident"], world.users["community_staff"], world.users["grid_worker"]
    case = report(world, "small")
    case = lifecycle.verify(staff, lifecycle.handle(worker, lifecycle.acknowledge(worker, case), "已清运"), True)
    Notification.objects.all().delete()
    notify([resident], case, "progress", "已结案，请评价")
    assert actionable(resident).count() == 1
    lifecycle.rate(resident, case, "satisfied")
    assert actionable(resident).count() == 0


def test_tasks_put_a_dispatch_to_acknowledge_before_work_due_later(client, world):
    worker = world.users["grid_worker"]
    later = report(world, "small", title="已签收的")
    lifecycle.acknowledge(worker, later)
    Case.objects.filter(pk=later.pk).update(resolution_due=timezone.now() + dt.timedelta(days=3))
    sooner = report(world, "small", title="待签收的")
    client.force_login(worker)
    html = client.get(reverse("my-tasks")).content.decode()
    assert codes_in_order(html, [later, sooner]) == [sooner, later]
