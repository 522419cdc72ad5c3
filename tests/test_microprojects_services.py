"""The micro-project rules, each tried and refused where the brief says so (docs/microprojects.md)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.microprojects.models import FundingLine, NeedStatus, Project, ProjectEntry
from gridgov.microprojects.services import delivery, evaluations, lists, projects

from . import microprojects_world as mw


@pytest.fixture(autouse=True)
def english():
    """The refusals are matched by their English words."""
    with translation.override("en"):
        yield


@pytest.fixture
def w(district):
    return mw.build(district)


@pytest.fixture
def decision(monkeypatch):
    return mw.Decision(monkeypatch)


def test_a_project_from_need_to_closing_is_journaled(w, decision):
    mw.set_rules(w, minimum=2)
    need = mw.need(w)
    project = mw.run(w, decision, needs=[need])
    assert project.status == "closed" and project.closure == "evaluated"
    need.refresh_from_db()
    assert need.status == NeedStatus.IN_PROJECT
    actions = list(ProjectEntry.objects.filter(project=project).values_list("action", flat=True))
    assert actions == ["propose", "review", "decide", "start", "fund", "accept", "open_evaluation", "evaluate",
                       "evaluate", "end_evaluation", "close"]
    assert journal.verify(project)
    assert project.decision_route == "meeting"


def test_review_needs_a_reason_and_a_rejection_gives_the_needs_back(w):
    need = mw.need(w)
    project = mw.propose(w, needs=[need])
    with pytest.raises(ValidationError):
        projects.review(w.staff, project, feasible=True, reason="  ")
    assert Project.objects.get(pk=project.pk).status == "proposed"
    projects.review(w.staff, project, feasible=False, reason="场地不具备")
    need.refresh_from_db()
    assert Project.objects.get(pk=project.pk).status == "rejected" and need.status == NeedStatus.OPEN
    with pytest.raises(InvalidTransition):
        projects.review(w.staff, project, feasible=True, reason="再议")


def test_deciding_needs_a_passing_resolution(w, decision):
    project = mw.run(w, decision, until="feasible")
    with pytest.raises(ValidationError, match="resolution"):
        projects.decide(w.staff, project, approve=True)
    decision.pass_meeting(project, passed=False)
    with pytest.raises(ValidationError):
        projects.decide(w.staff, project, approve=True)
    assert Project.objects.get(pk=project.pk).status == "feasible"
    decision.pass_meeting(project)
    project = projects.decide(w.staff, project, approve=True)
    assert project.status == "approved" and project.decision_route == "meeting"


def test_a_large_project_needs_a_published_matter_resolution(w, decision):
    mw.set_rules(w, threshold="100000")
    project = mw.run(w, decision, until="feasible", budget="100000")
    decision.pass_meeting(project)  # a meeting is not enough from the threshold up
    with pytest.raises(ValidationError, match="四议两公开"):
        projects.decide(w.staff, project, approve=True)
    decision.publish_matter(project, published=False)
    with pytest.raises(ValidationError):
        projects.decide(w.staff, project, approve=True)
    decision.publish_matter(project)
    project = projects.decide(w.staff, project, approve=True)
    assert project.status == "approved" and project.decision_route == "matter"


def test_not_approving_needs_a_reason(w, decision):
    need = mw.need(w)
    project = mw.run(w, decision, until="feasible", needs=[need])
    with pytest.raises(ValidationError):
        projects.decide(w.staff, project, approve=False)
    project = projects.decide(w.staff, project, approve=False, note="资金不足")
    need.refresh_from_db()
    assert project.status == "not_approved" and need.status == NeedStatus.OPEN


def test_spending_beyond_a_line_is_refused_by_the_service_and_the_database(w, decision):
    project = mw.run(w, decision, until="in_progress", line="")
    line = delivery.add_line(w.staff, project, source="community", allocated=Decimal("1000"))
    delivery.spend(w.staff, line, amount=Decimal("600"), evidence="发票 001")
    with pytest.raises(ValidationError, match="400"):
        delivery.spend(w.staff, line, amount=Decimal("400.01"), evidence="发票 002")
    line.refresh_from_db()
    assert line.spent == Decimal("600") and line.spends.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingLine.objects.filter(pk=line.pk).update(spent=Decimal("1000.01"))
    delivery.spend(w.staff, line, amount=Decimal("400"), evidence="发票 003")
    line.refresh_from_db()
    assert line.spent == line.allocated


def test_allocations_stay_within_the_budget_and_spending_waits_for_the_start(w, decision):
    project = mw.run(w, decision, until="approved", budget="10000")
    line = delivery.add_line(w.staff, project, source="street", allocated=Decimal("6000"))
    with pytest.raises(ValidationError, match="budget"):
        delivery.add_line(w.staff, project, source="pledge", allocated=Decimal("4000.01"))
    with pytest.raises(InvalidTransition):
        delivery.spend(w.staff, line, amount=Decimal("1"), evidence="发票")
    with pytest.raises(ValidationError):
        delivery.add_line(w.staff, project, source="lottery", allocated=Decimal("1"))


def test_milestones_move_progress_forward_with_a_real_photo(w, decision):
    project = mw.run(w, decision, until="in_progress")
    delivery.add_milestone(w.staff, project, title="材料进场", progress=40)
    with pytest.raises(InvalidTransition):
        delivery.add_milestone(w.staff, project, title="倒退", progress=30)
    fake = SimpleUploadedFile("x.php", b"<?php echo 1; ?>", content_type="image/png")
    with pytest.raises(ValidationError, match="is not an image"):
        delivery.add_milestone(w.staff, project, title="完工", progress=90, photo=fake)
    assert Project.objects.get(pk=project.pk).progress == 40


def test_only_served_households_evaluate_once_each_inside_the_window(w, decision):
    project = mw.run(w, decision, until="accepted")
    with pytest.raises(InvalidTransition):
        evaluations.evaluate(w.resident, project, score=5)
    project = projects.open_evaluation(w.staff, project)
    with pytest.raises(PermissionDenied):  # res3 lives in grid A1-2, outside the served area
        evaluations.evaluate(w.res3, project, score=5)
    with pytest.raises(PermissionDenied):  # staff have no household
        evaluations.evaluate(w.staff, project, score=5)
    with pytest.raises(ValidationError):
        evaluations.evaluate(w.resident, project, score=6)
    evaluations.evaluate(w.resident, project, score=4, comment="扶手很结实")
    housemate = w.d.persons[4]
    housemate.household, housemate.unit = w.resident.person.household, w.resident.person.unit
    housemate.save()
    mate = mw.resident_login(w.d, "mate", housemate)
    with pytest.raises(ValidationError, match="already"):
        evaluations.evaluate(mate, project, score=1)
    with clock.frozen(project.evaluation_closes_at):
        with pytest.raises(InvalidTransition):
            evaluations.evaluate(w.res2, project, score=5)
    assert project.evaluations.count() == 1


def test_a_served_compound_lets_its_households_evaluate(w, decision):
    project = mw.run(w, decision, until="accepted", served_units=[], served_compounds=[w.compound2])
    project = projects.open_evaluation(w.staff, project)
    evaluations.evaluate(w.res3, project, score=3)
    with pytest.raises(PermissionDenied):
        evaluations.evaluate(w.resident, project, score=3)


def test_closing_waits_for_the_window_and_enough_responses(w, decision):
    mw.set_rules(w, minimum=3)
    project = mw.run(w, decision, until="evaluating")
    with pytest.raises(InvalidTransition, match="open until"):
        projects.close(w.staff, project)
    later = project.evaluation_closes_at + dt.timedelta(hours=1)
    with clock.frozen(later):
        with pytest.raises(ValidationError, match="2"):  # two responses of the three needed
            projects.close(w.staff, project)
        with pytest.raises(PermissionDenied):
            projects.close_unevaluated(w.staff, project, reason="回复不足")
        with pytest.raises(ValidationError):
            projects.close_unevaluated(w.admin, project, reason="")
        project = projects.close_unevaluated(w.admin, project, reason="服务区户数少，回复不足")
    assert project.status == "closed" and project.closure == "unevaluated"


def test_the_worker_ends_windows_and_reminds_once(w, decision):
    mw.set_rules(w, minimum=3, days=10)
    project = mw.run(w, decision, until="accepted")
    project = projects.open_evaluation(w.staff, project)
    opened = project.evaluation_opens_at
    assert evaluations.tick(now=opened + dt.timedelta(days=4)) == {"ended": 0, "reminded": 0}
    assert evaluations.tick(now=opened + dt.timedelta(days=6)) == {"ended": 0, "reminded": 1}
    assert evaluations.tick(now=opened + dt.timedelta(days=7)) == {"ended": 0, "reminded": 0}
    assert evaluations.tick(now=opened + dt.timedelta(days=10)) == {"ended": 1, "reminded": 0}
    assert evaluations.tick(now=opened + dt.timedelta(days=11)) == {"ended": 0, "reminded": 0}
    assert list(project.journal.values_list("action", flat=True))[-2:] == ["remind", "end_evaluation"]


def test_outsiders_may_not_act_on_a_community_project(w, decision):
    project = mw.propose(w)
    other = User.objects.create_user("other_staff", password="x")
    RoleAssignment.objects.create(user=other, role=Role.COMMUNITY_STAFF, unit=w.d.units["B1"])
    with pytest.raises(NotFound):  # staff of another community do not see it
        projects.review(other, project, feasible=True, reason="可行")
    with pytest.raises(PermissionDenied):  # residents see it but may not review it
        projects.review(w.resident, project, feasible=True, reason="可行")
    assert projects.review(w.street, project, feasible=True, reason="街道审核可行").status == "feasible"


def test_a_project_serves_and_meets_only_its_own_community(w):
    other_need = lists.create_need(w.street, community=w.d.units["A2"], title="A2 需求")
    with pytest.raises(ValidationError):
        mw.propose(w, needs=[other_need])
    with pytest.raises(ValidationError):
        mw.propose(w, served_units=[w.d.units["A2-1"]])
    with pytest.raises(ValidationError):
        mw.propose(w, served_units=[])
    with pytest.raises(ValidationError):
        mw.propose(w, budget="-5")
    assert not Project.objects.exists()


def test_rankings_use_a_bayesian_average(w, decision):
    mw.set_rules(w, minimum=2)
    one = mw.run(w, decision, until="evaluating", score=(5,), title="一户满分")
    two = mw.run(w, decision, until="evaluating", score=(4, 5), title="两户好评")
    three = mw.run(w, decision, until="evaluating", score=(2, 3), title="两户一般")
    ranked = evaluations.rankings(Project.objects.all(), "510113")
    # m = (5 + 4 + 5 + 2 + 3) / 5 = 3.8, C = 2: one (7.6 + 5) / 3 = 4.2, two (7.6 + 9) / 4 = 4.15,
    # three (7.6 + 5) / 4 = 3.15
    assert [(r.project.pk, r.score) for r in ranked] == [(one.pk, 4.2), (two.pk, 4.15), (three.pk, 3.15)]


def test_a_large_project_goes_to_a_real_matter_and_waits_for_its_published_resolution(w):
    """Through deliberation's own services (no stand-in): the matter opened is still a draft."""
    from gridgov.deliberation.services import public

    mw.set_rules(w, threshold="100000")
    project = mw.propose(w, budget="150000")
    projects.review(w.staff, project, feasible=True, reason="纳入改造计划")
    projects.start_matter(w.staff, project)
    matter = public.matter_for(project.ref)
    assert matter is not None and not matter.resolution_published
    with pytest.raises(ValidationError, match="四议两公开"):
        projects.decide(w.staff, project, approve=True)
    assert list(project.journal.values_list("action", flat=True))[-1] == "matter"


