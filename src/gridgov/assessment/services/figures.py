"""The figures, computed from summed counts. Every definition is in docs/assessment.md.

Rates are percentages (0–100, one decimal); times are working hours. A figure whose denominator is
zero is ``None`` ("no data"), never 0 or 100.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..measures import ACK_BUCKETS, BUCKET_HOURS, CLOSE_BUCKETS, MEASURES


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "%" or "h"
    higher_is_better: bool


FIGURES = [
    Figure("response_rate", _("Response rate"), "%", True),
    Figure("closure_rate", _("Closure rate"), "%", True),
    Figure("on_time_rate", _("On-time closure rate"), "%", True),
    Figure("satisfaction_rate", _("Satisfaction rate"), "%", True),
    Figure("return_rate", _("Return rate"), "%", False),
    Figure("rework_rate", _("Rework rate"), "%", False),
    Figure("valid_report_rate", _("Valid-report rate"), "%", True),
    Figure("reopen_rate", _("Reopen rate"), "%", False),
    Figure("within_grid", _("Resolved within the grid"), "%", True),
    Figure("within_community", _("Resolved within the community"), "%", True),
    Figure("within_street", _("Resolved within the street"), "%", True),
    Figure("whistle_on_time_rate", _("Whistle report-in on time"), "%", True),
    Figure("ack_mean_hours", _("Mean time to acknowledge"), "h", False),
    Figure("ack_p90_hours", _("90th percentile time to acknowledge"), "h", False),
    Figure("close_mean_hours", _("Mean time to close"), "h", False),
    Figure("close_p90_hours", _("90th percentile time to close"), "h", False),
]
BY_KEY = {f.key: f for f in FIGURES}
RATES = [f.key for f in FIGURES if f.unit == "%"]


def rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def mean_hours(seconds: int, count: int) -> float | None:
    return round(seconds / count / 3600, 2) if count else None


def p90_hours(histogram: list[int]) -> float | None:
    """The 90th percentile from the bucket counts, interpolated linearly inside its bucket (the
    open last bucket answers its lower bound)."""
    total = sum(histogram)
    if not total:
        return None
    rank, seen = 0.9 * total, 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = BUCKET_HOURS[index - 1] if index else 0
            if index == len(BUCKET_HOURS):
                return float(low)
            return round(low + (BUCKET_HOURS[index] - low) * (rank - seen) / count, 2)
        seen += count
    return float(BUCKET_HOURS[-1])  # pragma: no cover - the loop always reaches the rank


class Figures(dict):
    """Every figure by key, and ``samples``: how many cases each rate rests on (its denominator),
    which decides whether it may count towards a grade (``scoring.MIN_SAMPLE``)."""

    def __init__(self, values: dict, samples: dict[str, int]):
        super().__init__(values)
        self.samples = samples


def samples(s: dict[str, int], department: bool = False) -> dict[str, int]:
    """Each rate's denominator, from summed counts (see :func:`compute`)."""
    closures = s["closures"]
    return {
        "response_rate": s["response_due"], "closure_rate": s["accepted"], "on_time_rate": closures,
        "satisfaction_rate": s["rated"], "return_rate": s["lead_assignments"] if department else s["dispatches"],
        "rework_rate": s["handlings"], "valid_report_rate": s["decided"], "reopen_rate": closures,
        "within_grid": closures, "within_community": closures, "within_street": closures,
        "whistle_on_time_rate": s["calls_due"],
    }


def compute(sums: dict[str, int], department: bool = False) -> Figures:
    """Every figure from a dict of summed counts. For a department, the return rate counts the
    dispatches made to it as the lead and those it returned."""
    s = {m: int(sums.get(m) or 0) for m in MEASURES}
    closures = s["closures"]
    returns = rate(s["lead_returns"], s["lead_assignments"]) if department else rate(s["returns"], s["dispatches"])
    return Figures({
        "response_rate": rate(s["response_on_time"], s["response_due"]),
        "closure_rate": rate(s["closed"], s["accepted"]),
        "on_time_rate": rate(s["closed_on_time"], closures),
        "satisfaction_rate": rate(s["satisfied"], s["rated"]),
        "return_rate": returns,
        "rework_rate": rate(s["reworks"], s["handlings"]),
        "valid_report_rate": rate(s["decided"] - s["rejected"], s["decided"]),
        "reopen_rate": rate(s["reopened"], closures),
        "within_grid": rate(s["at_grid"], closures),
        "within_community": rate(s["at_grid"] + s["at_community"], closures),
        "within_street": rate(s["at_grid"] + s["at_community"] + s["at_street"], closures),
        "whistle_on_time_rate": rate(s["calls_on_time"], s["calls_due"]),
        "ack_mean_hours": mean_hours(s["ack_seconds"], s["acks"]),
        "ack_p90_hours": p90_hours([s[b] for b in ACK_BUCKETS]),
        "close_mean_hours": mean_hours(s["close_seconds"], sum(s[b] for b in CLOSE_BUCKETS)),
        "close_p90_hours": p90_hours([s[b] for b in CLOSE_BUCKETS]),
    }, samples(s, department))
