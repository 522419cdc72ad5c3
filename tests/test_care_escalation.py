"""The escalation ladder: a missed check-in climbs buddy → grid worker → community staff →
guardians on the district's hours, each step journaled once and told through the notices; a worker
that crashes before or after recording a step resumes without skipping or repeating one; someone
resolves it."""
import pytest
from django.core.exceptions import ValidationError

from gridgov.care.actions import CareAction
from gridgov.care.models import CareSettings, Escalation, EscalationEntry
from gridgov.care.services import escalations, notices, watch
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition

from . import care_world as cw
from .care_world import at


def _steps(escalation) -> list[tuple[str, int, object]]:
    return [(e.action, e.data.get("step"), e.at) for e in EscalationEntry.objects.filter(escalation=escalation)
            .order_by("seq")]


def test_a_missed_check_in_climbs_the_ladder_on_the_districts_hours(district):
    cw.build(district)
    CareSettings.objects.create(district_code="510113", buddy_hours=1, grid_hours=2, staff_hours=3)
    watch.tick(at(2, 20, 30))  # the window closed at 20:00
    escalation = Escalation.objects.get()
    assert (escalation.reason, escalation.step, escalation.opened_at) == ("missed", 1, at(2, 20))
    watch.tick(at(2, 21, 30))
    assert Escalation.objects.get().step == 2
    watch.tick(at(3, 2))  # staff due at 23:00, guardians at 02:00
    assert _steps(escalation) == [("open", 1, at(2, 20)), ("escalate", 2, at(2, 21)), ("escalate", 3, at(2, 23)),
                                  ("escalate", 4, at(3, 2))]
    watch.tick(at(4, 2))
    assert EscalationEntry.objects.filter(escalation=escalation).count() == 4  # the last step waits
    assert journal.verify(escalation)


def test_who_is_told_at_each_step(district):
    w = cw.build(district, buddy_login=False)
    watch.tick(at(2, 20, 1))
    escalation = Escalation.objects.get()
    assert notices.recipients(escalation, CareAction.OPEN)[0][0] == []  # no login: the buddy gets an SMS
    assert [phone for phone, _text in notices.sms(escalation, CareAction.OPEN)] == [w.buddy.phone]
    told = {}
    watch.tick(at(3, 11))  # defaults: grid worker at 22:00, staff at 02:00, guardians at 10:00
    for entry in EscalationEntry.objects.filter(escalation=escalation, action="escalate").order_by("seq"):
        escalation.step = entry.data["step"]
        told[escalation.step] = ([u.username for u in notices.recipients(escalation, "escalate")[0][0]],
                                 [phone for phone, _ in notices.sms(escalation, "escalate")])
    assert told == {2: (["grid_worker"], []), 3: (["community_staff"], []), 4: ([], [cw.SON])}


def test_resolution_is_told_to_those_told_before(district):
    w = cw.build(district)
    watch.tick(at(3, 1))  # missed at 20:00, buddy 2 h, grid worker 4 h: at the grid worker's step
    escalation = Escalation.objects.get()
    assert escalation.step == 2
    with clock.frozen(at(3, 1, 30)):
        resolved = escalations.resolve(w.worker, escalation, outcome="needs_help", need="需要送餐", note="在家，腿疼")
    assert (resolved.status, resolved.need, resolved.resolved_by) == ("resolved", "需要送餐", w.worker)
    users, _text = notices.recipients(resolved, CareAction.RESOLVE)[0]
    assert [u.username for u in users] == ["buddy", "grid_worker"]
    watch.tick(at(4, 1))
    assert Escalation.objects.get(check_in__seq=1).step == 2  # resolved: the ladder stops
    with clock.frozen(at(3, 2)), pytest.raises(InvalidTransition):
        escalations.resolve(w.worker, resolved, outcome="well")


def test_resolving_needs_an_outcome_and_a_need_for_needs_help(district):
    w = cw.build(district)
    watch.tick(at(2, 21))
    escalation = Escalation.objects.get()
    with clock.frozen(at(2, 22)):
        for wrong in ({"outcome": "maybe"}, {"outcome": "needs_help", "need": ""}):
            with pytest.raises(ValidationError):
                escalations.resolve(w.buddy_user, escalation, **wrong)
    assert Escalation.objects.get().status == "open"


def test_a_worker_killed_before_recording_a_step_does_it_on_the_next_run(district, monkeypatch):
    cw.build(district)
    watch.tick(at(2, 20, 1))
    real = journal.append

    def crash(subject, actor, action, **kwargs):
        if action == CareAction.ESCALATE:
            raise SystemExit("killed")  # the step's transaction is rolled back
        return real(subject, actor, action, **kwargs)

    monkeypatch.setattr(journal, "append", crash)
    with pytest.raises(SystemExit):
        watch.tick(at(3, 5))
    assert Escalation.objects.get().step == 1 and EscalationEntry.objects.count() == 1
    monkeypatch.setattr(journal, "append", real)
    watch.tick(at(3, 5))
    assert [step for _a, step, _at in _steps(Escalation.objects.get())] == [1, 2, 3]


def test_a_worker_killed_after_recording_a_step_resumes_without_repeating_it(district, monkeypatch):
    cw.build(district)
    watch.tick(at(2, 20, 1))
    real = escalations.advance

    def advance_then_die(actor, escalation, now):
        real(actor, escalation, now)
        raise SystemExit("killed")  # the step committed; the worker dies before the next

    monkeypatch.setattr(escalations, "advance", advance_then_die)
    with pytest.raises(SystemExit):
        watch.tick(at(3, 5))
    assert Escalation.objects.get().step == 2
    monkeypatch.setattr(escalations, "advance", real)
    watch.tick(at(3, 5))
    watch.tick(at(3, 5))
    escalation = Escalation.objects.get()
    assert _steps(escalation) == [("open", 1, at(2, 20)), ("escalate", 2, at(2, 22)), ("escalate", 3, at(3, 2))]
    assert journal.verify(escalation)


def test_the_buddy_and_worker_are_told_of_a_new_plan_and_sms_on_resolution(district):
    w = cw.build(district, buddy_login=False)
    users, text = notices.recipients(w.plan, CareAction.CREATE)[0]
    assert users == [w.worker] and w.person.name in text
    assert notices.recipients(w.plan, CareAction.PAUSE) == [] and notices.sms(w.plan, CareAction.CREATE) == []
    watch.tick(at(3, 11))  # at the guardians' step
    escalation = Escalation.objects.get(check_in__seq=1)
    with clock.frozen(at(3, 12)):
        resolved = escalations.resolve(w.worker, escalation, outcome="hospital", note="已送区医院")
    assert sorted(phone for phone, _text in notices.sms(resolved, CareAction.RESOLVE)) == sorted([w.buddy.phone, cw.SON])
    users, _text = notices.recipients(resolved, CareAction.RESOLVE)[0]
    assert [u.username for u in users] == ["grid_worker", "community_staff"]  # the buddy has no login
