"""The ledger and time-bank API (tags ``ledger`` and ``timebank``): one's accounts and history,
donations, transfers, funding, members' moves, a community's overview and the expiry rule — and
every refusal a clear JSON 4xx with nothing written."""
import json

import pytest
from django.test import Client

from gridgov.accounts.models import ApiToken
from gridgov.ledger.models import Account, Entry, ExpiryRule
from gridgov.timebank.models import Movement
from gridgov.timebank.services.accounts import community_account, person_account
from tests import timebank_world
from tests.timebank_world import earn, spend


@pytest.fixture
def tb(db):
    return timebank_world.build()


@pytest.fixture
def call(tb):
    client, tokens = Client(), {}

    def request(method, url, user, body=None, **query):
        if user not in tokens:
            tokens[user] = ApiToken.issue(tb.users[user])
        headers = {"Authorization": f"Bearer {tokens[user]}", "Accept-Language": "en"}
        if method == "get":
            return client.get(url, query, headers=headers)
        data = body if isinstance(body, str) else json.dumps(body or {})
        return getattr(client, method)(url, data, content_type="application/json", headers=headers)

    return request


def _written():
    return Movement.objects.count(), Entry.objects.count(), Account.objects.count()


def test_a_resident_reads_their_accounts_and_history_with_running_balance(tb, call):
    earn(tb.resident, 100)
    spend(tb.resident, 40)
    earn(tb.resident, 20, unit="points")
    mine = call("get", "/api/v1/timebank/accounts/mine", "resident").json()
    assert sorted((a["unit"], a["balance"]) for a in mine) == [("minutes", 60), ("points", 20)]
    assert all(a["owner"] == tb.resident.name for a in mine)
    minutes = next(a for a in mine if a["unit"] == "minutes")
    answer = call("get", f"/api/v1/timebank/accounts/{minutes['id']}/history", "resident", limit=1, offset=0).json()
    assert answer["count"] == 2 and answer["account"]["balance"] == 60
    assert [(row["amount"], row["balance"], row["memo"]) for row in answer["items"]] == [(-40, 60, "接受服务")]
    # The family member's account is not the resident's to read.
    family = earn(tb.family, 5)
    assert call("get", f"/api/v1/timebank/accounts/{family.pk}", "resident").status_code == 404
    assert call("get", "/api/v1/timebank/accounts/mine", "community_staff").json() == []


def test_staff_list_the_accounts_of_a_place_in_their_scope(tb, call):
    earn(tb.resident, 30)
    earn(tb.neighbour, 50)
    page = call("get", "/api/v1/timebank/accounts", "community_staff", unit="minutes",
                place=tb.units["A1-1"].code).json()
    assert page["count"] == 2 and [a["balance"] for a in page["items"]] == [50, 30]
    assert call("get", "/api/v1/timebank/accounts", "community_staff", place=tb.units["B1"].code).status_code == 404
    assert call("get", "/api/v1/timebank/accounts", "staff_b1").json()["count"] == 0


def test_a_donation_through_the_api(tb, call):
    earn(tb.resident, 60)
    family = call("get", "/api/v1/timebank/family", "resident").json()
    assert family == [{"id": tb.family.pk, "name": tb.family.name}]
    answer = call("post", "/api/v1/timebank/donations", "resident", {"recipient": tb.family.pk, "minutes": 25})
    assert answer.status_code == 201 and answer.json()["minutes"] == 25 and answer.json()["giver"] == tb.resident.pk
    assert person_account(tb.family).balance == 25
    assert call("get", f"/api/v1/timebank/movements/{answer.json()['id']}", "family").status_code == 200


