"""Volunteering's figures for many units at once equal each unit's figures alone (the board asks for a
unit and all its children in one call; tests/test_participation_board.py checks the query count)."""
import datetime as dt

from .figures_check import together_equals_alone


def test_many_units_at_once_give_each_the_figures_it_has_alone(district):
    """Orders in every state, records by two volunteers (one a party member) and a district target:
    every unit of the district asked together — nested codes, grids by home — gets what it gets alone."""
    from django.utils import timezone

    from gridgov.core import clock
    from gridgov.volunteering.models import VolunteeringSettings

    from . import volunteering_world as vw

    start = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))
    with clock.frozen(start):
        w = vw.build(district)
    for hours, (until, taker) in enumerate([("verified", w.u1), ("rated", w.u2), ("taken", w.u2), ("published", None),
                                            ("accepted", None), ("rated", w.u1)]):
        with clock.frozen(start + dt.timedelta(days=hours * 20, hours=hours)):
            vw.run_order(w, until=until, taker=taker, minutes=30 + hours * 15, rating=hours % 5 + 1)
    VolunteeringSettings.objects.create(district_code=district.units["district"].code, registration_target="0.250")
    together = together_equals_alone("volunteering", [(dt.date(2026, 3, 2), dt.date(2026, 3, 2)),
                                                      (dt.date(2026, 3, 1), dt.date(2026, 6, 30)),
                                                      (dt.date(2026, 4, 1), dt.date(2026, 5, 31))])
    assert together[district.units["A1"].code]["orders_placed"] > 0
