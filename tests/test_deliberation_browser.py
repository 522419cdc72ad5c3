"""Phones (390×844) and the staff's screen in headless Chromium, one walk: a resident proposes, a
neighbour supports, the staff answer and publish; the proposal goes on a two committees' meeting
with a matter waiting for that meeting; the resident checks in and votes on their phone, the staff
check a second member in and record their votes, count them into resolutions, and take the matter
its next step with the passing resolution; the rest of 四议两公开 follows, and the community's public
notice board shows the resolution and the result to anyone."""
import pytest

from gridgov.deliberation.models import Matter, Proposal, Resolution, Step
from gridgov.deliberation.services import meetings

from . import deliberation_world as dw

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world):
    live_world.delib = dw.build(live_world)
    return live_world


def _submit(page, selector):
    page.click(selector)
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_proposal_to_resolution_and_a_matter_step_on_phones(sign_in, browser, live_server, live_world):
    w = live_world.delib
    url = live_server.url
    resident = sign_in("resident", PHONE)
    resident.goto(f"{url}/deliberation/propose/")
    resident.fill("#title", "小区增设休息座椅")
    resident.fill("#description", "老人散步需要歇脚")
    _submit(resident, "form button.btn-danger")
    assert resident.locator("#proposal-status").get_attribute("data-status") == "open"
    assert resident.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    proposal = Proposal.objects.get()
    proposal_url = resident.url

    neighbour = sign_in("r1", PHONE)
    neighbour.goto(proposal_url)
    _submit(neighbour, "[data-action=support]")
    assert Proposal.objects.get().support_count == 1

    staff = sign_in("community_staff")
    staff.goto(proposal_url)
    staff.select_option("#answer-form select[name=answer]", "accepted")
    staff.fill("#answer-form textarea[name=reason]", "同意，提交议事会")
    _submit(staff, "#answer-form button")
    assert staff.locator("#proposal-status").get_attribute("data-status") == "answered"
    resident.goto(proposal_url)
    assert "同意，提交议事会" not in resident.content()
    _submit(staff, "[data-action=publish]")
    resident.goto(proposal_url)
    assert "同意，提交议事会" in resident.content()

    matter = dw.run_matter(w, until=Step.PROPOSED)
    meeting = dw.meeting(w, "committees", title="两委会议")
    meetings.add_agenda_item(w.staff, meeting, title=matter.title, subject_ref=matter.ref)
    staff.goto(f"{url}/deliberation/meetings/{meeting.pk}/")
    staff.fill("#item-form input[name=title]", proposal.title)
    staff.fill("#item-form input[name=subject_ref]", proposal.ref)
    _submit(staff, "#item-form button")
    _submit(staff, "[data-action=open]")
    assert staff.locator("#meeting-status").get_attribute("data-status") == "open"

    resident.goto(f"{url}/deliberation/my-meetings/")
    resident.click(f"a[href$='/deliberation/meetings/{meeting.pk}/']")
    _submit(resident, "[data-action=check_in]")
    staff.reload()
    staff.select_option("#staff-check-in select[name=person]", str(w.people[1].pk))
    _submit(staff, "#staff-check-in button")  # 2 of the 3 committee members: quorate
    resident.reload()
    _submit(resident, f"[data-item='{proposal.ref}'] button[name=choice][value=for]")
    assert resident.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for ref in (proposal.ref, matter.ref):
        item = staff.locator(f"[data-item='{ref}']")
        item.locator("select[name=person]").select_option(str(w.people[1].pk))
        item.locator("select[name=choice]").select_option("for")
        _submit(staff, f"[data-item='{ref}'] [data-action=record_vote]")
    item = staff.locator(f"[data-item='{matter.ref}']")
    item.locator("select[name=person]").select_option(str(w.person.pk))
    _submit(staff, f"[data-item='{matter.ref}'] [data-action=record_vote]")
    for ref in (proposal.ref, matter.ref):
        _submit(staff, f"[data-item='{ref}'] [data-action=resolve]")
        assert staff.locator(f"[data-item='{ref}'] [data-resolution]").get_attribute("data-resolution") == "passed"
    resolution = Resolution.objects.get(item__subject_ref=proposal.ref)
    assert (resolution.votes_for, resolution.present, resolution.entitled) == (2, 2, 3)

    staff.goto(f"{url}/deliberation/matters/{matter.pk}/")
    _submit(staff, "#advance-form button")
    assert staff.locator("#matter-step").get_attribute("data-step") == Step.DISCUSSED
    assert Matter.objects.get(pk=matter.pk).step == Step.DISCUSSED

    # The rest of 四议两公开 through the services, then the public board, with no login, on a phone.
    dw.run_matter(w, until=Step.RESULT_PUBLISHED, matter=Matter.objects.get(pk=matter.pk))
    board = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
    board.goto(f"{url}/notices/{w.community.code}/")
    text = board.content()
    assert matter.title in text and "决议公开" in text and "结果公开" in text
    assert board.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    board.screenshot(path="test-artifacts/deliberation-notices-phone.png", full_page=True)
