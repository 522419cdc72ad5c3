"""The deliberation API: a proposal's path, a meeting's votes and a matter's steps through the
endpoints, and refusals answered as 4xx with a message and nothing changed."""
import pytest
from django.test import Client

from gridgov.deliberation.models import Proposal, Resolution, Step, Vote

from . import deliberation_world as world

API = "/api/v1/deliberation"


@pytest.fixture
def w(district):
    return world.build(district)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(user, path, body=None):
    return client_for(user).post(f"{API}{path}", body or {}, content_type="application/json")


def test_proposal_path_and_the_answer_hidden_until_published(w):
    created = post(w.resident, "/proposals", {"title": "增设快递柜", "description": "方便取件"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert post(w.users[1], f"/proposals/{pk}/support").json()["support_count"] == 1
    twice = post(w.users[1], f"/proposals/{pk}/support")
    assert twice.status_code == 422 and "already supported" in twice.json()["detail"]
    assert post(w.resident, f"/proposals/{pk}/support").status_code == 422  # own
    answered = post(w.staff, f"/proposals/{pk}/answer", {"answer": "accepted", "reason": "同意"})
    assert answered.json()["answer"] == "accepted"
    mine = client_for(w.resident).get(f"{API}/proposals/{pk}").json()
    assert (mine["status"], mine["answer"], mine["answer_reason"]) == ("answered", "", "")
    again = post(w.staff, f"/proposals/{pk}/answer", {"answer": "not_accepted", "reason": "再议"})
    assert again.status_code == 409
    assert post(w.resident, f"/proposals/{pk}/publish").status_code == 403
    assert post(w.staff, f"/proposals/{pk}/publish").json()["status"] == "published"
    mine = client_for(w.resident).get(f"{API}/proposals/{pk}").json()
    assert (mine["answer"], mine["answer_reason"]) == ("accepted", "同意")
    assert [p["id"] for p in client_for(w.resident).get(f"{API}/proposals?mine=true").json()] == [pk]
    bad = post(w.resident, "/proposals", {"title": ""})
    assert bad.status_code == 422 and Proposal.objects.count() == 1


def test_meeting_votes_and_resolution_through_the_api(w):
    m = world.meeting(w, "committees")
    item = post(w.staff, f"/meetings/{m.pk}/items", {"title": "议题", "subject_ref": "project:3"})
    assert item.status_code == 201, item.content
    item_id = item.json()["id"]
    assert post(w.staff, f"/meetings/{m.pk}/open").json()["entitled"] == 3
    assert post(w.resident, f"/meetings/{m.pk}/attendance").json()["present"] == 1
    refused = post(w.resident, f"/meetings/{m.pk}/items/{item_id}/votes", {"choice": "for"})
    assert refused.status_code == 409 and "not quorate" in refused.json()["detail"]
    assert post(w.staff, f"/meetings/{m.pk}/attendance", {"person": w.people[1].pk}).status_code == 200
    assert post(w.resident, f"/meetings/{m.pk}/items/{item_id}/votes", {"choice": "for"}).status_code == 200
    assert post(w.staff, f"/meetings/{m.pk}/items/{item_id}/votes",
                {"choice": "for", "person": w.people[1].pk}).status_code == 200
    assert post(w.staff, f"/meetings/{m.pk}/items/{item_id}/votes", {"choice": "nope"}).status_code == 422
    resolved = post(w.staff, f"/meetings/{m.pk}/items/{item_id}/resolve", {"text": "通过"})
    assert resolved.status_code == 201 and resolved.json()["passed"] and resolved.json()["votes_for"] == 2
    assert Vote.objects.count() == 2 and Resolution.objects.count() == 1
    assert post(w.staff, f"/meetings/{m.pk}/minutes", {"text": "纪要"}).json()["minutes"] == "纪要"
    assert post(w.staff, f"/meetings/{m.pk}/close").json()["status"] == "held"
    assert client_for(w.resident).get(f"{API}/meetings").status_code == 200


def test_matter_steps_through_the_api_and_the_notice_board(w):
    created = post(w.staff, "/matters", {"community": w.community.code, "title": "小区停车改造",
                                         "subject_ref": "project:9"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    skipped = post(w.staff, f"/matters/{pk}/advance", {"text": "决议"})
    assert skipped.status_code == 422
    assert post(w.staff, f"/matters/{pk}/advance", {"party_org": w.branch.pk}).json()["step"] == Step.PROPOSED
    wrong = world.hold_vote(w, "party", f"matter:{pk}", attendees=w.people[:3], votes=["for"] * 3)
    refused = post(w.staff, f"/matters/{pk}/advance", {"resolution": wrong.pk})
    assert refused.status_code == 422 and "cannot take this step" in refused.json()["detail"]
    assert client_for(w.staff).get(f"{API}/matters/{pk}").json()["step"] == Step.PROPOSED
    matter = world.run_matter(w, until=Step.PUBLISHED)
    board = client_for(w.resident).get(f"{API}/notices/{w.community.code}").json()
    assert [n["kind"] for n in board] == ["resolution"]
    early = post(w.staff, f"/notices/{board[0]['id']}/take-down")
    assert early.status_code == 422 and matter.notices.get().taken_down_at is None


def test_settings_and_thresholds_through_the_api(w):
    admin = client_for(w.d.users["district_admin"])
    body = {"district": "510113", "support_threshold": 4}
    changed = admin.put(f"{API}/settings", body, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["support_threshold"] == 4
    # the district unit lies outside a community staff member's scope: the same answer as a missing one
    assert client_for(w.staff).put(f"{API}/settings", body, content_type="application/json").status_code == 404
    street = client_for(w.d.users["street_dispatcher"])
    assert street.put(f"{API}/settings", body, content_type="application/json").status_code == 404
    own = client_for(w.staff).put(f"{API}/thresholds/{w.community.code}", {"support_threshold": 2},
                                  content_type="application/json")
    assert own.json() == {"community": w.community.code, "support_threshold": 2}
    cleared = client_for(w.staff).put(f"{API}/thresholds/{w.community.code}", {"support_threshold": None},
                                      content_type="application/json")
    assert cleared.json()["support_threshold"] == 4
    assert client_for(w.staff).put(f"{API}/thresholds/{w.community.code}", {"support_threshold": 0},
                                   content_type="application/json").status_code == 422
