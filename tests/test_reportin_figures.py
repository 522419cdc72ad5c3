"""The 双报到 figures (``core.figures`` set ``reportin``), each against a number worked out by hand
from data the test made. Service records come from the test stand-in (``reportin_world``)."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core import clock, figures
from gridgov.reportin.services import members, units
from gridgov.reportin.services.figures import set_services_target

from .reportin_world import install, party_members, staff

YEAR = 2026


@pytest.fixture
def world(district, monkeypatch):
    """In community A1, for 2026: members p1, p2, p3 registered (p3's registration ended), units U1
    (two pledges, one withdrawn) and U2 (one pledge); U3 registered for 2025 only. p1 served twice
    in 2026 and once in 2025, p2 not at all, p3 (ended) three times."""
    fake = install(monkeypatch)
    p1, p2, p3, _p4 = party_members(district)
    a1 = district.units["A1"]
    with clock.frozen(timezone.make_aware(dt.datetime(YEAR - 1, 3, 1, 9))):
        old = units.register_unit(staff(district), a1, name="U3", kind="other")
        units.pledge(staff(district), old, kind="funds", description="1万元")
    with clock.frozen(timezone.make_aware(dt.datetime(YEAR, 3, 1, 9))):
        org = members.add_employer_org(staff(district), a1, employer_name="E", name="E党支部")
        registrations = [members.register_member(staff(district), p, community=a1, employer_org=org) for p in (p1, p2, p3)]
        members.end_member(staff(district), registrations[2])
        u1 = units.register_unit(staff(district), a1, name="U1", kind="organ")
        u2 = units.register_unit(staff(district), a1, name="U2", kind="school")
        units.pledge(staff(district), u1, kind="venue", description="会议室")
        withdrawn = units.pledge(staff(district), u1, kind="skills", description="法律咨询")
        units.withdraw_pledge(staff(district), withdrawn)
        units.pledge(staff(district), u2, kind="equipment", description="桌椅")
    fake.add(p1, dt.date(YEAR, 2, 1), 60)
    fake.add(p1, dt.date(YEAR, 6, 1), 60)
    fake.add(p1, dt.date(YEAR - 1, 12, 1), 60)
    for month in (1, 2, 3):
        fake.add(p3, dt.date(YEAR, month, 5), 30)
    return district


def _compute(codes, end=dt.date(YEAR, 9, 30), start=dt.date(YEAR, 7, 1)):
    return figures.get("reportin").compute(codes, start, end)


def test_each_figure_by_hand(world):
    a1, a2 = world.units["A1"].code, world.units["A2"].code
    got = _compute([a1, a2, world.units["district"].code])
    # members: p1, p2 (p3 ended) = 2; units for 2026: U1, U2 = 2 (U3 lapsed);
    # services 1 Jan – 30 Sep 2026 by p1 and p2: 2 + 0 = 2 → 2 / 2 = 1.0 per member (target 2);
    # served: p1 only → 1 / 2 = 0.5; pledges of the 2026 units not withdrawn: U1's 会议室 + U2's 桌椅 = 2.
    expected = {"members_registered": 2, "units_registered": 2, "services_per_member": 1.0, "services_target": 2,
                "members_served_share": 0.5, "pledges": 2}
    assert got[a1] == expected
    assert got[world.units["district"].code] == expected  # the district's subtree holds only A1's
    assert got[a2] == {"members_registered": 0, "units_registered": 0, "services_per_member": None,
                       "services_target": 2, "members_served_share": None, "pledges": 0}


def test_the_year_is_the_periods_end_and_the_target_is_the_districts(world):
    a1 = world.units["A1"].code
    set_services_target(None, world.units["district"], 4)
    # as of end of May 2026: p1 has one service (1 Feb) → 1 / 2 = 0.5
    got = _compute([a1], end=dt.date(YEAR, 5, 31), start=dt.date(YEAR, 5, 1))[a1]
    assert (got["services_per_member"], got["services_target"], got["members_served_share"]) == (0.5, 4, 0.5)
    # for 2025: no member registered; U3 registered with its one pledge
    got = _compute([a1], end=dt.date(YEAR - 1, 12, 31), start=dt.date(YEAR - 1, 1, 1))[a1]
    assert (got["members_registered"], got["units_registered"], got["pledges"]) == (0, 1, 1)
