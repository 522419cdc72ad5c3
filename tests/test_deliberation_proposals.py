"""Micro-proposals: propose, support (once, not one's own, not withdrawn), the threshold, answer
(once, with a reason; merged names its target), publish separately, withdraw, raise cases."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.cases.services import filing
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.core.journal import verify
from gridgov.deliberation.actions import DeliberationAction as A
from gridgov.deliberation.models import CommunityThreshold, Proposal, ProposalStatus, Support
from gridgov.deliberation.services import notices, proposals

from . import deliberation_world as world
from .cases_world import IN_A1_1
from .deliberation_world import english  # noqa: F401 — autouse


@pytest.fixture
def w(district):
    return world.build(district)


def _proposal(w, **kw):
    return proposals.propose(w.resident, title="楼道加装扶手", description="老人上下楼不便", **kw)


def test_resident_proposes_for_their_community_or_grid(w):
    p = _proposal(w)
    assert (p.community, p.unit, p.author, p.status) == (w.community, w.community, w.person, ProposalStatus.OPEN)
    grid = w.d.units["A1-1"]
    assert _proposal(w, unit=grid).unit == grid
    with pytest.raises(ValidationError):
        _proposal(w, unit=w.d.units["A1-2"])  # not the resident's grid
    with pytest.raises(ValidationError):
        _proposal(w, compound=w.d.units["compound B1-1"])
    assert _proposal(w, compound=w.d.units["compound A1-2"]).unit == w.d.units["A1-2"]
    assert list(p.journal.values_list("action", flat=True)) == [A.PROPOSE]


def test_grid_worker_records_a_proposal_for_a_resident_of_their_grid_only(w):
    worker = w.d.users["grid_worker"]
    p = proposals.propose(worker, title="修路灯", author=w.person)
    assert (p.author, p.recorded_by) == (w.person, worker)
    with pytest.raises(PermissionDenied):
        proposals.propose(worker, title="修路灯", author=w.people[2])  # lives in grid A1-2
    with pytest.raises(PermissionDenied):
        proposals.propose(w.users[1], title="x", author=w.person)  # a neighbour is not a grid worker


def test_supports_count_once_each_and_reach_the_threshold(w):
    CommunityThreshold.objects.create(community=w.community, support_threshold=2)
    p = _proposal(w)
    p = proposals.support(w.users[1], p)
    assert (p.support_count, p.status) == (1, ProposalStatus.OPEN)
    with pytest.raises(ValidationError, match="already supported"):
        proposals.support(w.users[1], p)
    p = proposals.support(w.users[2], p)
    assert (p.support_count, p.status) == (2, ProposalStatus.ON_AGENDA) and p.threshold_at
    assert Support.objects.filter(proposal=p).count() == 2
    assert list(p.journal.values_list("action", flat=True)) == [A.PROPOSE, A.SUPPORT, A.SUPPORT, A.THRESHOLD]
    assert verify(p)
    [(staff, text)] = notices.recipients(p, A.THRESHOLD)
    assert staff == [w.staff] and p.title in text


def test_support_refusals_change_nothing(w):
    p = _proposal(w)
    with pytest.raises(ValidationError, match="own"):
        proposals.support(w.resident, p)
    outsider = world.person_user(w.d, "b1", w.d.persons[8])  # street B
    with pytest.raises(NotFound):
        proposals.support(outsider, p)
    proposals.withdraw(w.resident, p, "已解决")
    with pytest.raises(InvalidTransition, match="withdrawn"):
        proposals.support(w.users[1], p)
    assert Proposal.objects.get(pk=p.pk).support_count == 0 and not Support.objects.exists()


def test_district_threshold_applies_without_a_community_override(w):
    p = _proposal(w)
    for user in w.users[1:]:
        p = proposals.support(user, p)
    assert p.status == ProposalStatus.OPEN  # the default district threshold is 10


def test_answer_once_with_reason_and_publish_separately(w):
    p = proposals.support(w.users[1], _proposal(w))
    with pytest.raises(ValidationError):
        proposals.answer(w.staff, p, answer="accepted", reason="  ")
    with pytest.raises(PermissionDenied):
        proposals.answer(w.resident, p, answer="accepted", reason="好")
    p = proposals.answer(w.staff, p, answer="accepted", reason="纳入本季度微实事")
    assert p.status == ProposalStatus.ANSWERED
    assert proposals.shown_answer(w.staff, p) and not proposals.shown_answer(w.resident, p)
    with pytest.raises(InvalidTransition, match="already been answered"):
        proposals.answer(w.staff, p, answer="not_accepted", reason="改主意")
    with pytest.raises(InvalidTransition):
        proposals.support(w.users[2], p)
    with pytest.raises(InvalidTransition):
        proposals.withdraw(w.resident, p)
    assert notices.recipients(p, A.ANSWER) == []
    p = proposals.publish_answer(w.staff, p)
    assert p.status == ProposalStatus.PUBLISHED and proposals.shown_answer(w.resident, p)
    author, supporters = notices.recipients(p, A.PUBLISH_ANSWER)
    assert author[0] == [w.resident] and supporters[0] == [w.users[1]]
    with pytest.raises(InvalidTransition):
        proposals.publish_answer(w.staff, p)
    p = proposals.mark_implemented(w.staff, p, "已安装")
    assert p.status == ProposalStatus.IMPLEMENTED


def test_merge_needs_a_live_target_of_the_same_community(w):
    a, b = _proposal(w), _proposal(w)
    with pytest.raises(ValidationError, match="Name the proposal"):
        proposals.answer(w.staff, a, answer="merged", reason="重复")
    with pytest.raises(ValidationError):
        proposals.answer(w.staff, a, answer="merged", reason="重复", merged_into=a)
    a = proposals.answer(w.staff, a, answer="merged", reason="重复", merged_into=b)
    assert a.merged_into == b
    with pytest.raises(ValidationError):
        proposals.answer(w.staff, b, answer="accepted", reason="x", merged_into=a)


def test_only_the_author_withdraws_and_only_before_an_answer(w):
    p = _proposal(w)
    with pytest.raises(PermissionDenied):
        proposals.withdraw(w.users[1], p)
    p = proposals.withdraw(w.resident, p, "不需要了")
    assert p.status == ProposalStatus.WITHDRAWN
    with pytest.raises(InvalidTransition, match="withdrawn"):
        proposals.answer(w.staff, p, answer="accepted", reason="好")


def test_cases_are_raised_as_one_proposal(w, world):
    cases = [filing.report(district=world.units["district"], channel="app", title=f"暴露垃圾{i}",
                           category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1],
                           reporter=w.person, reported_by=w.resident) for i in range(2)]
    p = proposals.propose_from_cases(w.staff, [c.code for c in cases])
    assert p.case_codes == sorted(c.code for c in cases) and p.community == w.community
    assert cases[0].code in p.description
    with pytest.raises(NotFound):
        proposals.propose_from_cases(w.staff, ["NO-SUCH-CASE"])
    with pytest.raises(ValidationError):
        proposals.propose_from_cases(w.staff, [])
    outsider = world.users["grid_worker2"]  # grid A1-2 cannot see grid A1-1's cases
    with pytest.raises(NotFound):
        proposals.propose_from_cases(outsider, [cases[0].code])


def test_thresholds_and_settings_are_kept_by_the_right_people(w):
    from gridgov.deliberation.models import DeliberationSettings
    from gridgov.deliberation.services import setup
    from gridgov.deliberation.services.common import threshold_for

    assert threshold_for(w.community) == 10
    setup.configure(w.d.users["district_admin"], w.d.units["district"],
                    support_threshold=6, display_days=10)
    assert threshold_for(w.community) == 6 and DeliberationSettings.objects.get().display_days == 10
    with pytest.raises(PermissionDenied):
        setup.configure(w.staff, w.d.units["district"], support_threshold=2)
    with pytest.raises(ValidationError):
        setup.configure(None, w.d.units["district"], display_days=0)
    setup.set_threshold(w.staff, w.community, 2)
    assert threshold_for(w.community) == 2 and threshold_for(w.d.units["A2"]) == 6
    with pytest.raises(PermissionDenied):
        setup.set_threshold(w.resident, w.community, 1)
    with pytest.raises(ValidationError):
        setup.set_threshold(w.staff, w.community, 0)
    setup.set_threshold(w.staff, w.community, None)
    assert threshold_for(w.community) == 6
    with pytest.raises(ValidationError):
        setup.add_to_roster(w.staff, w.community, "representatives", w.d.persons[8])  # lives in B1
