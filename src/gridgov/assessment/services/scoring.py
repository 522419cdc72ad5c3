"""The composite score and its grade.

A score is the weighted mean of chosen rate figures, each turned into points out of 100 (a rate
where lower is better, such as the return rate, counts as 100 − rate). Figures with no data in the
period are left out and the remaining weights re-normalised, so a community with no ratings is not
scored 0 on satisfaction. A rate resting on fewer than ``MIN_SAMPLE`` cases is left out the same
way: two cases make a 100% or a 0% that says nothing about the work, and a grade (or a place on the
black list) built on it would be unfair; with no rate left there is no score, so no grade. Weights
are set district by district; the defaults and why are in docs/assessment.md. Grades follow
GB/T 30428: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ScoreWeight
from .figures import BY_KEY, RATES

SUBJECTS = ("unit", "department", "worker")
DEFAULT_WEIGHTS = {
    "unit": {"response_rate": 20, "closure_rate": 15, "on_time_rate": 25, "satisfaction_rate": 25,
             "return_rate": 5, "rework_rate": 10},
    # A department is also called in by whistles (吹哨报到): reporting in on time weighs as much as
    # closing on time, so one answering a quarter of its whistles on time cannot rank A (85.0 at best).
    "department": {"response_rate": 15, "closure_rate": 10, "on_time_rate": 20, "satisfaction_rate": 20,
                   "return_rate": 10, "rework_rate": 5, "whistle_on_time_rate": 20},
    # Seed 004: report quality, response speed, resolution efficiency, residents' satisfaction.
    "worker": {"valid_report_rate": 25, "response_rate": 25, "on_time_rate": 25, "satisfaction_rate": 25},
}
GRADES = [(90, "A"), (75, "B"), (60, "C"), (40, "D")]
#: The fewest cases a rate must rest on to count towards a score.
MIN_SAMPLE = 5


def weights(district_code: str, subject: str) -> dict[str, int]:
    rows = dict(ScoreWeight.objects.filter(district_code=district_code, subject=subject)
                .values_list("figure", "weight"))
    return rows or dict(DEFAULT_WEIGHTS[subject])


@transaction.atomic
def set_weights(district_code: str, subject: str, new: dict[str, int]) -> dict[str, int]:
    """Replace a district's weights for one kind of subject; refused whole if any entry is wrong."""
    if subject not in SUBJECTS:
        raise ValidationError(_("Weights are set for units, departments or grid workers."), code="subject")
    cleaned = {}
    for figure, weight in new.items():
        if figure not in RATES:
            raise ValidationError(_("“%(figure)s” is not a rate figure that can be weighted.") % {"figure": figure},
                                  code="figure")
        try:
            weight = int(weight)
        except (TypeError, ValueError):
            weight = -1
        if not 0 <= weight <= 100:
            raise ValidationError(_("A weight is a whole number from 0 to 100."), code="weight")
        if weight:
            cleaned[figure] = weight
    if not cleaned:
        raise ValidationError(_("Give at least one figure a weight above 0."), code="weight")
    ScoreWeight.objects.filter(district_code=district_code, subject=subject).delete()
    ScoreWeight.objects.bulk_create([ScoreWeight(district_code=district_code, subject=subject, figure=f, weight=w)
                                     for f, w in cleaned.items()])
    return cleaned


def points(figure: str, value: float) -> float:
    return value if BY_KEY[figure].higher_is_better else 100 - value


def counted(figures: dict, key: str) -> bool:
    """Whether a figure counts towards the score: it has data, on at least ``MIN_SAMPLE`` cases
    when the figures say how many (values given by hand, without ``samples``, count as they are)."""
    if figures.get(key) is None:
        return False
    samples = getattr(figures, "samples", None)
    return samples is None or samples.get(key, MIN_SAMPLE) >= MIN_SAMPLE


def score(figures: dict, chosen: dict[str, int]) -> float | None:
    """The weighted mean of the chosen figures' points; None when none of them counts."""
    used = {f: w for f, w in chosen.items() if counted(figures, f)}
    total = sum(used.values())
    if not total:
        return None
    return round(sum(points(f, figures[f]) * w for f, w in used.items()) / total, 1)


def grade(value: float | None) -> str:
    if value is None:
        return ""
    for bound, letter in GRADES:
        if value >= bound:
            return letter
    return "E"
