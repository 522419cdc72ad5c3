"""The command screen (一屏统调): its data endpoint worked out by hand, and its scope.

The scene, replayed on a frozen clock that stands at Wednesday 13 March 2024 15:00 (the month is
2024-03, the 30-day trend runs from 13 February):

=====  ===========  =========  ====================  ========  =============================================
case   category     where      reported              channel   state at 15:00 on 13 March
=====  ===========  =========  ====================  ========  =============================================
c1     small        A1-1       Wed 13 Mar 10:00      app       dispatched to grid_worker, green (5 of 24 h)
c2     big          A1-1       Wed 13 Mar 11:00      hotline   reported (street A's queue), green
c3     quick        A1-2       Wed 13 Mar 09:00      patrol    closed on the spot
c4     community    B1-1       Wed  6 Mar 09:00      hotline   reported (community B1's queue), red: due Mon 11 Mar
c5     small        A1-1       Mon 11 Mar 09:00      app       red (due Tue 12 Mar 09:00): the watch took it
                                                                 from the grid to community A1 (accepted)
c6     quick        A1-1       Tue 12 Mar 14:00      patrol    closed on the spot
c7     quick        A1-2       Wed 28 Feb 10:00      patrol    closed on the spot (last month)
c8     small        A1-1       Tue 12 Mar 16:00      sensor    dispatched, yellow (23 of 24 h)
=====  ===========  =========  ====================  ========  =============================================

So the district has 5 open cases (2 reported, 1 accepted, 2 dispatched; 2 green, 1 yellow, 2 red), 3 reported
today (app, hotline, patrol); c4 is the most overdue (54 h), then c5 (30 h). Small in A1-1 (c1, c5,
c8) is a hot spot. In March street A accepted c1, c3, c5, c6, c8 and closed c3 and c6 (both on
time): closure rate 40.0 %, on-time rate 100.0 %; street B's only case was never accepted.
"""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.cases.services import watch
from gridgov.core import clock, figures

from .cases_world import IN_A1_1, IN_A1_2, IN_B1_1, photo
from .test_cases_lifecycle import report

TZ = timezone.get_fixed_timezone(8 * 60)
NOW = dt.datetime(2024, 3, 13, 15, 0, tzinfo=TZ)


