"""Residents' evaluation of a project (one per household of the served area, score 1–5), the window
that closes by itself (the worker), the reminder, and the rankings.

**Rankings** use a Bayesian average so that one enthusiastic household does not outrank fifty
satisfied ones: ``(C × m + Σ scores) ÷ (C + n)``, where ``n`` is the project's responses, ``m`` the
mean score of every evaluation of the projects ranked together, and ``C`` the district's minimum
number of responses (a project is pulled towards the common mean as if it had ``C`` average
responses more). Projects without any evaluation are not ranked.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, Sum
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.structure.codes import ancestor_codes, subtrees_q
from gridgov.structure.models import Household

from ..actions import MicroprojectAction as A
from ..models import Evaluation, Project
from ..models import ProjectStatus as S
from .common import plain, settings_for
from .projects import require, step, transition, window_ended


def served_households(project):
    """The households of the project's served area: in its compounds, or in its units' subtrees."""
    codes = list(project.served_units.values_list("code", flat=True))
    compounds = project.served_compounds.values("pk")
    return Household.objects.filter(Q(building__compound__in=compounds) | subtrees_q("building__microgrid__code", codes))


def serving(household) -> Q:
    """Projects whose served area holds ``household``: one of its units above the household's
    micro-grid, or its compound."""
    code = household.building.microgrid.code
    return (Q(pk__in=Project.served_units.through.objects.filter(unit__code__in=[*ancestor_codes(code), code])
              .values("project"))
            | Q(pk__in=Project.served_compounds.through.objects.filter(compound=household.building.compound_id)
                .values("project")))


def is_served(project, household) -> bool:
    return household is not None and Project.objects.filter(serving(household), pk=project.pk).exists()


@transition
def _evaluate(actor, project, score, comment, made):
    person = getattr(actor, "person", None)
    household = person.household if person is not None else None
    if household is None or not is_served(project, household):
        raise PermissionDenied(_("Only households of the area the project serves may evaluate it."))
    require(project, S.EVALUATING, message=_("The project is not open for evaluation."))
    if window_ended(project):
        raise InvalidTransition(_("The evaluation window has ended."))
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(_("The score is a whole number from 1 to 5."))
    comment = plain(comment, _("Comment"), 500)
    if Evaluation.objects.filter(project=project, household=household).exists():
        raise ValidationError(_("Your household has already evaluated this project."))
    try:
        with transaction.atomic():
            made.append(Evaluation.objects.create(project=project, household=household, person=person, score=score,
                                                  comment=comment, at=clock.now()))
    except IntegrityError:
        raise ValidationError(_("Your household has already evaluated this project.")) from None
    step(project, actor, A.EVALUATE, data={"score": score})


def evaluate(actor, project, *, score: int, comment: str = "") -> Evaluation:
    """A resident evaluates for their household (once per household, while the window is open)."""
    made: list[Evaluation] = []
    _evaluate(actor, project, score, comment, made)
    return made[0]


@transition
def _end(actor, project, now):
    if project.status == S.EVALUATING and window_ended(project, now):
        step(project, None, A.END_EVALUATION, S.EVALUATED, data={"responses": project.evaluations.count()})


@transition
def _remind(actor, project, now):
    if project.status == S.EVALUATING and not project.reminded:
        project.reminded = True
        step(project, None, A.REMIND, data={"responses": project.evaluations.count()})


def tick(now=None) -> dict:
    """The worker's round: end the windows that have closed; remind the served households once, half
    way through a window, when fewer than the minimum have answered. Idempotent: an ended window or a
    sent reminder is not done again."""
    now = now or clock.now()
    ended = reminded = 0
    for project in Project.objects.filter(status=S.EVALUATING, evaluation_closes_at__lte=now).order_by("pk"):
        _end(None, project, now)
        ended += 1
    waiting = (Project.objects.filter(status=S.EVALUATING, reminded=False, evaluation_closes_at__gt=now)
               .annotate(n=Count("evaluations")))
    for project in waiting:
        half = project.evaluation_opens_at + (project.evaluation_closes_at - project.evaluation_opens_at) / 2
        if now >= half and project.n < (project.min_responses or 1):
            _remind(None, project, now)
            reminded += 1
    return {"ended": ended, "reminded": reminded}


@dataclass(frozen=True)
class Ranked:
    project: Project
    responses: int
    mean: float
    score: float


def rankings(projects, district_code: str) -> list[Ranked]:
    """The projects with at least one evaluation, best first by Bayesian average (module docstring)."""
    rows = list(projects.annotate(n=Count("evaluations"), total=Sum("evaluations__score"))
                .filter(n__gt=0).select_related("community"))
    if not rows:
        return []
    prior_mean = Evaluation.objects.filter(project__in=[row.pk for row in rows]).aggregate(m=Avg("score"))["m"]
    weight = settings_for(district_code).min_responses
    ranked = [Ranked(row, row.n, round(row.total / row.n, 2),
                     round((weight * prior_mean + row.total) / (weight + row.n), 3)) for row in rows]
    return sorted(ranked, key=lambda r: (-r.score, -r.responses, r.project.pk))
