"""Issue 17, item 8: figures that are fair and easy to read — a minimum sample before grading, like
periods compared, arrows that say the direction and colours that say better or worse, no credit for
handling one's own reports, and whistles weighed for departments (docs/assessment.md)."""
import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from gridgov.assessment.services import reports, scoring
from gridgov.assessment.services.access import access_for
from gridgov.assessment.services.cells import change
from gridgov.assessment.services.figures import Figures
from gridgov.assessment.services.periods import Period
from gridgov.assessment.services.recount import plain_sums
from gridgov.assessment.services.totals import Subject, figures_for, sums
from gridgov.cases.services import lifecycle
from gridgov.core import clock

from .cases_world import photo
from .test_assessment_reports import MARCH, walk_cases
from .test_cases_lifecycle import report


def at(month, day, hour=9):
    return timezone.make_aware(dt.datetime(2024, month, day, hour))


# -- a minimum sample -----------------------------------------------------------------------------
def test_a_rate_on_fewer_than_five_cases_does_not_count_towards_the_score():
    chosen = {"response_rate": 50, "satisfaction_rate": 50}
    # Response 100% on 2 cases, satisfaction 50% on 6 ratings: only satisfaction counts → 50.0, D.
    few = Figures({"response_rate": 100.0, "satisfaction_rate": 50.0},
                  {"response_rate": 2, "satisfaction_rate": 6})
    assert scoring.score(few, chosen) == 50.0 and scoring.grade(scoring.score(few, chosen)) == "D"
    # With 5 cases behind the response rate both count: (100 + 50) / 2 = 75.0, B.
    enough = Figures({"response_rate": 100.0, "satisfaction_rate": 50.0},
                     {"response_rate": 5, "satisfaction_rate": 6})
    assert scoring.score(enough, chosen) == 75.0
    # Nothing resting on enough cases: no score, not a 0.
    assert scoring.score(Figures({"response_rate": 0.0}, {"response_rate": 4}), chosen) is None


def test_tiny_samples_are_neither_graded_nor_listed(world):
    """The March of ``walk_cases``: street A's two cases and the grid worker's two would be 100 A;
    street B's two would be on the black list. With the minimum sample nobody is graded."""
    scored = walk_cases(world)
    access = access_for(scored.users["district_admin"])
    period = Period.parse(MARCH)
    for by in ("street", "worker"):
        ranking = reports.ranking(access, period, by)
        assert all(row.score is None and row.grade == "" and row.rank is None for row in ranking.rows), by
        assert ranking.red == [] and ranking.black == []


def test_the_figures_page_shows_the_sample_and_why_there_is_no_grade(client, world):
    scored = walk_cases(world)
    client.force_login(scored.users["district_admin"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get("/assessment/", {"period": MARCH, "unit": scored.units["A"].code})
    html = response.content.decode()
    assert response.context["score"] is None and response.context["grade"] == ""
    assert "No weighted figure rests on at least 5 cases" in html
    assert "n=2" in html  # street A's two closures behind its on-time rate


# -- like periods ---------------------------------------------------------------------------------
def test_a_running_period_is_compared_with_as_many_first_days_of_the_previous_one():
    december = Period.parse("2026-12")
    # 7 December: 1–7 December beside 1–7 November.
    assert december.comparison(dt.date(2026, 12, 7)) == Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 8))
    assert str(december.comparison(dt.date(2026, 12, 7))) == "2026-11-01..2026-11-07"
    # 31 March: all of February (it has fewer days), never beyond it.
    assert Period.parse("2027-03").comparison(dt.date(2027, 3, 31)) == Period.parse("2027-02")
    # The 68th day of Q4 (7 December: 31 + 30 + 7) beside the first 68 days of Q3 (1 July – 6 September).
    assert Period.parse("2026-Q4").comparison(dt.date(2026, 12, 7)) == Period("quarter", dt.date(2026, 7, 1),
                                                                              dt.date(2026, 9, 7))
    # A finished period: the whole previous one; a day: the day before.
    assert december.comparison(dt.date(2027, 1, 2)) == Period.parse("2026-11")
    assert Period.parse("2026-12-07").comparison(dt.date(2026, 12, 7)) == Period.parse("2026-12-06")


def test_the_figures_of_a_running_month_are_compared_with_its_first_days(world):
    """Cases closed on 4 and 20 March; on 6 April, April so far is set beside 1–6 March: one
    closure, not two."""
    worker = world.users["grid_worker"]
    for day in (4, 20):
        with clock.frozen(at(3, day)):
            case = report(world, "quick", title="小广告")  # closes when handled
            lifecycle.acknowledge(worker, case)
            lifecycle.handle(worker, case, "已清运")
    code = world.units["district"].code
    with clock.frozen(at(4, 6)):
        data = figures_for(code, Period.parse("2024-04"), Subject(within=world.units["A"].code))
        assert data["previous"].samples["on_time_rate"] == 1
    assert sums(code, Period.parse("2024-03"))["closures"] == 2  # the whole month has both


# -- arrows and colours ---------------------------------------------------------------------------
def test_the_arrow_is_the_direction_and_the_colour_is_better_or_worse():
    falling_returns = change("return_rate", 10.0, 20.0)
    assert (falling_returns.direction, falling_returns.tone) == ("down", "better")
    html = render_to_string("assessment/_change.html", {"change": falling_returns})
    assert "▼" in html and "gg-better" in html and "-10.0" in html
    rising_returns = change("return_rate", 20.1, 20.0)
    html = render_to_string("assessment/_change.html", {"change": rising_returns})
    assert "▲" in html and "gg-worse" in html and "+0.1" in html  # never "▼ +0.1"
    assert change("response_rate", 90.0, 90.0).direction == ""


# -- no credit for handling one's own reports -----------------------------------------------------
def test_a_grid_workers_own_report_closed_on_the_spot_counts_for_the_unit_not_their_handling(world):
    worker = world.users["grid_worker"]
    with clock.frozen(at(3, 4)):
        report(world, by="grid_worker", channel="patrol", close_now=True, photos=[photo()], handling_note="当场清理")
    code, march = world.units["district"].code, Period.parse(MARCH)
    mine = sums(code, march, Subject(worker=worker.pk))
    assert (mine["reported"], mine["decided"], mine["closures"], mine["response_due"]) == (1, 1, 0, 0)
    assert sums(code, march, Subject(within=world.units["A"].code))["closures"] == 1
    assert mine == plain_sums(code, march, Subject(worker=worker.pk))


# -- whistles weigh for departments ---------------------------------------------------------------
def test_a_department_answering_a_quarter_of_its_whistles_on_time_is_not_graded_a():
    weights = scoring.DEFAULT_WEIGHTS["department"]
    assert weights["whistle_on_time_rate"] == 20 and sum(weights.values()) == 100
    # Everything else perfect, whistles 25% on time: (80 × 100 + 20 × 25) / 100 = 85.0, B.
    perfect = {key: 100.0 if scoring.BY_KEY[key].higher_is_better else 0.0 for key in weights}
    perfect["whistle_on_time_rate"] = 25.0
    assert (scoring.score(perfect, weights), scoring.grade(scoring.score(perfect, weights))) == (85.0, "B")
