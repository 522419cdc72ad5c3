"""A small visits world on the test district (tests/factories.py, cases_world.py): community A1's
staff and grid workers, its households, a special group, and a leading cadre (the street dispatcher)."""
import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from gridgov.people.models import SpecialGroup
from gridgov.structure.models import Household


def household(district, micro_label):
    return Household.objects.get(building__microgrid=district.units[micro_label])


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build(world):
    """``alone``: the special group of persons[0] (home A1-1-1). Households h11 (A1-1-1), h12 (A1-1-2,
    grid worker's grid), h21 (A1-2-1, grid_worker2's grid), hb (B1-1-1, another street)."""
    alone = SpecialGroup.objects.create(code="alone", name="独居老人")
    world.persons[0].special_groups.add(alone)
    return SimpleNamespace(
        d=world, staff=world.users["community_staff"], worker=world.users["grid_worker"],
        worker2=world.users["grid_worker2"], street=world.users["street_dispatcher"],
        admin=world.users["district_admin"], community=world.units["A1"], alone=alone,
        h11=household(world, "A1-1-1"), h12=household(world, "A1-1-2"), h21=household(world, "A1-2-1"),
        hb=household(world, "B1-1-1"), category=world.categories["community"])
