"""The figure-set plug-in (``core.figures``): what an app declares shows on the assessment's
"taking part" board (the unit and its children, formatted, charted with the target) and on the
command screen's panel — without the projections importing the app.

A stand-in set replaces the registry here, so these tests hold whatever the apps register."""
import datetime as dt
import json

import pytest
from django.urls import reverse

from gridgov.core import figures
from gridgov.screen import services as screen

CALLS = []


def compute(codes, start, end):
    """Per unit: its code's length as a count, a share of 0.25, no data for the mean."""
    CALLS.append((tuple(codes), start, end))
    return {code: {"count": len(code) * 1000, "share": 0.25, "mean": None} for code in codes}


STAND_IN = figures.FigureSet(
    key="standin", label="Stand-in", order=1, compute=compute, headline=("share",),
    figures=(figures.Figure("count", "A count", "count", "how many"),
             figures.Figure("share", "A share", "share", "how much of it", target=0.18),
             figures.Figure("mean", "A mean", "mean", "on average")))


@pytest.fixture
def standin(monkeypatch):
    monkeypatch.setattr(figures, "_SETS", {})
    figures.register(STAND_IN)
    CALLS.clear()
    return STAND_IN


def test_the_board_shows_the_unit_and_its_children_formatted(client, district, standin):
    client.force_login(district.users["street_dispatcher"])
    response = client.get(reverse("assessment-participation"), {"period": "2026-11"})
    assert response.status_code == 200
    # One call for the street and its two communities, over November inclusive.
    assert CALLS == [(("510113002", "510113002001", "510113002002"), dt.date(2026, 11, 1), dt.date(2026, 11, 30))]
    sets = response.context["sets"]
    assert [row["unit"].code for row in sets[0]["rows"]] == ["510113002", "510113002001", "510113002002"]
    assert sets[0]["rows"][1]["cells"] == ["12000", "25.0%", "—"]
    chart = json.loads(response.content.decode().split('id="participation-charts" type="application/json">')[1]
                       .split("</script>")[0])["standin"]
    assert chart["names"] == [district.units["A1"].short_name, district.units["A2"].short_name]
    share = chart["figures"][1]
    assert share["data"] == [25.0, 25.0] and share["target"] == 18.0


def test_the_board_refuses_units_out_of_reach_and_bad_periods(client, district, standin):
    client.force_login(district.users["street_dispatcher"])
    url = reverse("assessment-participation")
    assert client.get(url, {"unit": district.units["B"].code}).status_code == 404
    assert client.get(url, {"period": "2026-13"}).status_code == 400
    assert client.get(url, {"period": "2026-11-02"}).status_code == 400  # a day is not offered
    client.force_login(district.users["resident"])
    assert client.get(url).status_code == 403


def test_the_tab_shows_only_when_a_set_is_registered(client, district, monkeypatch):
    monkeypatch.setattr(figures, "_SETS", {})
    client.force_login(district.users["community_staff"])
    assert b"participation/" not in client.get(reverse("assessment")).content
    figures.register(STAND_IN)
    assert reverse("assessment-participation").encode() in client.get(reverse("assessment")).content


def test_the_screen_panel_shows_the_headline_figures(district, standin):
    rows = screen.participation(district.units["A1"], dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    assert rows == [{"set": "Stand-in", "label": "A share", "text": "25.0%"}]
    assert CALLS == [(("510113002001",), dt.date(2026, 11, 1), dt.date(2026, 11, 20))]


@pytest.mark.browser
def test_the_board_draws_the_chosen_figure_against_its_target(sign_in, live_server, live_world, standin):
    """In Chromium: the chart compares the street's two communities; choosing the share redraws it
    in percent with the target as a line, and the screen lists the headline figure."""
    page = sign_in("street_dispatcher")
    page.goto(f"{live_server.url}/assessment/participation/?period=2026-11")
    page.wait_for_selector("#chart-standin[aria-busy=false]")
    option = "echarts.getInstanceByDom(document.getElementById('chart-standin')).getOption()"
    assert page.evaluate(f"() => {option}.series[0].data") == [12000, 12000]
    page.select_option("#figure-standin", "1")
    page.wait_for_function(f"() => {option}.series[0].data[0] === 25")
    assert page.evaluate(f"() => {option}.series[0].markLine.data[0].yAxis") == 18
    assert page.locator("#table-standin tbody tr").count() == 3
    page.goto(f"{live_server.url}/screen/")
    page.wait_for_selector("#screen[aria-busy=false]")
    assert page.locator("#sc-participation dd").all_inner_texts() == ["25.0%"]



@pytest.mark.parametrize("key", [figure_set.key for figure_set in figures.registered()])
def test_each_apps_figures_cost_the_same_queries_for_one_unit_or_many(district, key):
    """The board asks each set for a unit and all its children at once, and the screen asks on every
    refresh: a set's queries must not grow with the number of units (no query per unit)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    figure_set = figures.get(key)
    one = [district.units["district"].code]
    many = one + [district.units[label].code for label in ("A", "B", "A1", "A2", "B1", "B2")]

    def cost(codes):
        with CaptureQueriesContext(connection) as queries:
            figure_set.compute(codes, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        return len(queries)

    assert cost(many) == cost(one) <= 8
