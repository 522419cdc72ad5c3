"""A small 双报到 world for the reportin tests: the test district (``tests/factories.py``), a liaison
account at community A1, party members in A1, and a stand-in for volunteering's service records
(``FakeRecords``: lines per person, from which the summaries are worked out as volunteering does)."""
import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.reportin.services import records
from gridgov.structure.models import PartyMembership, PartyOrg

from .factories import PASSWORD


@dataclass(frozen=True)
class Summary:
    person_id: int
    services: int
    minutes: int
    rated: int
    rating_mean: float | None


@dataclass(frozen=True)
class Line:
    day: dt.date
    title: str
    community: str
    minutes: int
    rating: int | None


class FakeRecords:
    """Verified service lines per person, and volunteers registered, in place of volunteering."""

    def __init__(self):
        self.lines: dict[int, list[Line]] = {}
        self.volunteers: list[tuple] = []

    def add(self, person, day, minutes, rating=None, title="助老陪护"):
        self.lines.setdefault(person.pk, []).append(Line(day, title, "A1社区", minutes, rating))

    def records_of(self, person_id, start, end):
        return [line for line in self.lines.get(person_id, []) if start <= line.day <= end]

    def summaries(self, person_ids, start, end):
        out = {}
        for pk in person_ids:
            lines = self.records_of(pk, start, end)
            rated = [line.rating for line in lines if line.rating is not None]
            out[pk] = Summary(pk, len(lines), sum(line.minutes for line in lines), len(rated),
                              sum(rated) / len(rated) if rated else None)
        return out

    def register_volunteer(self, actor, person, *, community, party_org_name=""):
        self.volunteers.append((person.pk, community.code, party_org_name))


def install(monkeypatch) -> FakeRecords:
    fake = FakeRecords()
    monkeypatch.setattr(records, "summaries", fake.summaries)
    monkeypatch.setattr(records, "records_of", fake.records_of)
    monkeypatch.setattr(records, "register_volunteer", fake.register_volunteer)
    return fake


def user(username, role, unit, person=None):
    account = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=account, role=role, unit=unit)
    if person is not None:
        person.user = account
        person.save()
    return account


def party_members(district):
    """persons[0..3] live in community A1; make 1–3 party members (through a branch), and 4 (in A2) too."""
    org = PartyOrg.objects.create(kind="branch", name="A1社区党支部", unit=district.units["A1"])
    for person in district.persons[1:5]:
        PartyMembership.objects.create(org=org, person=person)
    return district.persons[1:5]


def staff(district):
    return district.users["community_staff"]


def liaison(district, name="liaison"):
    return user(name, Role.UNIT_LIAISON, district.units["A1"])
