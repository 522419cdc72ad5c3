"""The assessment pages, rankings, red and black lists, reports and their Excel workbook, weights,
and the rebuild command — on tallies made by walking real cases through the case engine.

The month (March 2024) every test looks at, worked out by hand (see ``scored``):

* street A: two small-loop cases closed on time at the grid by ``grid_worker``, one rated
  satisfied — response, closure, on-time and satisfaction 100%, no return, no rework: score 100, A;
* street B: a department case returned once by 城管 and closed on the second dispatch, and one
  dispatched and never acknowledged — response 1/2 = 50%, closure 1/2 = 50%, on time 1/1, no
  rating, return 1/3 = 33.3%, rework 0/1: score (20·50 + 15·50 + 25·100 + 5·66.7 + 10·100) / 75
  = 74.4, C;
* 城管 (all four dispatches of street B lead to it): the same rates but its return rate counts its
  lead assignments, 1 of 3, and it has no whistle to answer: (15·50 + 10·50 + 20·100 + 10·66.7 + 5·100) / 60
  = 73.6, C.
"""
import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation

from gridgov.assessment.models import ScoreWeight, Tally
from gridgov.assessment.services import reports, scoring
from gridgov.assessment.services.access import access_for
from gridgov.assessment.services.periods import Period
from gridgov.cases.services import lifecycle, watch
from gridgov.core import clock

from .cases_world import IN_B1_1, photo
from .test_cases_lifecycle import report

#: Worked out by hand on a handful of cases: every rate counts whatever its sample (conftest).
pytestmark = pytest.mark.usefixtures("every_rate_counts")

MONDAY = timezone.make_aware(dt.datetime(2024, 3, 4, 9, 0))
MARCH = "2024-03"


def walk_cases(world):
    """The month described in the module's docstring, through the case engine."""
    u, chengguan = world.users, world.departments["chengguan"]
    worker, dispatcher, department = u["grid_worker"], u["district_dispatcher"], u["dept_chengguan"]
    with clock.frozen(MONDAY):
        one = report(world)  # small loop: accepted and dispatched to grid_worker by the platform
        clock.set(MONDAY + dt.timedelta(minutes=30))
        lifecycle.acknowledge(worker, one)
        lifecycle.handle(worker, one, "已清运", photos=[photo()])
        lifecycle.verify(u["community_staff"], one, True)  # not the handler
        lifecycle.rate(u["resident"], one, "satisfied")
        two = report(world, "quick", title="小广告")
        lifecycle.acknowledge(worker, two)
        lifecycle.handle(worker, two, "已清除")  # no verification: closes

        three = report(world, "big", at=IN_B1_1, title="违章搭建")
        lifecycle.accept(dispatcher, three)
        lifecycle.dispatch(dispatcher, three, lead=chengguan)
        lifecycle.return_case(department, three, "不属于本部门")
        lifecycle.dispatch(dispatcher, three, lead=chengguan)
        lifecycle.acknowledge(department, three)
        lifecycle.handle(department, three, "已拆除")
        four = report(world, "big", at=IN_B1_1, title="占道经营")
        lifecycle.accept(dispatcher, four)
        lifecycle.dispatch(dispatcher, four, lead=chengguan)
        clock.set(MONDAY + dt.timedelta(days=1))
        watch.tick()  # four's response limit has passed unacknowledged
    return world


@pytest.fixture
def scored(world):
    return walk_cases(world)


def as_user(client, world, username):
    client.force_login(world.users[username])
    return client