def test_a_real_meeting_resolution_approves_a_project(w):
    """Through deliberation's own services: a 逢十议事 meeting votes the project through."""
    from gridgov.deliberation.services import meetings

    project = mw.propose(w)
    projects.review(w.staff, project, feasible=True, reason="可行")
    meeting = meetings.schedule(w.staff, community=w.community, kind="tenth", title="逢十议事",
                                starts_at=clock.now())
    projects.put_on_agenda(w.staff, project, meeting)
    meeting = meetings.open_meeting(w.staff, meeting)
    item = meeting.items.get()
    assert item.subject_ref == project.ref
    with pytest.raises(ValidationError):  # no resolution yet
        projects.decide(w.staff, project, approve=True)
    for person in w.d.persons[:3]:
        meetings.check_in(w.staff, meeting, person)
        meetings.vote(w.staff, meeting, item, "for", person)
    meetings.resolve_item(w.staff, meeting, item, text="同意")
    project = projects.decide(w.staff, project, approve=True)
    assert project.status == "approved" and project.decision_route == "meeting"


def test_the_worker_job_is_registered():
    from gridgov.core import jobs

    assert "microprojects-evaluations" in jobs.registered()


def test_a_real_evidence_photo_is_stored_under_a_generated_name(w, decision, settings, tmp_path):
    import io

    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    photo = SimpleUploadedFile("evil.php", buffer.getvalue(), content_type="image/png")
    project = mw.run(w, decision, until="in_progress")
    milestone = delivery.add_milestone(w.staff, project, title="完工", progress=100, photo=photo)
    assert milestone.photo.name.endswith(".png") and "evil" not in milestone.photo.name
