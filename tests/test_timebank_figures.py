"""The time bank's figures (``core.figures`` set ``timebank``), each against a number worked out by
hand from the data the test makes (docs/timebank.md, "Figures")."""
import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core import clock, figures
from gridgov.ledger import services as ledger
from gridgov.timebank.services import movements
from gridgov.timebank.services.figures import compute, weekly
from tests import timebank_world
from tests.timebank_world import earn, spend


def at(month, day, hour=10):
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


@pytest.fixture
def story(db):
    """October: the resident earns 100 (before the period). November (the period): the resident
    earns 60, the neighbour 40, the resident receives 30 minutes of service, donates 20 to the
    family member; the neighbour is credited 15 by mistake and the entry is reversed; the district
    funds A1's bank with 300 and A1 transfers 100 to B1. December: the resident earns 1000 (after)."""
    tb = timebank_world.build()
    earn(tb.resident, 100, at=at(10, 20))
    earn(tb.resident, 60, at=at(11, 5))
    earn(tb.neighbour, 40, at=at(11, 5))
    spend(tb.resident, 30, at=at(11, 6))
    with clock.frozen(at(11, 8)):
        movements.fund(tb.users["district_admin"], community_code=tb.units["A1"].code, minutes=300)
    with clock.frozen(at(11, 9)):
        movements.transfer(tb.users["community_staff"], from_code=tb.units["A1"].code,
                           to_code=tb.units["B1"].code, minutes=100)
    with clock.frozen(at(11, 10)):
        movements.donate(tb.users["resident"], recipient_id=tb.family.pk, minutes=20)
    mistake = earn(tb.neighbour, 15, at=at(11, 12)).postings.latest("pk").entry
    with clock.frozen(at(11, 13)):
        ledger.reverse(mistake, key="test:undo", memo="录错冲正")
    earn(tb.resident, 1000, at=at(12, 2))
    return tb


def test_the_figures_match_the_hand_worked_numbers(story):
    units = story.units
    codes = [units["district"].code, units["A1"].code, units["A1-1-2"].code, units["B1"].code]
    result = compute(codes, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # A1: deposited 60 + 40 (the reversed 15 and the donation are not deposits); withdrawn 30;
    # outstanding: resident 100 + 60 − 30 − 20 = 110, family 20, neighbour 40 → 170, three holders;
    # one donation; A1's bank 300 − 100 = 200.
    assert result[units["A1"].code] == {"deposited": 100, "withdrawn": 30, "outstanding": 170,
                                        "members_with_balance": 3, "donations": 1, "community_banks": 200}
    # The neighbour's micro-grid alone.
    assert result[units["A1-1-2"].code] == {"deposited": 40, "withdrawn": 0, "outstanding": 40,
                                            "members_with_balance": 1, "donations": 0, "community_banks": 0}
    # The district: the same members, both banks (200 + 100).
    assert result[units["district"].code] == {**result[units["A1"].code], "community_banks": 300}
    assert result[units["B1"].code] == {"deposited": 0, "withdrawn": 0, "outstanding": 0,
                                        "members_with_balance": 0, "donations": 0, "community_banks": 100}


def test_a_period_before_the_donation_sees_the_state_then(story):
    # October alone: the resident's first 100 deposited, outstanding 100, nothing else yet.
    [row] = compute([story.units["A1"].code], dt.date(2026, 10, 1), dt.date(2026, 10, 31)).values()
    assert row == {"deposited": 100, "withdrawn": 0, "outstanding": 100, "members_with_balance": 1, "donations": 0,
                   "community_banks": 0}


def test_weekly_flows_of_a_community(story):
    # Weeks starting Monday: 2026-11-02 holds the 5th (60 + 40 in) and the 6th (30 out).
    weeks = {row["week"]: row for row in weekly(story.units["A1"].code, weeks=8, now=at(11, 20))}
    assert (weeks[dt.date(2026, 11, 2)]["deposited"], weeks[dt.date(2026, 11, 2)]["withdrawn"]) == (100, 30)
    assert weeks[dt.date(2026, 11, 9)]["deposited"] == 0  # the donation and the reversed pair are not flows
    assert weeks[dt.date(2026, 10, 19)]["deposited"] == 100


def test_the_figure_set_is_registered_with_a_definition_for_each_figure():
    figure_set = figures.get("timebank")
    assert figure_set is not None and figure_set.compute is compute
    assert [f.key for f in figure_set.figures] == ["deposited", "withdrawn", "outstanding", "members_with_balance",
                                                   "donations", "community_banks"]
    assert all(str(f.definition) for f in figure_set.figures)


def test_many_codes_at_once_give_each_code_what_it_gets_alone(story):
    codes = [unit.code for label, unit in story.units.items() if not label.startswith("compound")]  # every unit
    for start, end in ((dt.date(2026, 10, 1), dt.date(2026, 10, 31)), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))):
        together = compute(codes, start, end)
        assert together == {code: compute([code], start, end)[code] for code in codes}