@pytest.mark.parametrize(("user", "body", "status", "says"), [
    ("resident", {"recipient": "FAMILY", "minutes": 100}, 422, "Insufficient balance"),
    ("resident", {"recipient": "FAMILY", "minutes": 0}, 422, "minutes: must be at least 1"),
    ("resident", {"recipient": "FAMILY", "minutes": -5}, 422, "must be at least 1"),
    ("resident", {"recipient": "FAMILY", "minutes": 1.5}, 422, "must be a whole number"),
    ("resident", {"recipient": "FAMILY", "minutes": "ten"}, 422, "must be a whole number"),
    ("resident", {"recipient": "SELF", "minutes": 5}, 422, "yourself"),
    ("resident", {"recipient": "NEIGHBOUR", "minutes": 5}, 422, "household"),
    ("community_staff", {"recipient": "FAMILY", "minutes": 5}, 403, "only their own minutes"),
    ("resident", '{"recipient": ', 400, "not valid JSON"),
])
def test_refused_donations_answer_a_clear_4xx_and_write_nothing(tb, call, user, body, status, says):
    earn(tb.resident, 60)
    if isinstance(body, dict):
        ids = {"FAMILY": tb.family.pk, "SELF": tb.resident.pk, "NEIGHBOUR": tb.neighbour.pk}
        body = {**body, "recipient": ids.get(body["recipient"], body["recipient"])}
    before = _written()
    answer = call("post", "/api/v1/timebank/donations", user, body)
    assert answer.status_code == status and says in answer.json()["detail"]
    assert _written() == before


def test_community_staff_record_a_donation_for_a_member(tb, call):
    earn(tb.resident, 60)
    body = {"giver": tb.resident.pk, "recipient": tb.family.pk, "minutes": 15}
    before = _written()
    assert call("post", "/api/v1/timebank/donations", "grid_worker", body).status_code == 403  # sees, does not run
    assert call("post", "/api/v1/timebank/donations", "staff_b1", body).status_code == 404  # outside the scope
    assert _written() == before
    answer = call("post", "/api/v1/timebank/donations", "community_staff", body)
    assert answer.status_code == 201 and answer.json()["giver"] == tb.resident.pk
    movement = Movement.objects.get()
    assert movement.actor == tb.users["community_staff"] and movement.journal.get().data["on_behalf"] is True
    assert person_account(tb.family).balance == 15


def test_transfer_fund_and_overview(tb, call):
    a1, b1 = tb.units["A1"].code, tb.units["B1"].code
    assert call("post", "/api/v1/timebank/fundings", "district_admin", {"community": a1, "minutes": 400}).status_code == 201
    answer = call("post", "/api/v1/timebank/transfers", "community_staff",
                  {"from_community": a1, "to_community": b1, "minutes": 150, "note": "支援"})
    assert answer.status_code == 201 and answer.json()["note"] == "支援"
    earn(tb.resident, 70)
    overview = call("get", f"/api/v1/timebank/communities/{a1}/overview", "community_staff").json()
    assert (overview["bank_balance"], overview["transferred_out"], overview["transferred_in"]) == (250, 150, 400)
    assert (overview["members_total"], overview["members_with_balance"]) == (70, 1)
    assert overview["members"] == [{"account": person_account(tb.resident).pk, "name": tb.resident.name, "balance": 70}]
    assert len(overview["weekly"]) == 12 and overview["weekly"][-1]["deposited"] == 70
    assert community_account(tb.units["B1"]).balance == 150
    # Refusals: the wrong role (403), outside the scope (404), the district's own money (403).
    before = _written()
    assert call("get", f"/api/v1/timebank/communities/{a1}/overview", "dept_chengguan").status_code == 403
    assert call("get", f"/api/v1/timebank/communities/{b1}/overview", "community_staff").status_code == 404
    assert call("post", "/api/v1/timebank/fundings", "community_staff", {"community": a1, "minutes": 5}).status_code == 403
    assert call("post", "/api/v1/timebank/transfers", "community_staff",
                {"from_community": b1, "to_community": a1, "minutes": 5}).status_code == 404
    too_much = call("post", "/api/v1/timebank/transfers", "community_staff",
                    {"from_community": a1, "to_community": b1, "minutes": 251})
    assert too_much.status_code == 422 and "Insufficient balance" in too_much.json()["detail"]
    assert _written() == before


