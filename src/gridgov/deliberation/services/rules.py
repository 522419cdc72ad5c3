"""The rules of meetings and of 四议两公开, in one place: who is entitled to attend each kind of
meeting, which kinds need a quorum, the majority each needs, and which meeting each step needs.

- **Entitled**: 板凳议事 and 逢十议事 are open to every resident of the community (no list, no
  quorum); 两委会议 the two committees' members, 居民代表会议 the residents' representatives, 联席会
  the joint meeting's members (lists the community keeps, :class:`~..models.RosterMember`); 党员大会
  the members of the party organisations anchored in the community or below it.
- **Quorum**: a meeting with an entitlement list is quorate when more than half of those entitled
  are present; open meetings need none. No vote is cast or counted without it.
- **Majority**: an item passes when more than half of those *present* vote for it; at a
  residents' representatives' meeting more than half of those *entitled* must vote for it (the
  stricter rule of 村(居)民代表会议 decisions).
"""
from ..models import MeetingKind as K
from ..models import Roster, Step

#: The list each kind of meeting draws its entitled attendees from (the party members' meeting
#: reads the party organisations; the open kinds have none).
ROSTER_OF = {K.COMMITTEES: Roster.COMMITTEE, K.REPRESENTATIVES: Roster.REPRESENTATIVES, K.JOINT: Roster.JOINT}
OPEN_KINDS = frozenset({K.BENCH, K.TENTH})

#: The meeting whose passing resolution moves a matter *to* each step.
MEETING_FOR_STEP = {Step.DISCUSSED: K.COMMITTEES, Step.DELIBERATED: K.PARTY_MEMBERS, Step.RESOLVED: K.REPRESENTATIVES}


def needs_quorum(kind: str) -> bool:
    return kind not in OPEN_KINDS


def quorate(kind: str, present: int, entitled: int | None) -> bool:
    return not needs_quorum(kind) or (entitled is not None and present * 2 > entitled)


def passes(kind: str, votes_for: int, present: int, entitled: int | None) -> bool:
    base = entitled if kind == K.REPRESENTATIVES and entitled is not None else present
    return votes_for * 2 > base


def next_step(step: str) -> Step | None:
    steps = list(Step)
    index = steps.index(Step(step))
    return steps[index + 1] if index + 1 < len(steps) else None
