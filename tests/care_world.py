"""A small care world on the test district (tests/factories.py): 居民01 (persons[0], A1-1-1, the
``resident`` login) is an elderly person living alone with a daily phone plan made by the community
staff at 07:00 on 2 March 2026 (window 08:00–20:00); 居民02 (persons[1]) is the buddy with the
``buddy`` login; ``grid_worker`` (grid A1-1) is responsible; one guardian, the son."""
import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from gridgov.care.services import plans
from gridgov.core import clock
from gridgov.people.models import SpecialGroup

from .volunteering_world import person_user

START = dt.date(2026, 3, 2)
SON = "13912345678"


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    """A moment of March 2026, the district's local time."""
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def elderly_alone() -> SpecialGroup:
    """The group (seeded by a migration; made again after a transactional test's flush)."""
    return SpecialGroup.objects.get_or_create(code="elderly-alone", defaults={"name": "独居老人"})[0]


def build(district, *, method="phone", every_days=1, buddy_login=True):
    group = elderly_alone()
    person, buddy = district.persons[0], district.persons[1]
    person.special_groups.add(group)
    buddy_user = person_user(district, "buddy", buddy) if buddy_login else None
    staff, worker = district.users["community_staff"], district.users["grid_worker"]
    with clock.frozen(at(2, 7)):
        plan = plans.create_plan(staff, person=person, group=group, starts_on=START, every_days=every_days,
                                 window_start=dt.time(8), window_hours=12, method=method, buddy=buddy,
                                 grid_worker=worker, guardians=[("王小明", "儿子", SON)])
    return SimpleNamespace(d=district, group=group, person=person, buddy=buddy, buddy_user=buddy_user, staff=staff,
                           worker=worker, plan=plan, resident=district.users["resident"])
