"""The micro-project pages: the staff's three lists and a project's steps, the resident's projects
and evaluation, the street's overview and the district's settings; refusals shown, never a 500."""
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.microprojects.models import Need, Project
from gridgov.microprojects.services import projects
from gridgov.microprojects.services.common import settings_for

from . import microprojects_world as mw


@pytest.fixture
def w(district, monkeypatch):
    w = mw.build(district)
    w.decision = mw.Decision(monkeypatch)
    mw.set_rules(w, minimum=1)
    return w


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_staff_keep_the_lists_and_propose_from_a_need(w):
    staff = client_for(w.staff)
    assert staff.get("/microprojects/").status_code == 200
    made = staff.post("/microprojects/needs/new/", {"community": "510113002001", "title": "健身器材坏了",
                                                   "households": "30", "source": "staff"})
    need = Need.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/microprojects/needs/{need.pk}/"
    assert staff.get(made["Location"]).status_code == 200
    page = staff.post("/microprojects/projects/new/", {
        "community": "510113002001", "title": "更换健身器材", "kind": "renovation", "budget": "8000",
        "planned_start": "2026-06-01", "planned_end": "2026-06-30", "served_units": [str(w.grid.pk)],
        "needs": [str(need.pk)]})
    project = Project.objects.get()
    assert page["Location"] == f"/microprojects/projects/{project.pk}/"
    body = staff.get(page["Location"]).content.decode()
    assert 'data-action="review"' in body and 'data-status="proposed"' in body
    home = staff.get("/microprojects/?community=510113002001").content.decode()
    assert "更换健身器材" in home and "健身器材坏了" in home


def test_a_refused_step_is_a_message_and_changes_nothing(w):
    staff = client_for(w.staff)
    project = mw.propose(w)
    answer = staff.post(f"/microprojects/projects/{project.pk}/review/", {"feasible": "yes", "reason": ""},
                        HTTP_REFERER=f"/microprojects/projects/{project.pk}/", follow=True)
    assert answer.status_code == 200 and "required" in answer.content.decode()
    assert Project.objects.get().status == "proposed"
    bad = staff.post("/microprojects/projects/new/", {"community": "510113002001", "title": "x", "kind": "service",
                                                     "budget": "lots", "planned_start": "2026-13-01",
                                                     "planned_end": "x"}, follow=True)
    assert bad.status_code == 200 and Project.objects.count() == 1
    assert staff.post(f"/microprojects/projects/{project.pk}/launch/").status_code == 404
    assert client_for(w.resident).post(f"/microprojects/projects/{project.pk}/start/", follow=True).status_code == 200
    assert Project.objects.get().status == "proposed"
    assert staff.get("/microprojects/needs/new/?source=order:99999").status_code == 404


def test_a_resident_evaluates_from_their_projects_page(w):
    project = mw.run(w, w.decision, until="accepted", title="楼道扶手")
    resident = client_for(w.resident)
    assert "楼道扶手" in resident.get("/microprojects/mine/").content.decode()
    project = projects.open_evaluation(w.staff, project)
    body = resident.get("/microprojects/mine/").content.decode()
    assert 'data-action="evaluate"' in body
    answer = resident.post(f"/microprojects/projects/{project.pk}/evaluate/", {"score": "4", "comment": "很好"})
    assert answer.status_code == 302 and project.evaluations.get().score == 4
    assert 'data-action="evaluate"' not in resident.get("/microprojects/mine/").content.decode()
    outsider = client_for(w.res3).get("/microprojects/mine/").content.decode()
    assert "楼道扶手" not in outsider


def test_the_street_sees_funds_and_rankings_and_the_district_sets_its_rules(w):
    mw.run(w, w.decision, until="evaluating", score=(5,))
    page = client_for(w.street).get("/microprojects/overview/")
    assert page.status_code == 200 and page.context["chart"]["allocated"][0] == 40000.0
    assert [r.responses for r in page.context["rankings"]] == [1]
    assert client_for(w.resident).get("/microprojects/overview/").status_code == 403
    admin = client_for(w.admin)
    assert admin.get("/microprojects/settings/").status_code == 200
    admin.post("/microprojects/settings/", {"large_threshold": "150000", "evaluation_days": "21", "min_responses": "8"})
    assert settings_for("510113").min_responses == 8
    assert client_for(w.staff).get("/microprojects/settings/").status_code == 403


def test_menu_entries_and_the_meeting_offer(w):
    body = client_for(w.resident).get("/microprojects/mine/").content.decode()
    assert 'href="/microprojects/mine/"' in body and 'href="/microprojects/"' not in body
    staff_body = client_for(w.staff).get("/microprojects/").content.decode()
    assert 'href="/microprojects/"' in staff_body and 'href="/microprojects/mine/"' not in staff_body
    from gridgov.deliberation.services import meetings

    project = mw.run(w, w.decision, until="feasible")
    meeting = meetings.schedule(w.staff, community=w.community, kind="bench", title="板凳议事",
                                starts_at=timezone.now() + dt.timedelta(days=2))
    page = client_for(w.staff).get(f"/microprojects/projects/{project.pk}/").content.decode()
    assert f'<option value="{meeting.pk}">' in page
    client_for(w.staff).post(f"/microprojects/projects/{project.pk}/agenda/", {"meeting": str(meeting.pk)})
    assert meeting.items.get().subject_ref == project.ref
