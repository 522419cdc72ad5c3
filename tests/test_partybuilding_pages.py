"""The party-building pages: the staff's pages and the member's page render, a step posted through
a page works, a refused step comes back as a message with nothing changed, and the community's
public page shows names and posts only, without signing in."""
import datetime as dt

import pytest
from django.test import Client

from gridgov.partybuilding.models import Attendance, Contact, Credit, LifeAttendance, LifeSession, Pledge
from gridgov.partybuilding.services import kite, pledges, posts, training

from . import partybuilding_world as pw

D = dt.date


@pytest.fixture
def w(district):
    return pw.build(district)


def client_for(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def test_staff_pages_render_and_record(w):
    with pw.on(D(2026, 3, 2)):
        mobile = kite.register_mobile(w.staff, person=w.p2, home_org=w.branch2, city="深圳", since=D(2026, 1, 1))
        course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="2",
                                        starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
        session = training.add_session(w.staff, course, on=D(2026, 3, 2), hours="2", topic="一").new_session
        staff = client_for(w.staff)
        for url in ("/partybuilding/", f"/partybuilding/orgs/{w.committee.pk}/", "/partybuilding/kite/",
                    "/partybuilding/courses/", f"/partybuilding/courses/{course.pk}/", "/partybuilding/posts/"):
            assert staff.get(url).status_code == 200, url
        org_page = staff.get(f"/partybuilding/orgs/{w.committee.pk}/").content.decode()
        assert "partybuilding-chart-data" in org_page and w.p1.name in org_page and w.p1.phone not in org_page
        kite_page = staff.get("/partybuilding/kite/").content.decode()
        assert "list-group-item-danger" in kite_page and "60 days without contact" in kite_page
        refused = staff.post(f"/partybuilding/kite/{mobile.pk}/contact/", {"kind": "call", "on": "2026-03-09"},
                             follow=True)
        assert "cannot be in the future" in refused.content.decode() and not Contact.objects.exists()
        garbled = staff.post(f"/partybuilding/kite/{mobile.pk}/contact/", {"kind": "call", "on": "yesterday"},
                             follow=True)
        assert "enter a date" in garbled.content.decode()
        staff.post(f"/partybuilding/kite/{mobile.pk}/contact/", {"kind": "call", "on": "2026-03-02"})
        assert "list-group-item-danger" not in staff.get("/partybuilding/kite/").content.decode()
        done = staff.post(f"/partybuilding/courses/{course.pk}/attendance/", {"session": session.pk, "person": w.p4.pk},
                          follow=True)
        assert f"Credit granted to {w.p4.name}" in done.content.decode()
        again = staff.post(f"/partybuilding/courses/{course.pk}/attendance/", {"session": session.pk,
                                                                                "person": w.p4.pk}, follow=True)
        assert "already recorded" in again.content.decode()
        nohours = staff.post(f"/partybuilding/courses/{course.pk}/credit/", {"person": w.p1.pk}, follow=True)
        assert "no credit" in nohours.content.decode()
        assert staff.post(f"/partybuilding/courses/{course.pk}/nonsense/").status_code == 404
        assert staff.post(f"/partybuilding/courses/{course.pk}/attendance/", {"session": "x"},
                          follow=True).status_code == 200
        made = staff.post("/partybuilding/life/create/", {"org": w.branch2.pk, "on": "2026-03-02", "topic": "线上主题党日"})
        assert made.status_code == 302
        life = LifeSession.objects.get()
        staff.post("/partybuilding/life/attendance/", {"session": life.pk, "person": w.p2.pk, "mode": "online"})
        other = staff.post("/partybuilding/life/attendance/", {"session": life.pk, "person": w.p1.pk, "mode": "online"},
                           follow=True)
        assert "is not a member of" in other.content.decode()
        assert w.p2.name in staff.get("/partybuilding/life/").content.decode()
    assert Attendance.objects.count() == 1 and Credit.objects.get().person == w.p4
    assert list(LifeAttendance.objects.values_list("person", "mode")) == [(w.p2.pk, "online")]
    assert client_for(w.member).get("/partybuilding/kite/").status_code == 403
    assert client_for(w.d.users["grid_worker"]).get("/partybuilding/").status_code == 403


def test_the_member_sees_credits_courses_and_pledges_and_pledges(w):
    with pw.on(D(2026, 3, 2)):
        course = training.create_course(w.staff, org=w.committee, title="党章学习", hours="2", pass_mark=60,
                                        starts_on=D(2026, 1, 1), ends_on=D(2026, 12, 31))
        training.record_result(w.staff, course, person=w.p1, score=88, taken_on=D(2026, 3, 2))
        member = client_for(w.member)
        page = member.get("/partybuilding/me/").content.decode()
        assert "党章学习" in page and "Test passed" in page and "A1-1网格党支部" in page
        member.post("/partybuilding/me/pledge/", {"text": "带头垃圾分类", "due_on": "2026-04-01"})
        late = member.post("/partybuilding/me/pledge/", {"text": "x", "due_on": "2026-03-01"}, follow=True)
        assert "today or later" in late.content.decode()
    assert Pledge.objects.get().text == "带头垃圾分类"
    assert client_for(w.d.users["resident"]).get("/partybuilding/me/").status_code == 403


def test_the_community_page_is_public_and_shows_no_personal_data(w):
    with pw.on(D(2026, 3, 2)):
        post = posts.create_post(w.staff, unit=w.d.units["A1-1"], title="党员示范岗", place="便民服务站")
        posts.assign_holder(w.staff, post, person=w.p1, held_from=D(2026, 3, 1))
        pledges.make_pledge(w.staff, person=w.p1, org=w.branch, text="公开承诺", due_on=D(2026, 4, 1))
        page = client_for().get(f"/partybuilding/community/{w.d.units['A1'].code}/")
    body = page.content.decode()
    assert page.status_code == 200 and "党员示范岗" in body and w.p1.name in body
    assert w.p1.phone not in body and w.p1.id_number not in body
    assert client_for().get(f"/partybuilding/community/{w.d.units['A1-1'].code}/").status_code == 404
    assert client_for().get("/partybuilding/community/abc/").status_code == 404
