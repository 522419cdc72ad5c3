"""Which steps of a project a user could take now: the same role and state checks the transitions
make, so pages and the API offer exactly what would be accepted (a decision still needs
deliberation's word, and a close enough responses: those the step itself checks)."""
from __future__ import annotations

from gridgov.core import clock

from ..models import FUNDABLE, Evaluation
from ..models import ProjectStatus as S
from .common import is_district, is_staff
from .delivery import SPENDING
from .evaluations import is_served
from .projects import window_ended

#: Staff steps by the states that allow them.
STAFF_STEPS = {
    "review": (S.PROPOSED,),
    "decide": (S.FEASIBLE,),
    "start": (S.APPROVED,),
    "fund": FUNDABLE,
    "spend": SPENDING,
    "milestone": (S.IN_PROGRESS,),
    "accept": (S.IN_PROGRESS,),
    "open_evaluation": (S.ACCEPTED,),
}


def project_actions(user, project) -> list[str]:
    steps = []
    if is_staff(user, project.community):
        steps = [name for name, states in STAFF_STEPS.items() if project.status in states]
        if project.status == S.FEASIBLE:
            steps += ["agenda", "matter"]
        if project.status in (S.EVALUATING, S.EVALUATED) and window_ended(project):
            steps.append("close")
    if project.status in (S.ACCEPTED, S.EVALUATING, S.EVALUATED) and is_district(user, project.community.district_code):
        steps.append("close_unevaluated")
    if may_evaluate(user, project):
        steps.append("evaluate")
    return steps


def may_evaluate(user, project) -> bool:
    person = getattr(user, "person", None) if user is not None else None
    household = getattr(person, "household", None)
    return (project.status == S.EVALUATING and not window_ended(project, clock.now()) and household is not None
            and is_served(project, household)
            and not Evaluation.objects.filter(project=project, household=household).exists())
