"""The visits pages: each role's page renders, a visit recorded and a case filed through the pages,
and a refused step comes back as a message with nothing changed."""
import pytest
from django.test import Client

from gridgov.cases.models import Case
from gridgov.visits.models import Promise, Visit, VisitRule, VisitStatus
from gridgov.visits.services import contacts, planning

from .cases_world import photo
from .visits_world import build


@pytest.fixture
def w(world):
    w = build(world)
    planning.save_rule(w.staff, unit=w.community)
    planning.plan()
    return w


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_grid_worker_records_and_files_through_the_pages(w):
    worker = client_for(w.worker)
    page = worker.get("/visits/").content.decode()
    visit = Visit.objects.get(household=w.h11)
    assert f"/visits/{visit.pk}/" in page and f"/visits/{Visit.objects.get(household=w.h21).pk}/" not in page
    assert worker.get(f"/visits/{visit.pk}/").status_code == 200
    response = worker.post(f"/visits/{visit.pk}/record/", {"findings": "楼道堆物", "photos": [photo()]})
    assert response.status_code == 302
    assert worker.post(f"/visits/{visit.pk}/case/", {"category": w.category.pk, "title": "堆物"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.case == Case.objects.get()
    assert visit.case.code in worker.get(f"/visits/{visit.pk}/").content.decode()


def test_refused_step_shows_a_message_and_changes_nothing(w):
    worker = client_for(w.worker)
    visit = Visit.objects.get(household=w.h11)
    response = worker.post(f"/visits/{visit.pk}/case/", {"category": ""}, follow=True,
                           HTTP_REFERER=f"/visits/{visit.pk}/")
    assert "Record the visit before filing" in response.content.decode() or "category" in response.content.decode()
    response = worker.post(f"/visits/{visit.pk}/record/", {"visited_at": "2099-01-01T10:00"}, follow=True)
    assert "future" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED
    assert worker.post(f"/visits/{Visit.objects.get(household=w.h21).pk}/record/").status_code == 404
    assert worker.get(f"/visits/households/{w.hb.pk}/").status_code == 404
    assert worker.post(f"/visits/{visit.pk}/evil/").status_code == 404


def test_staff_pages(w):
    staff = client_for(w.staff)
    page = staff.get("/visits/staff/").content.decode()
    assert "visits-features" in page and "coverage-table" in page
    assert staff.post("/visits/staff/rules/", {"unit": w.community.code, "visitor_kind": "grid_worker",
                                               "period": "month"}).status_code == 302
    rule = VisitRule.objects.get(period="month")
    assert staff.post("/visits/staff/rules/", {"rule": rule.pk}).status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    refused = client_for(w.worker).post("/visits/staff/rules/", {"rule": rule.pk}, follow=True)
    assert "Only the community&#x27;s staff" in refused.content.decode()
    rule.refresh_from_db()
    assert not rule.active  # a grid worker's switch changed nothing
    assert staff.post("/visits/receptions/hours/", {"unit": w.community.code, "weekday": "2", "starts": "09:00",
                                                    "ends": "11:00", "place": "服务中心"}).status_code == 302
    assert staff.post("/visits/receptions/walk-in/", {"unit": w.community.code, "visitor_name": "王大爷",
                                                      "matter": "噪音", "promise": "三天答复",
                                                      "due": "2099-01-01"}).status_code == 302
    assert "王大爷" in staff.get("/visits/receptions/").content.decode()
    promise = Promise.objects.get()
    assert "三天答复" in staff.get("/visits/promises/").content.decode()
    staff.post("/visits/promises/kept/", {"promise": promise.pk})
    staff.post("/visits/promises/kept/", {"promise": promise.pk}, follow=True)
    promise.refresh_from_db()
    assert promise.outcome == "kept"
    assert client_for(w.worker).get("/visits/staff/").status_code == 403


def test_contact_points_and_cadre_page(w):
    contacts.save_contact_point(w.admin, cadre=w.street, title="街道书记", unit=w.d.units["A1-1"])
    admin = client_for(w.admin)
    assert "街道书记" in admin.get("/visits/cadres/").content.decode()
    page = admin.get(f"/visits/cadres/{w.street.pk}/")
    assert page.status_code == 200 and "cadre-figures" in page.content.decode()
    street = client_for(w.street)
    assert street.post(f"/visits/households/{w.h11.pk}/", {"findings": "看望"}).status_code == 302
    assert Visit.objects.get(visitor=w.street).visitor_kind == "leading_cadre"
    assert admin.get(f"/visits/cadres/{w.worker.pk}/").status_code == 404
