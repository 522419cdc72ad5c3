"""One front door for every channel (issue 16, item 2): the cases API, the hotline, Open311 and the
visits file through the same intake as the web form — a report without a category is classified, a
given category the classifier is sure is wrong is flagged, open cases alike are named on the report's
timeline entry — and a channel only skips what :data:`gridgov.intake.services.DOORS` says."""
from django.utils import translation

from gridgov.cases.models import Case, Status, TimelineEntry
from gridgov.cases.views.present import timeline_rows
from gridgov.hotline.services import import_batch
from gridgov.intake.models import Suggestion

from .cases_world import IN_A1_1
from .test_api_cases import api, media, report  # noqa: F401 — the fixtures
from .test_classifier import GARBAGE_BIN, threshold, trained  # noqa: F401 — the fixture
from .test_hotline_address import batch, row
from .test_open311 import filed, o311  # noqa: F401 — the fixture

#: 3 m north of IN_A1_1: the same spot for the duplicate search (radius 300 m).
NEARBY = (IN_A1_1[0] + 0.00003, IN_A1_1[1])


def report_entry(code: str) -> TimelineEntry:
    return TimelineEntry.objects.get(case__code=code, action="report")


def test_the_cases_api_classifies_a_report_that_has_no_category(world, api, trained):
    threshold(world, 0.6)
    body = report(api, category=None, title=GARBAGE_BIN[0], description=GARBAGE_BIN[1])
    case = Case.objects.get(code=body["code"])
    suggestion = Suggestion.objects.get(case=case)
    assert case.category.code == suggestion.category.code == "010103" and suggestion.auto_routed
    assert case.status == Status.DISPATCHED and case.handler_user == world.users["grid_worker"]  # the small loop
    classified = TimelineEntry.objects.get(case=case, action="classify")
    assert classified.data["routed"] is True and classified.data["confidence"] == suggestion.confidence


def test_a_category_the_classifier_is_sure_is_wrong_is_flagged_and_still_routes(world, api, trained):
    threshold(world, 0.6)
    body = report(api, category="9903", title=GARBAGE_BIN[0], description=GARBAGE_BIN[1])  # 违法建设, for rubbish
    case = Case.objects.get(code=body["code"])
    suggestion = Suggestion.objects.get(case=case)
    assert case.category.code == "9903" and suggestion.chosen_by_reporter and not suggestion.auto_routed
    assert report_entry(case.code).data["doubted"] == {"category": "010103", "confidence": suggestion.confidence}
    assert not TimelineEntry.objects.filter(case=case, action="classify").exists()
    with translation.override("en"):
        staff_reads = timeline_rows(case)[0]["detail"]
        reporter_reads = timeline_rows(case, for_reporter=True)[0]["detail"]
    assert f"the classifier would say {suggestion.category.name} ({round(100 * suggestion.confidence)}%)" in staff_reads
    assert "classifier" not in reporter_reads


def test_a_doubt_below_the_self_routing_threshold_is_not_flagged(world, api, trained):
    threshold(world, 0.999)
    body = report(api, category="9903", title=GARBAGE_BIN[0], description=GARBAGE_BIN[1])
    assert Suggestion.objects.get(case__code=body["code"]).confidence < 0.999
    assert "doubted" not in report_entry(body["code"]).data


def test_the_cases_api_names_the_open_cases_alike(world, api):
    first = report(api, title="3栋楼下暴露垃圾没人清运")
    unlike = report(api, title="小区门口的水管爆了", category="9901", at=NEARBY)
    second = report(api, title="3栋楼下暴露垃圾一直没人清运", at=NEARBY)
    assert report_entry(second["code"]).data["similar"] == [first["code"]]
    assert "similar" not in report_entry(first["code"]).data and "similar" not in report_entry(unlike["code"]).data
    case = Case.objects.get(code=second["code"])
    with translation.override("en"):
        assert f"open cases alike: {first['code']}" in timeline_rows(case)[0]["detail"]
        assert first["code"] not in timeline_rows(case, for_reporter=True)[0]["detail"]
    with translation.override("zh-hans"):
        assert timeline_rows(case)[0]["detail"].endswith(f"；相似的未结案件：{first['code']}")


def test_a_sensor_skips_the_doubt_and_the_duplicate_search(world, api, trained):
    threshold(world, 0.6)
    report(api, title=GARBAGE_BIN[0], description=GARBAGE_BIN[1], category="010103")
    sensed = report(api, user="district_dispatcher", channel="sensor", category="9903", title=GARBAGE_BIN[0],
                    description=GARBAGE_BIN[1], at=NEARBY)
    data = report_entry(sensed["code"]).data
    assert data["channel"] == "sensor" and "doubted" not in data and "similar" not in data
    assert not Suggestion.objects.filter(case__code=sensed["code"]).exists()
    patrol = report(api, user="district_dispatcher", channel="patrol", category="9903", title=GARBAGE_BIN[0],
                    description=GARBAGE_BIN[1], at=NEARBY)  # the same report by a channel that skips nothing
    assert {"doubted", "similar"} <= set(report_entry(patrol["code"]).data)


def test_open311_and_the_hotline_go_through_the_same_intake(world, api, o311):
    first = report(api, title="楼下垃圾堆了三天", category="9901")
    request = filed(o311, lat=NEARBY[0], long=NEARBY[1])  # "title: 楼下垃圾堆了三天 …", service 9901
    assert report_entry(request.code).data["similar"] == [first["code"]]
    outcome = import_batch(batch(row("H-1", "", category="9901", lat=NEARBY[0], lng=NEARBY[1])),
                           world.units["district"])
    assert outcome.accepted == 1
    hotline = Case.objects.get(channel="hotline", external_id="H-1")
    assert first["code"] not in report_entry(hotline.code).data.get("similar", [])  # 违章搭建 text: not alike
    alike = import_batch(batch(row("H-2", "", category="9901", lat=NEARBY[0], lng=NEARBY[1])), world.units["district"])
    assert alike.accepted == 1
    assert report_entry(Case.objects.get(external_id="H-2").code).data["similar"][0] == hotline.code
