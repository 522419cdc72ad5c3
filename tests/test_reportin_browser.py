"""双报到 in headless Chromium on a phone: the staff page draws its chart (services per member
against the target), a unit's liaison pledges a resource from their phone, and the employer
report prints without the navigation and buttons."""
from pathlib import Path

import pytest

from gridgov.accounts.models import Role

from .reportin_world import install, party_members, user

PHONE = {"width": 375, "height": 812}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.mark.browser
def test_staff_chart_liaison_pledge_and_printed_report_on_a_phone(sign_in, live_server, live_world, monkeypatch):
    from gridgov.reportin.services import members, reports, units

    fake = install(monkeypatch)
    staff = live_world.users["community_staff"]
    a1 = live_world.units["A1"]
    unit = units.register_unit(staff, a1, name="区税务局", kind="organ")
    user("liaison", Role.UNIT_LIAISON, a1)
    from django.contrib.auth.models import User

    units.appoint_liaison(staff, unit, User.objects.get(username="liaison"))
    org = members.add_employer_org(staff, a1, employer_name="区税务局", name="区税务局机关党支部", resident_unit=unit)
    member = party_members(live_world)[0]
    members.register_member(staff, member, community=a1, employer_org=org)
    report = reports.create_report(staff, org, year=unit.registered_year, period="year")
    fake.add(member, report.start, 90, rating=5)

    page = sign_in("community_staff", PHONE)
    page.goto(f"{live_server.url}/reportin/")
    page.wait_for_selector("#reportin-chart[aria-busy=false]")
    assert page.evaluate("() => echarts.getInstanceByDom(document.getElementById('reportin-chart'))"
                         ".getOption().series[0].data") == [1.0]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    phone = sign_in("liaison", PHONE)
    phone.goto(f"{live_server.url}{unit.get_absolute_url()}")
    phone.select_option("select[name=kind]", "venue")
    phone.fill("input[name=description]", "二楼会议室")
    phone.click("form[action$='/pledge/'] button")
    phone.wait_for_load_state("networkidle")
    assert "二楼会议室" in phone.content()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=ARTIFACTS / "reportin-unit-liaison-mobile.png", full_page=True)
    assert unit.pledges.get().description == "二楼会议室"

    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    page.screenshot(path=ARTIFACTS / "reportin-report-mobile.png", full_page=True)
    page.emulate_media(media="print")
    assert page.is_hidden("nav.navbar") and page.is_hidden("a[href$='report.xlsx']")
    assert page.is_visible(".reportin-sheet") and member.name in page.inner_text(".reportin-sheet")
