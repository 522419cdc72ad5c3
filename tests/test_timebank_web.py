"""The time bank's pages: a resident's points and minutes with giving, an account's history, the
staff's communities and one community's time bank with its chart, and the expiry rule page."""
import json
import re

import pytest

from gridgov.ledger.models import Entry, ExpiryRule
from gridgov.timebank.models import Movement
from gridgov.timebank.services import movements
from gridgov.timebank.services.accounts import community_account, person_account
from tests import timebank_world
from tests.timebank_world import earn, spend


@pytest.fixture
def tb(db):
    return timebank_world.build()


@pytest.fixture
def as_user(client, tb):
    def login(username):
        client.force_login(tb.users[username])
        return client

    return login


def _written():
    return Movement.objects.count(), Entry.objects.count()


def test_a_resident_sees_their_balances_and_gives_minutes_to_family(tb, as_user):
    earn(tb.resident, 90)
    earn(tb.resident, 12, unit="points")
    client = as_user("resident")
    page = client.get("/timebank/").content.decode()
    assert 'data-account="minutes"' in page and 'data-account="points"' in page and ">90 " in page
    assert tb.family.name in page and "13900001111" not in page  # names only, never a phone number
    answer = client.post("/timebank/donate/", {"recipient": tb.family.pk, "minutes": 30, "note": "孝心"})
    assert answer.status_code == 302
    assert (person_account(tb.resident).balance, person_account(tb.family).balance) == (60, 30)


def test_a_refused_donation_shows_why_and_writes_nothing(tb, as_user):
    earn(tb.resident, 10)
    client = as_user("resident")
    before = _written()
    answer = client.post("/timebank/donate/", {"recipient": tb.family.pk, "minutes": 11}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422 and "Insufficient balance" in answer.content.decode()
    answer = client.post("/timebank/donate/", {"recipient": tb.neighbour.pk, "minutes": 1})
    assert answer.status_code == 422  # not a choice: the neighbour is not family
    answer = client.post("/timebank/donate/", {"recipient": tb.family.pk, "minutes": 0})
    assert answer.status_code == 422
    assert _written() == before


def test_an_account_page_shows_the_running_balance_and_only_in_scope(tb, as_user):
    earn(tb.resident, 100)
    spend(tb.resident, 25)
    account = person_account(tb.resident)
    page = as_user("resident").get(f"/timebank/accounts/{account.pk}/").content.decode()
    assert re.findall(r'data-amount="(-?\d+)" data-balance="(\d+)"', page) == [("-25", "75"), ("100", "100")]
    assert as_user("family").get(f"/timebank/accounts/{account.pk}/").status_code == 404
    assert as_user("community_staff").get(f"/timebank/accounts/{account.pk}/").status_code == 200


def test_community_staff_see_their_time_bank_with_the_weekly_chart(tb, as_user):
    earn(tb.resident, 45)
    movements.fund(tb.users["district_admin"], community_code=tb.units["A1"].code, minutes=200)
    client = as_user("community_staff")
    assert client.get("/timebank/communities/").url == f"/timebank/communities/{tb.units['A1'].code}/"
    page = client.get(f"/timebank/communities/{tb.units['A1'].code}/").content.decode()
    chart = json.loads(re.search(r'id="timebank-chart-data" type="application/json">(.*?)</script>', page).group(1))
    assert len(chart["weeks"]) == 12 and chart["deposited"][-1] == 45
    assert 'id="members-total">45<' in page and tb.resident.name in page
    assert "/fund/" not in page and 'id="transfer-form"' in page
    # A refused transfer (beyond the bank) shows why; a valid one moves the minutes.
    before = _written()
    answer = client.post(f"/timebank/communities/{tb.units['A1'].code}/transfer/",
                         {"to_community": tb.units["B1"].code, "minutes": 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422 and "Insufficient balance" in answer.content.decode() and _written() == before
    answer = client.post(f"/timebank/communities/{tb.units['A1'].code}/transfer/",
                         {"to_community": tb.units["B1"].code, "minutes": 50})
    assert answer.status_code == 302 and community_account(tb.units["B1"]).balance == 50


def test_district_staff_list_communities_and_fund_them(tb, as_user):
    client = as_user("district_admin")
    page = client.get("/timebank/communities/").content.decode()
    assert page.count("/timebank/communities/510113") == 4 and "/timebank/expiry/" in page
    assert "/fund/" in client.get(f"/timebank/communities/{tb.units['B1'].code}/").content.decode()
    answer = client.post(f"/timebank/communities/{tb.units['B1'].code}/fund/", {"minutes": 120})
    assert answer.status_code == 302 and community_account(tb.units["B1"]).balance == 120
    assert as_user("resident").get("/timebank/communities/").status_code == 403
    assert as_user("community_staff").get(f"/timebank/communities/{tb.units['B1'].code}/").status_code == 404
    assert as_user("community_staff").post(f"/timebank/communities/{tb.units['A1'].code}/fund/",
                                           {"minutes": 5}).status_code == 403


def test_the_expiry_rule_page(tb, as_user):
    client = as_user("district_admin")
    assert client.get("/timebank/expiry/").status_code == 200
    answer = client.post("/timebank/expiry/", {"days": 90, "active": "on"})
    assert answer.status_code == 302 and (ExpiryRule.objects.get().days, ExpiryRule.objects.get().active) == (90, True)
    assert client.post("/timebank/expiry/", {"days": 0}).status_code == 422
    assert ExpiryRule.objects.get().days == 90
    assert as_user("district_dispatcher").get("/timebank/expiry/").status_code == 403
