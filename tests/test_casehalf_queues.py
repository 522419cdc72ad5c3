"""Searching the queues (issue 17, item 6): by case number, phone (through the keyed hash, every
search logged), address and words; filters by place, category, status, light, channel and dates;
three orders; page numbers and a jump; the state kept in the URL; an htmx request gets the results."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gridgov.cases.models import Case, Light, Status
from gridgov.cases.services import filing
from gridgov.core.crypto import keyed_hash
from gridgov.people.models import RevealLog

from .cases_world import IN_A1_1, IN_A1_2, IN_B1_1

PHONE = "13912345678"


def report(world, title, *, category="big", at=IN_A1_1, channel="hotline", **extra):
    """A big-loop case: it waits in its street's queue (A's for A1-1 and A1-2, B's for B1-1)."""
    return filing.report(district=world.units["district"], channel=channel, title=title,
                         category=world.categories[category], lat=at[0], lng=at[1],
                         reported_by=world.users["district_dispatcher"], **extra)


@pytest.fixture
def cases(world):
    return {
        "phone": report(world, "工地夜间施工噪音", contact_phone=PHONE, address="金牛大道88号"),
        "wall": report(world, "违规搭建围墙", at=IN_A1_2, channel="app", description="小区东门旁边"),
        "b": report(world, "河道有垃圾漂浮", at=IN_B1_1, address="青江路1号"),
    }


def listed(client, world, username="district_dispatcher", **query):
    client.force_login(world.users[username])
    response = client.get(reverse("case-queues"), {"tab": "all", **query})
    assert response.status_code == 200, response.content.decode()[:1000]
    html = response.content.decode()
    return {key for key, case in _all(world).items() if case.code in html}, html


def _all(world):
    return {case.title: case for case in Case.objects.all()}


def test_search_by_phone_goes_through_the_keyed_hash_and_is_logged(client, world, cases):
    assert Case.objects.get(pk=cases["phone"].pk).contact_phone_hash == keyed_hash(PHONE)
    found, _html = listed(client, world, q="139 1234 5678")
    assert found == {"工地夜间施工噪音"}
    log = RevealLog.objects.get(kind=RevealLog.Kind.SEARCH)
    assert log.user == world.users["district_dispatcher"] and log.field == "phone"
    assert log.query_hash == keyed_hash(PHONE) and log.result_count == 1 and PHONE not in log.reason


def test_search_by_the_reporters_phone(client, world):
    resident = world.users["resident"]
    case = filing.report(district=world.units["district"], channel="app", title="违章建筑", category=world.categories["big"],
                         lat=IN_A1_1[0], lng=IN_A1_1[1], reporter=resident.person, reported_by=resident)
    found, _html = listed(client, world, q=resident.person.phone)
    assert found == {case.title}
    assert RevealLog.objects.filter(kind=RevealLog.Kind.SEARCH, result_count=1).count() == 1


def test_no_log_for_a_search_that_is_no_phone_number(client, world, cases):
    listed(client, world, q="噪音")
    assert not RevealLog.objects.exists()


def test_search_by_case_number_address_and_words(client, world, cases):
    assert listed(client, world, q=cases["wall"].code)[0] == {"违规搭建围墙"}
    assert listed(client, world, q=cases["wall"].code[-5:])[0] >= {"违规搭建围墙"}
    assert listed(client, world, q="金牛大道")[0] == {"工地夜间施工噪音"}
    assert listed(client, world, q="东门 围墙")[0] == {"违规搭建围墙"}  # every word, in title or description
    assert listed(client, world, q="东门 噪音")[0] == set()


def test_filters(client, world, cases):
    assert listed(client, world, unit=world.units["A1"].code)[0] == {"工地夜间施工噪音", "违规搭建围墙"}
    assert listed(client, world, unit=world.units["B"].code)[0] == {"河道有垃圾漂浮"}
    assert listed(client, world, channel="app")[0] == {"违规搭建围墙"}
    assert listed(client, world, category="9903")[0] == set(cases_titles(cases))
    assert listed(client, world, category="99")[0] == set(cases_titles(cases))  # a class takes its subcategories
    assert listed(client, world, category="9901")[0] == set()
    Case.objects.filter(pk=cases["b"].pk).update(light=Light.RED, status=Status.ACCEPTED)
    assert listed(client, world, light="red")[0] == {"河道有垃圾漂浮"}
    assert listed(client, world, status="accepted")[0] == {"河道有垃圾漂浮"}
    today = timezone.localdate()
    Case.objects.filter(pk=cases["wall"].pk).update(reported_at=timezone.now() - dt.timedelta(days=10))
    assert listed(client, world, since=today.isoformat())[0] == {"工地夜间施工噪音", "河道有垃圾漂浮"}
    assert listed(client, world, until=(today - dt.timedelta(days=5)).isoformat())[0] == {"违规搭建围墙"}


def cases_titles(cases):
    return [case.title for case in cases.values()]


def test_a_street_dispatcher_filters_only_within_their_street(client, world, cases):
    client.force_login(world.users["street_dispatcher"])
    response = client.get(reverse("case-queues"), {"tab": "all", "unit": world.units["B"].code})
    assert response.status_code == 400  # not one of the choices: another street
    assert cases["b"].code not in response.content.decode()
    found, html = listed(client, world, "street_dispatcher")
    assert found == {"工地夜间施工噪音", "违规搭建围墙"}
    assert world.units["B"].code not in html


def test_bad_dates_answer_400_with_the_reason(client, world, cases):
    client.force_login(world.users["district_dispatcher"])
    response = client.get(reverse("case-queues"), {"since": "2026-12-05", "until": "2026-12-01"},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()
    assert client.get(reverse("case-queues"), {"since": "not a date"}).status_code == 400


def test_orders(client, world, cases):
    now = timezone.now()
    for offset, key in enumerate(["wall", "phone", "b"]):
        Case.objects.filter(pk=cases[key].pk).update(reported_at=now - dt.timedelta(hours=offset))
    Case.objects.filter(pk=cases["b"].pk).update(light=Light.RED)

    def order(sort):
        html = listed(client, world, sort=sort)[1]
        return sorted(cases, key=lambda key: html.index(cases[key].code))

    assert order("newest") == ["wall", "phone", "b"]
    assert order("oldest") == ["b", "phone", "wall"]
    assert order("due")[0] == "b"  # red first


def test_pages_keep_the_search_and_offer_numbers_and_a_jump(client, world):
    for n in range(45):
        report(world, f"噪音扰民{n}")
    report(world, "别的事")
    _found, html = listed(client, world, q="噪音")
    assert "?tab=all&amp;q=%E5%99%AA%E9%9F%B3&amp;page=2" in html or "page=2" in html
    assert 'name="page"' in html and 'max="3"' in html  # the jump: 45 cases, 20 a page
    assert 'type="hidden" name="q" value="噪音"' in html  # the jump keeps the search
    page3 = listed(client, world, q="噪音", page=3)[1]
    assert page3.count("gg-case-card") == 5
    # The tabs keep the search too.
    assert "q=%E5%99%AA%E9%9F%B3" in html.split('gg-tabs', 1)[1].split("</ul>", 1)[0]


def test_an_htmx_search_gets_the_results_only(client, world, cases):
    client.force_login(world.users["district_dispatcher"])
    response = client.get(reverse("case-queues"), {"tab": "all", "q": "围墙"},
                          HTTP_HX_REQUEST="true", HTTP_HX_TARGET="case-results")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert cases["wall"].code in html and cases["b"].code not in html
