"""The deliberation pages: each role's pages render, steps posted through them work, a refused step
comes back as a message with nothing changed, the public notice board needs no login."""
import pytest
from django.test import Client

from gridgov.cases.services import filing
from gridgov.deliberation.models import Proposal, ProposalStatus, Step

from . import deliberation_world as world
from .cases_world import IN_A1_1


@pytest.fixture
def w(district):
    return world.build(district)


def client_for(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_resident_proposes_supports_and_sees_the_answer_only_once_published(w):
    resident = client_for(w.resident)
    assert resident.get("/deliberation/propose/").status_code == 200
    response = resident.post("/deliberation/propose/", {"title": "小区加装路灯", "description": "太暗",
                                                         "unit": w.community.code})
    p = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/deliberation/proposals/{p.pk}/"
    neighbour = client_for(w.users[1])
    neighbour.post(f"/deliberation/proposals/{p.pk}/support/")
    refused = neighbour.post(f"/deliberation/proposals/{p.pk}/support/", follow=True)
    assert "already supported" in refused.content.decode()
    assert Proposal.objects.get().support_count == 1
    staff = client_for(w.staff)
    staff.post(f"/deliberation/proposals/{p.pk}/answer/", {"answer": "accepted", "reason": "下月安装"})
    assert "Answered, not published" in staff.get("/deliberation/queue/").content.decode()
    assert "下月安装" not in resident.get(f"/deliberation/proposals/{p.pk}/").content.decode()
    staff.post(f"/deliberation/proposals/{p.pk}/publish/")
    assert "下月安装" in resident.get(f"/deliberation/proposals/{p.pk}/").content.decode()
    assert "小区加装路灯" in resident.get("/deliberation/").content.decode()
    assert resident.get("/deliberation/queue/").status_code == 403
    assert resident.get("/deliberation/my-meetings/").status_code == 200


def test_staff_pages_render(w):
    world.run_matter(w, until=Step.DISCUSSED)
    staff = client_for(w.staff)
    for url in ("queue/", "meetings/", "meetings/?month=2026-02", "matters/"):
        assert staff.get(f"/deliberation/{url}").status_code == 200, url
    matter = w.community.matters.get()
    page = staff.get(f"/deliberation/matters/{matter.pk}/").content.decode()
    assert "Deliberated by the party members" in page
    resolved = staff.get(f"/deliberation/meetings/{w.community.meetings.first().pk}/").content.decode()
    assert "Passed" in resolved and "3 for, 0 against, 0 abstaining (3 present)" in resolved
    meeting = world.meeting(w, "bench")
    staff.post(f"/deliberation/meetings/{meeting.pk}/item/", {"title": "停车难"})
    staff.post(f"/deliberation/meetings/{meeting.pk}/open/")
    staff.post(f"/deliberation/meetings/{meeting.pk}/check_in/", {"person": w.person.pk})
    page = staff.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    assert "Count the votes" in page and "停车难" in page and w.person.name in page
    resident_page = client_for(w.resident).get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    assert "Record vote" not in resident_page and 'value="for"' in resident_page


def test_a_case_is_raised_as_a_proposal_from_its_page(w, world):
    case = filing.report(district=world.units["district"], channel="app", title="井盖破损",
                         category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                         reporter=w.person, reported_by=w.resident)
    staff = client_for(w.staff)
    assert "deliberation/proposals/from-cases/" in staff.get(f"/cases/{case.code}/").content.decode()
    response = staff.post("/deliberation/proposals/from-cases/", {"case_codes": [case.code]})
    p = Proposal.objects.get()
    assert response["Location"] == f"/deliberation/proposals/{p.pk}/" and p.case_codes == [case.code]
    assert p.status == ProposalStatus.OPEN and p.title == case.title
    response = staff.post("/deliberation/proposals/from-cases/", {"case_codes": []}, follow=True)
    assert "Choose at least one case" in response.content.decode() and Proposal.objects.count() == 1


def test_the_notice_board_is_public_and_printable(w):
    matter = world.run_matter(w, until=Step.PUBLISHED)
    notice = matter.notices.get()
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    board = anonymous.get(f"/notices/{w.community.code}/")
    assert board.status_code == 200 and "决议公开" in board.content.decode()
    printed = anonymous.get(f"/notices/{w.community.code}/{notice.pk}/print/").content.decode()
    assert "@page { size: A4" in printed and "决议公开" in printed
    assert anonymous.get("/notices/999999999999/").status_code == 404
    assert anonymous.get(f"/notices/{w.d.units['B1'].code}/{notice.pk}/print/").status_code == 404
