"""A phone (390×844) in headless Chromium: a missed check-in escalates to the grid worker (the
worker job runs in the test), who sees the alert on "today's care" and resolves it."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.care.models import CareSettings, Escalation
from gridgov.care.services import plans, watch
from gridgov.core import clock

from . import care_world as cw

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_a_missed_check_in_reaches_the_grid_worker_who_resolves_it_on_a_phone(sign_in, live_server, live_world):
    d = live_world
    group = cw.elderly_alone()
    person = d.persons[0]
    person.special_groups.add(group)
    CareSettings.objects.create(district_code="510113", buddy_hours=1, grid_hours=24)
    now = timezone.now()
    made = now - dt.timedelta(hours=10)
    with clock.frozen(made):  # a two-hour window opening an hour after the plan was made
        plans.create_plan(d.users["community_staff"], person=person, group=group,
                          starts_on=timezone.localdate(made), every_days=1,
                          window_start=(timezone.localtime(made) + dt.timedelta(hours=1)).time(), window_hours=2,
                          method="phone", buddy=d.persons[1], grid_worker=d.users["grid_worker"])
    watch.tick(now)  # missed 7 hours ago; the buddy had an hour; the grid worker has a day
    escalation = Escalation.objects.get()
    assert (escalation.reason, escalation.step) == ("missed", 2)

    worker = sign_in("grid_worker", PHONE)
    worker.goto(f"{live_server.url}/care/today/")
    card = worker.locator(f".escalation[data-escalation='{escalation.pk}']")
    assert card.get_attribute("data-step") == "2"
    assert person.name in card.inner_text()
    assert worker.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    card.locator("select[name=outcome]").select_option("well")
    card.locator("input[name=note]").fill("老人在楼下晒太阳")
    card.locator("[data-action=resolve]").click()
    worker.wait_for_load_state("networkidle")
    assert worker.locator(".alert-success").count() == 1
    assert worker.locator(f".escalation[data-escalation='{escalation.pk}']").count() == 0
    escalation.refresh_from_db()
    assert (escalation.status, escalation.resolved_by, escalation.note) == ("resolved", d.users["grid_worker"],
                                                                           "老人在楼下晒太阳")