def english(client):
    """Ask for pages in English (the language follows the request, not the test's active one)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def get(client, url, status=200, **query):
    response = client.get(url, query)
    assert response.status_code == status, (url, query, response.status_code, response.content[:500])
    return response


def access(world, username="district_admin"):
    return access_for(world.users[username])


# -- rankings, grades, red and black lists --------------------------------------------------------
def test_streets_ranked_with_scores_and_grades_worked_out_by_hand(scored):
    ranking = reports.ranking(access(scored), Period.parse(MARCH), "street")
    a, b = scored.units["A"], scored.units["B"]
    assert [(r.code, r.rank, r.score, r.grade) for r in ranking.rows] == [(a.code, 1, 100.0, "A"),
                                                                          (b.code, 2, 74.4, "C")]
    street_b = ranking.rows[1].figures
    assert (street_b["response_rate"], street_b["closure_rate"], street_b["on_time_rate"]) == (50.0, 50.0, 100.0)
    assert (street_b["satisfaction_rate"], street_b["return_rate"], street_b["rework_rate"]) == (None, 33.3, 0.0)
    assert ranking.rows[1].previous_score is None  # nothing in February
    assert [r.code for r in ranking.red] == [a.code] and [r.code for r in ranking.black] == [b.code]
    assert [r.on_list for r in ranking.rows] == ["red", "black"]


def test_communities_without_cases_are_listed_last_without_a_score(scored):
    rows = reports.ranking(access(scored), Period.parse(MARCH), "community").rows
    assert [(r.name, r.grade) for r in rows] == [
        (scored.units["A1"].short_name, "A"), (scored.units["B1"].short_name, "C"),
        (scored.units["A2"].short_name, ""), (scored.units["B2"].short_name, "")]
    assert [r.rank for r in rows] == [1, 2, None, None]


def test_departments_and_workers_are_ranked_on_their_own_weights(scored):
    period = Period.parse(MARCH)
    departments = reports.ranking(access(scored), period, "department")
    assert [(r.code, r.score, r.grade) for r in departments.rows] == [("chengguan", 73.6, "C"), ("gongan", None, "")]
    assert departments.rows[0].figures["return_rate"] == 33.3  # lead assignments returned: 1 of 3
    assert departments.red == [] and [r.code for r in departments.black] == ["chengguan"]
    workers = reports.ranking(access(scored), period, "worker")
    assert [(r.code, r.score, r.grade) for r in workers.rows] == [("grid_worker", 100.0, "A"),
                                                                  ("grid_worker2", None, "")]
    assert workers.rows[0].figures["valid_report_rate"] is None  # grid_worker reported nothing


def test_a_districts_weights_change_the_scores(scored):
    scoring.set_weights(scored.units["district"].code, "unit", {"closure_rate": 1})
    ranking = reports.ranking(access(scored), Period.parse(MARCH), "street")
    assert [(r.score, r.grade) for r in ranking.rows] == [(100.0, "A"), (50.0, "D")]


def row(name, score, accepted=1):
    return reports.Row(key=name, code=name, name=name, figures={}, previous={}, score=score,
                       previous_score=None, counts={"accepted": accepted})


@pytest.mark.parametrize("scores,red,black", [
    # The red list is the three best graded A or B; the black list every D and E, then C up to three.
    ([95, 91, 88, 80, 80, 76, 70, 50, 30], ["95", "91", "88"], ["30", "50", "70"]),
    ([85, 80, 78, 78, 65], ["85", "80", "78"], ["65"]),
    # However many are graded A, the red list names three; nobody graded C or below: no black list.
    ([99, 98, 97, 96, 80], ["99", "98", "97"], []),
    # Everyone graded D or E is on the black list, worst first; nobody graded B or better: no red list.
    ([70, 39, 41, 45, 20, 55, 58], [], ["20", "39", "41", "45", "55", "58"]),
    ([74.9, 61, 60], [], ["60", "61", "74.9"]),
    ([None, 90, None], ["90"], []),
])
def test_red_and_black_lists(scores, red, black):
    rows, seen = [], set()
    for score in scores:
        name = str(score)
        if name in seen:
            name += "b"
        seen.add(name)
        rows.append(row(name, score))
    rows.sort(key=reports.order)
    got_red, got_black = reports.red_black(rows)
    assert [r.name for r in got_red] == red
    assert [r.name for r in got_black] == black
    assert not {r.name for r in got_red} & {r.name for r in got_black}


def test_equal_scores_rank_by_cases_accepted():
    rows = [row("small", 100.0, accepted=1), row("big", 100.0, accepted=40), row("mid", 100.0, accepted=7),
            row("also-mid", 100.0, accepted=7), row("low", 50.0, accepted=99)]
    rows.sort(key=reports.order)
    assert [r.name for r in rows] == ["big", "also-mid", "mid", "small", "low"]
    red, black = reports.red_black(rows)
    assert [r.name for r in red] == ["big", "also-mid", "mid"] and [r.name for r in black] == ["low"]


# -- the figures page --------------------------------------------------------------------------
def test_figures_page_for_the_district(client, scored):
    response = get(as_user(client, scored, "district_admin"), reverse("assessment"), period=MARCH)
    context = response.context
    assert context["target"].unit == scored.units["district"]
    figures = {r.key: r for r in context["rows"]}
    assert [figures[k].current for k in ("response_rate", "closure_rate", "on_time_rate", "within_grid",
                                         "within_street", "return_rate")] == [75.0, 75.0, 100.0, 66.7, 100.0, 20.0]
    assert figures["response_rate"].previous is None and figures["response_rate"].change.tone == ""
    assert context["grade"] == "A"
    assert [r.code for r in context["child_rows"]] == [scored.units["A"].code, scored.units["B"].code]
    chart = context["chart"]
    assert chart["current"][0] == 75.0 and chart["children"]["figures"][0]["current"] == [100.0, 74.4]
    html = response.content.decode()
    assert 'id="figures-chart"' in html and 'id="children-chart"' in html and "assessment-chart" in html
    assert f"?unit={scored.units['B'].code}" in html
    assert "?department=chengguan" in html


def test_figures_page_compares_with_the_previous_period(client, scored):
    response = get(as_user(client, scored, "district_admin"), reverse("assessment"), period="2024-04")
    figures = {r.key: r for r in response.context["rows"]}
    assert figures["closure_rate"].current is None and figures["closure_rate"].previous == 75.0
    assert response.context["score"] is None and response.context["previous_score"] is not None
    # A quarter holds the month; a day its own events only.
    quarter = get(client, reverse("assessment"), period="2024-Q1").context
    assert {r.key: r.current for r in quarter["rows"]}["closure_rate"] == 75.0
    # A day holds what happened on it: every dispatch was on the 4th (the response counts there).
    day = {r.key: r.current for r in get(client, reverse("assessment"), period="2024-03-04").context["rows"]}
    assert (day["response_rate"], day["closure_rate"]) == (75.0, 75.0)
    day_after = {r.key: r.current for r in get(client, reverse("assessment"), period="2024-03-05").context["rows"]}
    assert day_after["response_rate"] is None


def test_figures_page_for_a_unit_department_worker_and_category(client, scored):
    admin = as_user(client, scored, "district_admin")
    street_b = get(admin, reverse("assessment"), period=MARCH, unit=scored.units["B"].code).context
    assert street_b["score"] == 74.4 and street_b["grade"] == "C"
    assert [u.code for u in street_b["breadcrumb"]] == [scored.units["district"].code]
    department = get(admin, reverse("assessment"), period=MARCH, department="chengguan").context
    assert department["target"].kind == "department" and department["score"] == 73.6
    worker = get(admin, reverse("assessment"), period=MARCH, worker="grid_worker").context
    assert worker["target"].kind == "worker" and worker["score"] == 100.0
    big = get(admin, reverse("assessment"), period=MARCH, category=scored.categories["big"].code).context
    assert {r.key: r.current for r in big["rows"]}["closure_rate"] == 50.0


FIGURES_SCOPE = [
    ("street_dispatcher", {}, 200),
    ("street_dispatcher", {"unit": "A1"}, 200),
    ("street_dispatcher", {"unit": "B"}, 404),  # the other street
    ("street_dispatcher", {"unit": "district"}, 404),
    ("street_dispatcher", {"department": "chengguan"}, 403),
    ("community_staff", {"unit": "A1-1"}, 200),
    ("community_staff", {"unit": "A2"}, 404),
    ("dept_chengguan", {}, 200),
    ("dept_chengguan", {"department": "gongan"}, 404),  # another department
    ("dept_chengguan", {"unit": "A"}, 403),
    ("grid_worker", {}, 200),
    ("grid_worker", {"worker": "grid_worker"}, 200),
    ("grid_worker", {"worker": "grid_worker2"}, 404),
    ("grid_worker", {"unit": "A1-1"}, 403),
    ("resident", {}, 403),
    ("district_dispatcher", {"unit": "B2"}, 200),
    ("district_dispatcher", {"worker": "resident"}, 404),  # not a grid worker
    ("street_dispatcher", {"worker": "grid_worker"}, 200),
    ("district_admin", {"unit": "999999"}, 404),
]


def test_figures_page_scope(client, world):
    for username, query, status in FIGURES_SCOPE:
        query = {key: world.units[value].code if key == "unit" and value in world.units else value
                 for key, value in query.items()}
        get(as_user(client, world, username), reverse("assessment"), status, period=MARCH, **query)


def test_what_each_role_sees_by_default(client, scored):
    assert get(as_user(client, scored, "street_dispatcher"), reverse("assessment")).context["target"].unit \
        == scored.units["A"]
    assert get(as_user(client, scored, "dept_chengguan"), reverse("assessment"), period=MARCH).context["score"] \
        == 73.6
    grid_worker = get(as_user(client, scored, "grid_worker"), reverse("assessment"), period=MARCH).context
    assert grid_worker["target"].worker == scored.users["grid_worker"] and grid_worker["score"] == 100.0
    assert grid_worker["children"] is None


BAD_INPUT = [
    ({"period": "2024-13"}, "Not a period"),
    ({"period": "soon"}, "Not a period"),
    ({"period": "1"}, "between the years"),
    ({"period": "9999-12"}, "between the years"),
    ({"category": "77"}, "No category has the code"),
    ({"unit": "510113002", "worker": "grid_worker"}, "not several"),
]


def test_bad_input_is_400_with_the_reason(client, world):
    admin = english(as_user(client, world, "district_admin"))
    for query, message in BAD_INPUT:
        assert message in get(admin, reverse("assessment"), 400, **query).content.decode(), query
    assert "Not a period" in get(admin, reverse("assessment-rankings"), 400, period="2024-00").content.decode()


# -- the rankings page -------------------------------------------------------------------------
def test_rankings_page(client, scored):
    admin = as_user(client, scored, "district_admin")
    response = get(admin, reverse("assessment-rankings"), by="street", period=MARCH)
    ranking = response.context["ranking"]
    assert [r.grade for r in ranking.rows] == ["A", "C"]
    html = response.content.decode()
    assert 'id="ranking-chart"' in html and "red-list" in html and "black-list" in html
    assert response.context["chart"]["scores"] == [100.0, 74.4]
    assert [t["by"] for t in response.context["by_tabs"]] == ["street", "community", "grid", "department", "worker"]
    for by in ("community", "grid", "department", "worker"):
        get(admin, reverse("assessment-rankings"), by=by, period=MARCH)
    text = get(english(admin), reverse("assessment-rankings"), period=MARCH).content.decode()
    assert "the three best among those graded A or B" in text  # the rule of the lists is said on the page


RANKINGS_SCOPE = [
    ("street_dispatcher", "community", 200),
    ("street_dispatcher", "street", 403),
    ("street_dispatcher", "department", 403),
    ("community_staff", "grid", 200),
    ("community_staff", "community", 403),
    ("district_dispatcher", "department", 200),
    ("dept_chengguan", "department", 403),
    ("grid_worker", "worker", 403),
    ("resident", "", 403),
    ("district_admin", "planet", 400),
]


def test_rankings_scope(client, world):
    for username, by, status in RANKINGS_SCOPE:
        response = get(as_user(client, world, username), reverse("assessment-rankings"), status, by=by, period=MARCH)
        if username == "street_dispatcher" and status == 200:
            assert [r.code for r in response.context["ranking"].rows] == [world.units["A1"].code,
                                                                          world.units["A2"].code]


# -- reports and the workbook ------------------------------------------------------------------
def test_district_report_page(client, scored):
    admin = as_user(client, scored, "district_admin")
    response = get(admin, reverse("assessment-report", args=[MARCH]))
    report = response.context["report"]
    assert [s.by for s in report.sections] == ["street", "community", "department", "worker"]
    assert [r.code for r in report.first.rows] == [scored.units["A"].code, scored.units["B"].code]
    assert [(c["name"], c["reported"]) for c in report.categories] == [("违法建设", 2), ("暴露垃圾", 1), ("小广告", 1)]
    levels = {level["level"]: level for level in report.levels}
    assert (levels["grid"]["count"], levels["street"]["count"], levels["grid"]["within"]) == (2, 1, 66.7)
    html = response.content.decode()
    assert "assessment/assessment.css" in html and "window.print()" in html
    assert reverse("assessment-report-xlsx", args=[MARCH]) in html
    for period in ("2024-Q1", "2024"):
        assert get(admin, reverse("assessment-report", args=[period])).context["report"].first.rows[0].grade == "A"
    english(admin)
    assert "Monthly review" in get(admin, reverse("assessment-report", args=[MARCH])).content.decode()
    assert "Quarterly bulletin" in get(admin, reverse("assessment-report", args=["2024-Q1"])).content.decode()
    assert "Annual assessment" in get(admin, reverse("assessment-report", args=["2024"])).content.decode()
    get(admin, reverse("assessment-reports"))


def open_workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_district_workbook_holds_the_streets_with_their_figures(client, scored):
    admin = english(as_user(client, scored, "district_admin"))
    book = open_workbook(get(admin, reverse("assessment-report-xlsx", args=[MARCH])))
    assert book.sheetnames == ["Summary", "Streets · towns", "Communities · villages", "Departments", "Grid workers"]
    streets = book["Streets · towns"]
    assert "青白江区" in streets["A1"].value and "March 2024" in streets["A1"].value
    headers = [cell.value for cell in streets[3]]
    assert headers[:5] == ["Rank", "Name", "Code", "Composite score", "Grade"]
    closure, returns = headers.index("Closure rate") + 1, headers.index("Return rate") + 1
    rows = {streets.cell(row=r, column=3).value: r for r in range(4, streets.max_row + 1)}
    b = rows[scored.units["B"].code]
    assert streets.cell(row=b, column=2).value == scored.units["B"].short_name
    assert streets.cell(row=b, column=4).value == 74.4  # (20·50 + 15·50 + 25·100 + 5·66.7 + 10·100) / 75
    assert streets.cell(row=b, column=5).value == "C"
    assert streets.cell(row=b, column=closure).value == 0.5  # 1 of 2 accepted cases closed
    assert streets.cell(row=b, column=closure).number_format == "0.0%"
    assert streets.cell(row=b, column=returns).value == 0.333  # 1 return of 3 dispatches
    assert streets.cell(row=rows[scored.units["A"].code], column=8).value == "Red list"
    assert streets.cell(row=b, column=8).value == "Black list"
    departments = book["Departments"]
    assert [departments.cell(row=r, column=3).value for r in (4, 5)] == ["chengguan", "gongan"]
    summary = book["Summary"]
    assert summary["B5"].value == 90.2  # (20·75 + 15·75 + 25·100 + 25·100 + 5·80 + 10·100) / 100 = 90.25


def test_workbook_is_in_the_default_language_chinese(client, scored):
    book = open_workbook(get(as_user(client, scored, "district_admin"), reverse("assessment-report-xlsx",
                                                                                args=[MARCH])))
    assert book.sheetnames[:2] == ["概况", "街道·镇"]
    with translation.override("zh-hans"):
        assert [cell.value for cell in book.worksheets[1][3]][:2] == [translation.gettext("Rank"),
                                                                     translation.pgettext("assessed", "Name")]


def test_street_dispatcher_gets_its_own_streets_communities(client, scored):
    dispatcher = as_user(client, scored, "street_dispatcher")
    report = get(dispatcher, reverse("assessment-report", args=[MARCH])).context["report"]
    assert report.root == scored.units["A"]
    assert [s.by for s in report.sections] == ["community", "grid", "worker"]
    assert [r.code for r in report.first.rows] == [scored.units["A1"].code, scored.units["A2"].code]
    book = open_workbook(get(english(dispatcher), reverse("assessment-report-xlsx", args=[MARCH])))
    assert book.sheetnames == ["Summary", "Communities · villages", "Grids", "Grid workers"]
    district = scored.units["district"].code
    get(dispatcher, reverse("assessment-report", args=[MARCH]), 404, unit=district)
    get(dispatcher, reverse("assessment-report-xlsx", args=[MARCH]), 404, unit=district)
    get(dispatcher, reverse("assessment-report-xlsx", args=[MARCH]), 404, unit=scored.units["B"].code)


def test_who_gets_reports(client, world):
    for username, status in [("district_dispatcher", 200), ("community_staff", 200), ("dept_chengguan", 403),
                             ("grid_worker", 403), ("resident", 403)]:
        get(as_user(client, world, username), reverse("assessment-report", args=[MARCH]), status)
        get(client, reverse("assessment-report-xlsx", args=[MARCH]), status)
        get(client, reverse("assessment-reports"), status)


def test_a_report_of_a_day_or_no_period_is_400(client, scored):
    admin = as_user(client, scored, "district_admin")
    english(admin)
    assert "Reports are for a month" in get(admin, reverse("assessment-report", args=["2024-03-04"]),
                                            400).content.decode()
    get(admin, reverse("assessment-report-xlsx", args=["2024-14"]), 400)
    get(admin, reverse("assessment-reports"), 400, period="nope")
    assert get(admin, reverse("assessment-reports"), 302, period="2024-Q1")["Location"] == \
        reverse("assessment-report", args=["2024-Q1"])


# -- weights -----------------------------------------------------------------------------------
def weights_post(client, subject, **weights):
    data = {"subject": subject}
    data.update({f"{subject}-{key}": value for key, value in weights.items()})
    return client.post(reverse("assessment-weights"), data)


def test_weights_form_saves_and_validates(client, world):
    district = world.units["district"].code
    admin = as_user(client, world, "district_admin")
    page = get(admin, reverse("assessment-weights"))
    assert [row["subject"] for row in page.context["table"]] == ["unit", "department", "worker"]
    response = weights_post(admin, "unit", response_rate=50, satisfaction_rate=50)
    assert response.status_code == 302
    assert scoring.weights(district, "unit") == {"response_rate": 50, "satisfaction_rate": 50}

    english(admin)
    too_big = weights_post(admin, "unit", response_rate=101, satisfaction_rate=10)
    assert too_big.status_code == 400 and "less than or equal to 100" in too_big.content.decode()
    nothing = weights_post(admin, "unit", response_rate=0)
    assert nothing.status_code == 400 and "Give at least one figure a weight above 0" in nothing.content.decode()
    words = weights_post(admin, "worker", response_rate="many")
    assert words.status_code == 400
    # Refused whole: the weights saved before are untouched.
    assert scoring.weights(district, "unit") == {"response_rate": 50, "satisfaction_rate": 50}
    assert scoring.weights(district, "worker") == scoring.DEFAULT_WEIGHTS["worker"]

    assert admin.post(reverse("assessment-weights"), {"subject": "unit", "reset": "1"}).status_code == 302
    assert scoring.weights(district, "unit") == scoring.DEFAULT_WEIGHTS["unit"]


def test_weights_are_saved_atomically(client, world, monkeypatch):
    """A failure while the new rows are written leaves the old ones in place."""
    district = world.units["district"].code
    scoring.set_weights(district, "department", {"response_rate": 7})
    admin = as_user(client, world, "district_admin")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ScoreWeight.objects, "bulk_create", broken)
    client.raise_request_exception = False
    response = weights_post(admin, "department", response_rate=30, closure_rate=30)
    assert response.status_code == 500
    assert scoring.weights(district, "department") == {"response_rate": 7}


def test_only_the_district_admin_sets_weights(client, world):
    for username in ["district_dispatcher", "street_dispatcher", "dept_chengguan", "grid_worker", "resident"]:
        user = as_user(client, world, username)
        get(user, reverse("assessment-weights"), 403)
        assert weights_post(user, "unit", response_rate=1).status_code == 403
    assert not ScoreWeight.objects.exists()


def test_score_weights_in_the_back_office(client, world):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    response = client.post(reverse("admin:assessment_scoreweight_add"), {
        "district_code": world.units["district"].code, "subject": "unit", "figure": "response_rate", "weight": 30})
    assert response.status_code == 302
    assert ScoreWeight.objects.get().weight == 30
    bad = client.post(reverse("admin:assessment_scoreweight_add"), {
        "district_code": "510113", "subject": "unit", "figure": "ack_mean_hours", "weight": 30})
    assert bad.status_code == 200 and ScoreWeight.objects.count() == 1
    assert client.get(reverse("admin:assessment_scoreweight_changelist")).status_code == 200


# -- the rebuild command -----------------------------------------------------------------------
def test_rebuild_command(scored):
    code = scored.units["district"].code
    before = reports.ranking(access(scored), Period.parse(MARCH), "street")
    Tally.objects.all().delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("assessment_rebuild", "--district", code, stdout=out, stderr=err)
    assert code in out.getvalue() and "4" in out.getvalue()
    assert "100%" in err.getvalue() or "4/4" in err.getvalue()
    after = reports.ranking(access(scored), Period.parse(MARCH), "street")
    assert [(r.code, r.score) for r in after.rows] == [(r.code, r.score) for r in before.rows]
    call_command("assessment_rebuild", stdout=io.StringIO(), stderr=io.StringIO())  # every district
    with pytest.raises(CommandError):
        call_command("assessment_rebuild", "--district", "999999", stdout=io.StringIO())
