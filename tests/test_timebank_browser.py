"""我的时间银行 on a phone, in headless Chromium: the resident sees their minutes, gives some to a
family member through the form, and the page fits the phone's width."""
import pytest

from gridgov.timebank.services.accounts import person_account
from tests import timebank_world
from tests.timebank_world import earn

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def live_tb(transactional_db):
    tb = timebank_world.build()
    earn(tb.resident, 120)
    return tb


@pytest.mark.browser
def test_a_resident_gives_minutes_to_family_on_a_phone(sign_in, live_server, live_tb):
    page = sign_in("resident", PHONE)
    page.goto(f"{live_server.url}/timebank/")
    minutes = page.locator('[data-account="minutes"] .gg-figure')
    assert minutes.inner_text().startswith("120")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.select_option("#id_recipient", str(live_tb.family.pk))
    page.fill("#id_minutes", "45")
    page.click("form[action='/timebank/donate/'] button")
    page.wait_for_load_state("networkidle")
    assert page.locator('[data-account="minutes"] .gg-figure').inner_text().startswith("75")
    assert live_tb.family.name in page.locator("section[aria-labelledby=donations-title]").inner_text()
    assert person_account(live_tb.family).balance == 45
