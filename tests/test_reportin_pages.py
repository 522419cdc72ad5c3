"""The 双报到 pages: what the staff, a unit's liaison and a member see and do; a refused action
answers a 4xx page with the reason and changes nothing; the report prints and downloads."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.accounts.models import Role
from gridgov.core import clock
from gridgov.core.tables import read_table
from gridgov.reportin.models import EmployerReport, MemberRegistration, Pledge, ReportStatus, ResidentUnit
from gridgov.reportin.services import members, units
from gridgov.reportin.services.access import this_year

from .reportin_world import install, liaison, party_members, staff, user


@pytest.fixture
def fake(monkeypatch):
    return install(monkeypatch)


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English: the messages the tests look for are the source strings."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def setup(district, fake):
    unit = units.register_unit(staff(district), district.units["A1"], name="区税务局", kind="organ")
    other = units.register_unit(staff(district), district.units["A1"], name="区人民医院", kind="hospital")
    account = liaison(district)
    units.appoint_liaison(staff(district), unit, account)
    org = members.add_employer_org(staff(district), district.units["A1"], employer_name="区税务局",
                                   name="区税务局机关党支部", resident_unit=unit)
    member = party_members(district)[0]
    registration = members.register_member(staff(district), member, community=district.units["A1"],
                                           employer_org=org)
    fake.add(member, dt.date(this_year(), 1, 2), 60, rating=4, title="社区巡逻")
    return unit, other, account, org, member, registration


def test_staff_home_lists_units_figures_and_the_chart(client, district, setup):
    client.force_login(staff(district))
    page = client.get("/reportin/").content.decode()
    assert "区税务局" in page and "区人民医院" in page and 'id="reportin-chart-data"' in page
    assert client.get("/reportin/members/").status_code == 200
    assert client.get("/reportin/reports/").status_code == 200


def test_staff_register_a_unit_through_the_page_and_a_duplicate_is_refused(client, district, setup):
    client.force_login(staff(district))
    community = district.units["A1"].pk
    response = client.post("/reportin/units/new/", {"community": community, "name": "青白江中学", "kind": "school"})
    assert response.status_code == 302 and ResidentUnit.objects.filter(name="青白江中学").exists()
    response = client.post("/reportin/units/new/", {"community": community, "name": "青白江中学", "kind": "school"})
    assert response.status_code == 422 and "already registered" in response.content.decode()
    assert ResidentUnit.objects.count() == 3


def test_a_liaison_sees_and_pledges_for_their_own_unit_only(client, district, setup):
    unit, other, account, *_ = setup
    client.force_login(account)
    home = client.get("/reportin/").content.decode()
    assert "区税务局" in home and "区人民医院" not in home
    page = client.get(f"/reportin/units/{unit.pk}/").content.decode()
    assert "社区巡逻" not in page and "居民02" in page  # their members' participation, not the lines
    assert client.post(f"/reportin/units/{unit.pk}/pledge/", {"kind": "venue", "description": "礼堂"}).status_code == 302
    assert client.get(f"/reportin/units/{other.pk}/").status_code == 404
    assert client.post(f"/reportin/units/{other.pk}/pledge/", {"kind": "venue", "description": "X"}).status_code == 404
    assert list(Pledge.objects.values_list("unit", flat=True)) == [unit.pk]


def test_a_refused_page_action_shows_why_and_changes_nothing(client, district, setup):
    unit = setup[0]
    client.force_login(staff(district))
    response = client.post(f"/reportin/units/{unit.pk}/renew/")
    assert response.status_code == 409 and "already registered" in response.content.decode()
    response = client.post(f"/reportin/units/{unit.pk}/appoint-liaison/", {"username": "resident"})
    assert response.status_code == 422 and "liaison role" in response.content.decode()


def test_staff_register_a_member_through_the_page(client, district, setup):
    org = setup[3]
    person = district.persons[2]
    client.force_login(staff(district))
    response = client.post("/reportin/members/register/", {"person": person.pk, "employer_org": org.pk})
    assert response.status_code == 302 and MemberRegistration.objects.filter(person=person).exists()
    response = client.post("/reportin/members/register/", {"person": person.pk, "employer_org": org.pk})
    assert response.status_code == 422 and "already registered" in response.content.decode()


def test_a_member_opens_their_own_registration(client, district, setup):
    member, registration = setup[4], setup[5]
    account = user("member", Role.PARTY_MEMBER, district.units["A1-1-2"], person=member)
    client.force_login(account)
    assert registration.get_absolute_url() in client.get("/reportin/").content.decode()
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "社区巡逻" in page and "区税务局机关党支部" in page


def test_the_report_page_prints_sends_and_downloads(client, district, setup):
    org = setup[3]
    client.force_login(staff(district))
    response = client.post("/reportin/reports/", {"employer_org": org.pk, "year": this_year(), "period": "year"})
    report = EmployerReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    page = client.get(report.get_absolute_url()).content.decode()
    assert "reportin/print.css" in page and "居民02" in page and "13800000002" not in page
    response = client.post(f"/reportin/reports/{report.pk}/acknowledge/", {"acknowledged_by": "王"})
    assert response.status_code == 409
    assert client.post(f"/reportin/reports/{report.pk}/send/").status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT
    cells = read_table(client.get(f"/reportin/reports/{report.pk}/report.xlsx").content)
    assert any(row and row[0] == "居民02" and row[2] == 1 for row in cells)
    # the employer's liaison records the acknowledgement
    client.force_login(setup[2])
    assert client.post(f"/reportin/reports/{report.pk}/acknowledge/", {"acknowledged_by": "王书记"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACKNOWLEDGED


def test_last_year_unit_shows_as_lapsed(client, district, fake):
    with clock.frozen(timezone.make_aware(dt.datetime(this_year() - 1, 5, 1, 9))):
        unit = units.register_unit(staff(district), district.units["A1"], name="旧单位", kind="enterprise")
    client.force_login(staff(district))
    assert "Not renewed" in client.get(f"/reportin/units/{unit.pk}/").content.decode()