def test_a_member_move_through_the_api(tb, call):
    earn(tb.resident, 80)
    answer = call("post", "/api/v1/timebank/member-moves", "community_staff",
                  {"person": tb.resident.pk, "to_community": tb.units["far"].code, "minutes": 30})
    assert answer.status_code == 201 and answer.json()["kind"] == "member_move"
    assert person_account(tb.resident).balance == 50


def test_the_expiry_rule_is_read_by_the_district_and_set_by_its_admins(tb, call):
    url = "/api/v1/timebank/expiry-rules/510113"
    assert call("get", url, "resident").json() == {"district": "510113", "days": None, "active": False,
                                                   "may_edit": False}
    answer = call("put", url, "district_admin", {"days": 365, "active": True})
    assert answer.status_code == 200 and answer.json() == {"district": "510113", "days": 365, "active": True,
                                                           "may_edit": True}
    assert ExpiryRule.objects.get().days == 365
    assert call("put", url, "district_dispatcher", {"days": 30}).status_code == 403
    assert call("put", url, "district_admin", {"days": 0}).status_code == 422
    assert call("put", "/api/v1/timebank/expiry-rules/510114", "district_admin", {"days": 30}).status_code == 404
    assert ExpiryRule.objects.get().days == 365


# -- the answers match the OpenAPI document --------------------------------------------------------
def test_answers_match_the_document(tb):
    from tests.test_openapi import SPEC_URL, Caller

    check = Caller(tb, Client().get(SPEC_URL).json())
    v1 = "/api/v1/timebank"
    earn(tb.resident, 90)
    account = {"account_id": person_account(tb.resident).pk}
    check("get", f"{v1}/accounts/mine", 200, user="resident")
    check("get", f"{v1}/accounts", 200, user="community_staff", query={"unit": "minutes"})
    check("get", f"{v1}/accounts/{{account_id}}", 200, user="resident", path=account)
    check("get", f"{v1}/accounts/{{account_id}}/history", 200, user="resident", path=account)
    check("get", f"{v1}/accounts/{{account_id}}", 404, user="family", path=account)
    check("get", f"{v1}/accounts/{{account_id}}", 401, user=None, path=account)
    check("get", f"{v1}/family", 200, user="resident")
    moved = check("post", f"{v1}/donations", 201, user="resident", body={"recipient": tb.family.pk, "minutes": 10})
    check("post", f"{v1}/donations", 422, user="resident", body={"recipient": tb.family.pk, "minutes": 1000})
    check("post", f"{v1}/donations", 400, user="resident", body="{not json")
    check("get", f"{v1}/movements", 200, user="resident")
    check("get", f"{v1}/movements/{{movement_id}}", 200, user="family", path={"movement_id": moved["id"]})
    a1, b1 = tb.units["A1"].code, tb.units["B1"].code
    check("post", f"{v1}/fundings", 201, body={"community": a1, "minutes": 100})
    check("post", f"{v1}/fundings", 403, user="community_staff", body={"community": a1, "minutes": 100})
    check("post", f"{v1}/transfers", 201, user="community_staff",
          body={"from_community": a1, "to_community": b1, "minutes": 40})
    check("post", f"{v1}/transfers", 404, user="community_staff",
          body={"from_community": b1, "to_community": a1, "minutes": 40})
    check("post", f"{v1}/member-moves", 201, user="community_staff",
          body={"person": tb.resident.pk, "to_community": tb.units["far"].code})
    check("get", f"{v1}/communities/{{code}}/overview", 200, user="community_staff", path={"code": a1})
    check("get", f"{v1}/communities/{{code}}/overview", 403, user="dept_chengguan", path={"code": a1})
    check("get", f"{v1}/communities/{{code}}/overview", 422, path={"code": "x"})
    check("get", f"{v1}/expiry-rules/{{district}}", 200, user="resident", path={"district": "510113"})
    check("put", f"{v1}/expiry-rules/{{district}}", 200, body={"days": 200, "active": True},
          path={"district": "510113"})
    check("put", f"{v1}/expiry-rules/{{district}}", 403, user="district_dispatcher", body={"days": 200},
          path={"district": "510113"})
