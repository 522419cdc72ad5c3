"""双报到's figures for many units at once equal each unit's figures alone (the board asks for a unit
and all its children in one call; tests/test_participation_board.py checks the query count)."""
import datetime as dt

from gridgov.core import figures

from .figures_check import together_equals_alone


def test_many_units_at_once_give_each_the_figures_it_has_alone(district, monkeypatch):
    """Members in A1 (one ended) and A2, resident units with pledges in A1, A2 and B1 (one lapsed,
    one pledge withdrawn), services by some members and a district target: every unit of the
    district asked together — nested codes, grids and micro-grids too — gets what it gets alone."""
    from django.utils import timezone

    from gridgov.core import clock
    from gridgov.reportin.services import members, units
    from gridgov.reportin.services.figures import set_services_target

    from .reportin_world import install, party_members

    fake = install(monkeypatch)
    p1, p2, p3, p4 = party_members(district)
    a1, a2, b1 = (district.units[label] for label in ("A1", "A2", "B1"))
    with clock.frozen(timezone.make_aware(dt.datetime(2025, 3, 1, 9))):
        units.pledge(None, units.register_unit(None, b1, name="U0", kind="other"), kind="funds", description="1万元")
    with clock.frozen(timezone.make_aware(dt.datetime(2026, 3, 1, 9))):
        for community, people in ((a1, (p1, p2, p3)), (a2, (p4,))):
            org = members.add_employer_org(None, community, employer_name="E", name=f"E党支部{community.code}")
            for person in people:
                registration = members.register_member(None, person, community=community, employer_org=org)
                if person == p3:
                    members.end_member(None, registration)
        for community, name in ((a1, "U1"), (a1, "U2"), (a2, "U3"), (b1, "U4")):
            unit = units.register_unit(None, community, name=name, kind="organ")
            units.pledge(None, unit, kind="venue", description="会议室")
            units.withdraw_pledge(None, units.pledge(None, unit, kind="skills", description="法律咨询"))
    for person, day in ((p1, dt.date(2026, 2, 1)), (p1, dt.date(2026, 6, 1)), (p3, dt.date(2026, 4, 1)),
                        (p4, dt.date(2026, 5, 1))):
        fake.add(person, day, 60)
    set_services_target(None, district.units["district"], 3)
    together_equals_alone("reportin", [(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
                                       (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                                       (dt.date(2025, 1, 1), dt.date(2025, 12, 31))])
    compute = figures.get("reportin").compute
    # the district for January to September 2026: members p1, p2, p4 (p3 ended); units U1–U4 (U0 lapsed);
    # services p1 2 + p4 1 = 3 → 3 / 3 = 1.0; p1 and p4 served → 2 / 3; one pledge left per unit.
    assert compute([district.units["district"].code], dt.date(2026, 1, 1), dt.date(2026, 9, 30)) == {
        district.units["district"].code: {"members_registered": 3, "units_registered": 4, "services_per_member": 1.0,
                                          "services_target": 3, "members_served_share": 0.6667, "pledges": 4}}
