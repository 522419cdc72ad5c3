"""Per-process caches follow edits made by other processes (issue 16, item 3): each cache is keyed by
a version stamp, the stamps are read once per request or worker round, and a moved stamp reloads
the cache — an unmoved one costs that one query and nothing else.

"Another process" is played by writing rows with queryset ``update`` (no signals, so nothing in
this process is told) and raising the stamp in the database directly, as its ``bump`` would."""
import datetime as dt

import pytest
from django.db.models import F

from gridgov.cases.services import locate
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import CATALOGUE_STAMP, category_by_code, is_leaf
from gridgov.core import jobs, stamps
from gridgov.core.models import Stamp
from gridgov.intake import classify
from gridgov.intake.address import resolve_address
from gridgov.intake.classify import CLASSIFIER_STAMP
from gridgov.intake.models import SETTINGS_STAMP, ClassifierModel, IntakeSettings
from gridgov.structure.models import Building, Unit
from gridgov.structure.services import PLACES_STAMP, unit_by_code
from gridgov.workdays.models import Holiday, HolidayKind
from gridgov.workdays.services import CALENDAR_STAMP, is_working_day

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2031, 3, 3)  # a year no schedule lists: an ordinary working Monday
POINT = (30.05, 104.05)  # inside grid A1-1 (see tests/factories.py)


def bumped_elsewhere(name):
    """Raise a stamp as another process's ``bump`` would: in the database only."""
    if not Stamp.objects.filter(name=name).update(version=F("version") + 1):
        Stamp.objects.create(name=name, version=1)


def next_request(client):
    """A request reaching this process: ``request_started`` begins a new round of stamp reads."""
    client.get("/no-such-page/")


def test_holiday_entered_elsewhere_reaches_this_process_on_its_next_request(client):
    holiday = Holiday.objects.create(date=MONDAY, kind=HolidayKind.HOLIDAY, name="test")
    assert not is_working_day(MONDAY)

    Holiday.objects.filter(pk=holiday.pk).update(kind=HolidayKind.WORKDAY)
    bumped_elsewhere(CALENDAR_STAMP)
    assert not is_working_day(MONDAY)  # this round read the stamps already: still the old copy

    next_request(client)
    assert is_working_day(MONDAY)


def test_an_unmoved_stamp_costs_one_query_per_round_and_no_reload(client, world, django_assert_num_queries):
    is_working_day(MONDAY), locate.locate("510113", *POINT), classify.Catalogue.load()  # warm the caches

    next_request(client)
    with django_assert_num_queries(1):  # the stamps, read once for the three caches
        assert is_working_day(MONDAY)
        assert locate._indexes.get("510113").containing(*POINT)
        assert classify.Catalogue.load().by_code["9901"].name == "暴露垃圾"
    with django_assert_num_queries(0):  # and not again within the round
        is_working_day(MONDAY + dt.timedelta(days=1))


def test_worker_round_reads_the_stamps_again(monkeypatch):
    rounds = []
    monkeypatch.setattr(jobs, "_JOBS", {"probe": lambda now: rounds.append(stamps.current(CALENDAR_STAMP))})
    jobs.run_round()
    bumped_elsewhere(CALENDAR_STAMP)
    jobs.run_round()
    assert rounds == [0, 1]


def test_grid_boundary_moved_elsewhere_relocates_on_the_next_request(client, world):
    grid = world.units["A1-1"]
    assert locate.locate("510113", *POINT) == grid

    far = {"type": "Polygon", "coordinates": [[[105, 31], [105.1, 31], [105.1, 31.1], [105, 31.1], [105, 31]]]}
    Unit.objects.filter(pk=grid.pk).update(boundary=far)
    bumped_elsewhere(PLACES_STAMP)
    next_request(client)
    assert locate.locate("510113", *POINT) == world.units["A1"]  # the community is what holds it now


def test_unit_renamed_elsewhere_reaches_the_address_index(client, world):
    assert resolve_address("510113", "测试A1社区有垃圾").unit == world.units["A1"]

    Unit.objects.filter(pk=world.units["A1"].pk).update(name="幸福社区居民委员会", short_name="幸福社区")
    bumped_elsewhere(PLACES_STAMP)
    next_request(client)
    assert resolve_address("510113", "测试A1社区有垃圾") is None
    assert resolve_address("510113", "幸福社区有垃圾").unit == world.units["A1"]


def test_category_edited_elsewhere_reaches_the_classifier_keywords(client, world):
    assert "9902" not in classify.Catalogue.load().keyword_scores("长了夜光蘑菇")

    Category.objects.filter(code="9902").update(keywords="夜光蘑菇")
    bumped_elsewhere(CATALOGUE_STAMP)
    next_request(client)
    assert classify.Catalogue.load().keyword_scores("长了夜光蘑菇")["9902"] == 4.0


def test_saving_or_deleting_a_row_raises_its_stamp(world):
    before = {name: stamps.read(name) for name in (CALENDAR_STAMP, PLACES_STAMP, CATALOGUE_STAMP, CLASSIFIER_STAMP)}
    Holiday.objects.create(date=MONDAY, kind=HolidayKind.HOLIDAY, name="test").delete()
    world.units["A1"].save()
    Building.objects.create(compound=world.units["compound A1-1"], microgrid=world.units["A1-1-1"], name="9栋")
    Category.objects.get(code="9902").save()
    ClassifierModel.objects.create(version=1, source="test", n_samples=0, labels=[], metrics={}, digest="-", blob=b"")
    after = {name: stamps.read(name) for name in before}
    assert after == {CALENDAR_STAMP: before[CALENDAR_STAMP] + 2, PLACES_STAMP: before[PLACES_STAMP] + 2,
                     CATALOGUE_STAMP: before[CATALOGUE_STAMP] + 1, CLASSIFIER_STAMP: before[CLASSIFIER_STAMP] + 1}


def test_a_change_in_this_process_is_seen_at_once(world):
    """The writer's own thread must not wait for its next request (a seeding then a deadline)."""
    assert is_working_day(MONDAY)
    Holiday.objects.create(date=MONDAY, kind=HolidayKind.HOLIDAY, name="test")
    assert not is_working_day(MONDAY)


def test_units_categories_and_intake_settings_edited_elsewhere_reach_the_report_path(client, world):
    """The report path's own copies (issue 16, item 1): the district's units, the catalogue and the
    intake settings are read from the process's copy, and follow an edit made elsewhere."""
    assert unit_by_code(world.units["A"].code).short_name == world.units["A"].short_name
    assert category_by_code("9901").name == "暴露垃圾" and is_leaf(category_by_code("9901"))
    assert IntakeSettings.for_district("510113").duplicate_radius_m == 300

    Unit.objects.filter(code=world.units["A"].code).update(short_name="幸福街道")
    Category.objects.filter(code="9901").update(name="垃圾暴露")
    IntakeSettings.objects.bulk_create([IntakeSettings(district=world.units["district"], duplicate_radius_m=80)])
    for name in (PLACES_STAMP, CATALOGUE_STAMP, SETTINGS_STAMP):
        bumped_elsewhere(name)
    assert unit_by_code(world.units["A"].code).short_name != "幸福街道"  # this round still reads its copies
    next_request(client)
    assert unit_by_code(world.units["A"].code).short_name == "幸福街道"
    assert category_by_code("9901").name == "垃圾暴露"
    assert IntakeSettings.for_district("510113").duplicate_radius_m == 80
    IntakeSettings.objects.get().save()  # a save raises the settings' stamp
    assert stamps.read(SETTINGS_STAMP) == 2
