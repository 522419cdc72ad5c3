"""A check shared by the participation apps' figure tests."""
from gridgov.core import figures
from gridgov.structure.models import Unit


def together_equals_alone(key: str, periods) -> dict:
    """Every unit asked for at once gets, for each period, exactly the figures it gets asked for alone
    (nested codes, each counted once per code). Answers the last period's figures of every unit."""
    every = list(Unit.objects.values_list("code", flat=True))
    compute = figures.get(key).compute
    together = {}
    for first, last in periods:
        together = compute(every, first, last)
        assert together == {code: compute([code], first, last)[code] for code in every}
    return together
