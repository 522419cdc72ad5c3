"""A small deliberation world on the test district (tests/factories.py): community A1 with four
residents holding accounts, its two committees' list, its representatives' list, a party branch with
members, and helpers to hold a meeting and run a matter up to any step."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock
from gridgov.deliberation.models import STEPS, NoticeKind, Roster, RosterMember, Step
from gridgov.deliberation.services import matters, meetings
from gridgov.people.models import Person
from gridgov.structure.models import PartyMembership, PartyOrg

from .factories import PASSWORD


def person_user(district, username, person, role=Role.RESIDENT):
    user = User.objects.create_user(username, password=PASSWORD)
    RoleAssignment.objects.create(user=user, role=role, unit=person.unit)
    person.user = user
    person.save()
    district.users[username] = user
    return user


def build(district):
    """Residents r0 (the fixture's ``resident``), r1–r3 of A1 (A1's four people, two per grid); five
    extra people of A1 on the lists: committee = 3 people, representatives = 5 people, party
    branch = 3 members."""
    community = district.units["A1"]
    people = [p for p in district.persons if p.unit.code.startswith(community.code)]
    users = [district.users["resident"]] + [person_user(district, f"r{i}", people[i]) for i in range(1, len(people))]
    extra = [Person.objects.create(name=f"代表{i}", gender="F", unit=people[i % len(people)].unit) for i in range(5)]
    for person in people[:3]:
        RosterMember.objects.create(community=community, roster=Roster.COMMITTEE, person=person)
    for person in [*people, extra[0]]:
        RosterMember.objects.create(community=community, roster=Roster.REPRESENTATIVES, person=person)
    branch = PartyOrg.objects.get(name="A1-1网格党支部")
    for person in people[:3]:
        PartyMembership.objects.create(org=branch, person=person)
    return SimpleNamespace(d=district, staff=district.users["community_staff"], community=community, people=people,
                           users=users, extra=extra, branch=branch, resident=users[0], person=people[0])


def meeting(w, kind, *, days=0, title="会议"):
    start = clock.now() + dt.timedelta(days=days)
    return meetings.schedule(w.staff, community=w.community, kind=kind, title=title, starts_at=start, place="会议室")


def hold_vote(w, kind, subject_ref, *, attendees, votes, title="议题"):
    """Schedule and open a meeting of ``kind``, check ``attendees`` in (by the staff), put an item
    about ``subject_ref`` on it, record ``votes`` (choices, in the order of ``attendees``), resolve."""
    m = meeting(w, kind, title=title)
    item = meetings.add_agenda_item(w.staff, m, title=title, subject_ref=subject_ref)
    meetings.open_meeting(w.staff, m)
    for person in attendees:
        meetings.check_in(w.staff, m, person)
    for person, choice in zip(attendees, votes, strict=False):
        meetings.vote(w.staff, m, item, choice, person)
    return meetings.resolve_item(w.staff, m, item, text="决议")


STEP_KIND = {Step.DISCUSSED: "committees", Step.DELIBERATED: "party", Step.RESOLVED: "representatives"}


def run_matter(w, *, until=Step.CLOSED, title="小区加装电梯", matter=None):
    """Open a matter (or take ``matter`` on from its step) through the steps up to ``until`` with
    passing votes."""
    matter = matter or matters.open_matter(w.staff, community=w.community, title=title, subject_ref="")
    for step in list(Step)[1:]:
        if matter.step == until:
            break
        if STEPS.index(step) <= STEPS.index(matter.step):
            continue
        if step == Step.PROPOSED:
            matter = matters.advance(w.staff, matter, party_org=w.branch)
        elif step in STEP_KIND:
            ids = {Step.DISCUSSED: w.people[:3], Step.DELIBERATED: w.people[:3], Step.RESOLVED: w.people}[step]
            resolution = hold_vote(w, STEP_KIND[step], matter.ref, attendees=ids, votes=["for"] * len(ids))
            matter = matters.advance(w.staff, matter, resolution=resolution)
        elif step == Step.PUBLISHED:
            matter = matters.publish(w.staff, matter, kind=NoticeKind.RESOLUTION, text="决议公开")
        elif step == Step.RESULT_PUBLISHED:
            matter = matters.publish(w.staff, matter, kind=NoticeKind.RESULT, text="结果公开",
                                     completed_on=timezone.localdate(clock.now()))
        else:
            matter = matters.advance(w.staff, matter)
    return matter


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English words, whatever ran before in the worker."""
    with translation.override("en"):
        yield