def at(month, day, hour):
    return dt.datetime(2024, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cases = {}

    def make(name, moment, *args, **kwargs):
        clock.set(moment)
        cases[name] = report(world, *args, **kwargs)

    def on_patrol(worker):
        return dict(by=worker, channel="patrol", close_now=True, photos=[photo()], handling_note="当场清理")

    with clock.frozen(at(2, 28, 10)):
        make("c7", at(2, 28, 10), "quick", IN_A1_2, **on_patrol("grid_worker2"))
        make("c4", at(3, 6, 9), "community", IN_B1_1, by=None, channel="hotline", title="邻里噪音纠纷")
        make("c5", at(3, 11, 9), "small", IN_A1_1)
        make("c6", at(3, 12, 14), "quick", IN_A1_1, **on_patrol("grid_worker"))
        make("c8", at(3, 12, 16), "small", IN_A1_1, by=None, channel="sensor", title="垃圾桶满溢")
        make("c3", at(3, 13, 9), "quick", IN_A1_2, **on_patrol("grid_worker2"))
        make("c1", at(3, 13, 10), "small", IN_A1_1)
        make("c2", at(3, 13, 11), "big", IN_A1_1, by=None, channel="hotline", title="违章搭建")
        clock.set(NOW)
        watch.tick(NOW)
    world.cases = cases
    return world


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield


def fetch(client, world, username, code=None, **params):
    client.force_login(world.users[username])
    code = code or world.units["district"].code
    return client.get(f"/screen/{code}/data.json", params)


def counts(rows):
    return {row["key"]: row["count"] for row in rows}


# -- the data, worked out by hand ----------------------------------------------------------------
def test_live_counts_today_and_overdue(scene, client, frozen):
    data = fetch(client, scene, "district_admin").json()
    live = data["live"]
    assert live["open"] == 5
    assert counts(live["by_status"]) == {"reported": 2, "accepted": 1, "dispatched": 2, "acknowledged": 0,
                                         "handled": 0, "suspended": 0}
    assert counts(live["by_light"]) == {"green": 2, "yellow": 1, "red": 2}
    assert [row["label"] for row in live["by_light"]] == ["绿灯", "黄灯", "红灯（超期）"]

    assert data["today"] == "2024-03-13"
    assert data["intake"]["total"] == 3
    assert {k: n for k, n in counts(data["intake"]["by_channel"]).items() if n} == {"app": 1, "hotline": 1,
                                                                                   "patrol": 1}

    c4, c5 = scene.cases["c4"], scene.cases["c5"]
    assert [(row["code"], row["overdue_hours"], row["url"], row["unit"]) for row in data["overdue"]] == [
        (c4.code, 54.0, f"/cases/{c4.code}/", scene.units["B1-1"].short_name),
        (c5.code, 30.0, f"/cases/{c5.code}/", scene.units["A1-1"].short_name)]


def test_trend_and_categories_come_from_the_tallies(scene, client, frozen):
    data = fetch(client, scene, "district_admin").json()
    trend = data["trend"]
    assert len(trend["days"]) == 30 and trend["days"][0] == "2024-02-13" and trend["days"][-1] == "2024-03-13"
    by_day = {day: (reported, closed) for day, reported, closed in zip(trend["days"], trend["reported"],
                                                                       trend["closed"]) if reported or closed}
    assert by_day == {"2024-02-28": (1, 1), "2024-03-06": (1, 0), "2024-03-11": (1, 0), "2024-03-12": (2, 1),
                      "2024-03-13": (3, 1)}

    assert data["period"] == "2024-03"
    assert [(c["name"], c["count"]) for c in data["categories"]] == [
        ("暴露垃圾", 3), ("小广告", 2), ("违法建设", 1), ("邻里纠纷", 1)]  # c7 was reported in February
    assert data["summary"]["reported"] == 7 and data["summary"]["closures"] == 2


def test_map_and_ranking_by_the_chosen_figure(scene, client, frozen):
    a, b = scene.units["A"], scene.units["B"]
    data = fetch(client, scene, "district_admin", figure="closure_rate").json()
    assert data["figure"]["key"] == "closure_rate" and data["region_kind"] == "street"
    features = {f["id"]: f for f in data["map"]["features"]}
    assert set(features) == {a.code, b.code}
    assert features[a.code]["geometry"] == a.boundary
    assert features[a.code]["properties"]["value"] == 40.0  # closed c3, c6 of the 5 accepted in March
    assert features[a.code]["properties"]["url"] == f"/screen/{a.code}/"
    assert features[b.code]["properties"]["value"] is None  # c4 was never accepted
    assert (features[a.code]["properties"]["open"], features[a.code]["properties"]["red"]) == (4, 1)
    assert (features[b.code]["properties"]["open"], features[b.code]["properties"]["red"]) == (1, 1)

    ranking = data["ranking"]
    assert [r["code"] for r in ranking] == [a.code, b.code]
    assert ranking[0]["rank"] == 1 and ranking[0]["score"] is not None and ranking[0]["grade"] in "ABCDE"
    assert ranking[1]["rank"] is None and ranking[1]["score"] is None and ranking[1]["grade"] == ""

    on_time = fetch(client, scene, "district_admin").json()  # the default figure
    assert on_time["figure"]["key"] == "on_time_rate"
    assert {r["code"]: r["value"] for r in on_time["ranking"]} == {a.code: 100.0, b.code: None}


def test_hot_spots_of_the_unit(scene, client, frozen):
    spots = fetch(client, scene, "district_admin").json()["hotspots"]
    assert [(s["category"], s["place"], s["reports"], s["reporters"], s["heat"]) for s in spots] == [
        ("暴露垃圾", scene.units["A1-1"].short_name, 3, 2, 7.5)]
    lng, lat = spots[0]["center"]  # marked on the map inside its grid (the test grids have no centre)
    assert 104.0 < lng < 104.125 and 30.0 < lat < 30.125
    assert fetch(client, scene, "district_admin", scene.units["B"].code).json()["hotspots"] == []
    # The page asks for them only every few refreshes; in between they are left out.
    assert fetch(client, scene, "district_admin", hotspots="0").json()["hotspots"] is None


def test_drilling_down_to_a_grid_shows_its_micro_grids(scene, client, frozen):
    grid = scene.units["A1-1"]
    data = fetch(client, scene, "district_admin", grid.code, figure="closure_rate").json()
    assert data["region_kind"] == "microgrid"
    assert [f["id"] for f in data["map"]["features"]] == [scene.units["A1-1-1"].code, scene.units["A1-1-2"].code]
    assert [c["name"] for c in data["breadcrumb"]] == ["青白江区", "测试街道A", scene.units["A1"].short_name,
                                                       grid.short_name]
    assert data["breadcrumb"][0]["url"] == "/screen/510113/" and data["breadcrumb"][-1]["url"] is None
    # Cases located to the grid itself belong to no micro-grid: counted for the grid, not on its map.
    assert data["live"]["open"] == 4 and all(f["properties"]["open"] == 0 for f in data["map"]["features"])
    assert counts(data["live"]["by_light"]) == {"green": 2, "yellow": 1, "red": 1}

    micro = scene.units["A1-1-1"]
    leaf = fetch(client, scene, "district_admin", micro.code).json()
    assert leaf["region_kind"] == "microgrid" and [f["id"] for f in leaf["map"]["features"]] == [micro.code]
    assert leaf["map"]["features"][0]["properties"]["url"] is None  # nothing below to drill into


# -- scope ----------------------------------------------------------------------------------------
def test_street_dispatcher_sees_its_street_only(scene, client, frozen):
    a, b = scene.units["A"], scene.units["B"]
    client.force_login(scene.users["street_dispatcher"])
    page = client.get("/screen/")
    assert page.status_code == 200
    assert f"<title>{a.short_name} · " in page.content.decode()
    assert "{#" not in page.content.decode() and "{%" not in page.content.decode()
    assert f'data-url="/screen/{a.code}/data.json" data-refresh="60"' in page.content.decode()

    data = fetch(client, scene, "street_dispatcher", a.code).json()
    assert data["unit"]["code"] == a.code and data["region_kind"] == "community"
    assert data["live"]["open"] == 4  # c4 is in street B
    assert counts(data["live"]["by_light"]) == {"green": 2, "yellow": 1, "red": 1}
    assert [row["code"] for row in data["overdue"]] == [scene.cases["c5"].code]
    assert data["breadcrumb"][0] == {"code": "510113", "name": "青白江区", "url": None}  # not theirs to open

    for code in (b.code, scene.units["B1"].code, "510113"):
        assert fetch(client, scene, "street_dispatcher", code).status_code == 404
        assert client.get(f"/screen/{code}/").status_code == 404


def test_each_role_starts_at_its_own_unit(scene, client):
    for username, unit in [("district_admin", "district"), ("district_dispatcher", "district"),
                           ("community_staff", "A1")]:
        client.force_login(scene.users[username])
        page = client.get("/screen/")
        assert page.status_code == 200
        assert f'data-url="/screen/{scene.units[unit].code}/data.json"' in page.content.decode(), username
    root = type(scene.users["district_admin"]).objects.create_superuser("root", password="x")
    client.force_login(root)  # the back office's superuser sees the (first) district
    assert 'data-url="/screen/510113/data.json"' in client.get("/screen/").content.decode()


@pytest.mark.parametrize("username", ["resident", "grid_worker", "dept_chengguan"])
def test_others_are_refused(scene, client, username):
    client.force_login(scene.users[username])
    assert client.get("/screen/").status_code == 403
    assert client.get(f"/screen/{scene.units['A1-1'].code}/").status_code == 403
    answer = fetch(client, scene, username, scene.units["A1-1"].code)
    assert answer.status_code == 403 and answer.json()["detail"]


def test_signed_out(scene, client):
    assert client.get("/screen/").status_code == 302
    answer = client.get("/screen/510113/data.json")
    assert answer.status_code == 401 and answer.json()["detail"]


def test_a_bad_figure_is_a_400_with_a_message(scene, client):
    answer = fetch(client, scene, "district_admin", figure="happiness")
    assert answer.status_code == 400
    assert "happiness" in answer.json()["detail"] and "on_time_rate" in answer.json()["detail"]
    # A time is a figure but not a rate: it cannot colour the map.
    assert fetch(client, scene, "district_admin", figure="close_mean_hours").status_code == 400
    # The page itself falls back to the default figure.
    page = client.get("/screen/?figure=happiness")
    assert page.status_code == 200 and '<option value="on_time_rate" selected>' in page.content.decode()


def _participation_cost(code: str) -> int:
    """The queries every registered participation figure set makes for one unit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        for figure_set in figures.registered():
            figure_set.compute([code], today.replace(day=1), today)
    return len(queries)


def test_the_data_reads_a_fixed_number_of_queries(scene, client, frozen, django_assert_max_num_queries):
    client.force_login(scene.users["district_admin"])
    client.get("/screen/510113/data.json")  # warm the session and the user
    # 25 for the cases' panels, and what the participation panel's figure sets cost for the one unit
    # (each set's cost does not depend on the number of units: tests/test_participation_board.py).
    with django_assert_max_num_queries(25 + _participation_cost("510113")):
        assert client.get("/screen/510113/data.json").status_code == 200
