"""Issue 17, item 3: the share of resident reports routed without a human, on the figures page and
the command screen, worked out by hand (``assessment.services.routing``)."""
import datetime as dt

from django.utils import timezone

from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.routing import routed_without_a_human
from gridgov.cases.services import lifecycle
from gridgov.core import clock
from gridgov.screen.services import screen_data

from .cases_world import IN_B1_1
from .test_cases_lifecycle import report

MONDAY = timezone.make_aware(dt.datetime(2024, 3, 4, 9))


def file_march(world):
    """Two resident reports in street A: a small-loop one the platform dispatches to the grid worker
    on duty (routed), a big one waiting in the street's queue that a dispatcher sends on (not); a
    resident's small-loop report in street B, whose grid has no worker on duty, so it waits in the
    queue (not); and two that are not residents' own: a hotline order routed by the small loop and a
    grid worker's patrol report."""
    with clock.frozen(MONDAY):
        routed = report(world)
        big = report(world, "big", title="违章搭建")
        lifecycle.accept(world.users["district_dispatcher"], big)
        lifecycle.dispatch(world.users["district_dispatcher"], big, lead=world.departments["chengguan"])
        report(world, at=IN_B1_1)
        report(world, by=None, channel="hotline", contact_name="张先生")
        report(world, by="grid_worker", channel="patrol")
    return routed


def test_share_routed_without_a_human_worked_out_by_hand(world):
    routed = file_march(world)
    assert routed.handler_user == world.users["grid_worker"]  # the small loop did it
    march, code = Period.parse("2024-03"), world.units["district"].code
    # Street A: 1 of 2 resident reports → 50.0; the district: 1 of 3 → 33.3; February: none → no data.
    assert routed_without_a_human(code, march, world.units["A"].code) == {"reports": 2, "routed": 1, "share": 50.0}
    assert routed_without_a_human(code, march, code) == {"reports": 3, "routed": 1, "share": 33.3}
    assert routed_without_a_human(code, Period.parse("2024-02"), code)["share"] is None


def test_the_figures_page_and_the_screen_show_it(client, world):
    file_march(world)
    client.force_login(world.users["street_dispatcher"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/assessment/", {"period": "2024-03"})
    assert page.context["routed"]["now"] == {"reports": 2, "routed": 1, "share": 50.0}
    assert "Resident reports routed without a human" in page.content.decode()
    with clock.frozen(MONDAY + dt.timedelta(days=1)):
        data = screen_data(world.users["street_dispatcher"], world.units["A"])
    routed = [f for f in data["summary"]["figures"] if f["key"] == "routed"]
    assert routed == [{"key": "routed", "label": "Resident reports routed without a human", "value": 50.0,
                       "previous": None, "higher_is_better": True}]
