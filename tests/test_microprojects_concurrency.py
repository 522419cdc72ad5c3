"""Two spends on one funding line at the same moment, each within the line alone but not together:
exactly one is recorded; and two members of one household evaluate a project at once: one counts.

The steps lock the project's row (and the line's) and check after the lock, so the second waits
for the first to commit and then finds the money spent (the household answered); the database's
check and unique constraints stand behind them. Needs PostgreSQL."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gridgov.microprojects.models import Evaluation, FundingLine, Spend
from gridgov.microprojects.services import delivery, evaluations, projects

from . import microprojects_world as mw
from .races import POSTGRES_ONLY, race

pytestmark = POSTGRES_ONLY




def _one_wins(outcomes):
    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ValidationError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes


@pytest.mark.django_db(transaction=True)
def test_two_spends_that_together_exceed_a_line_exactly_one_wins(district, monkeypatch):
    assert connection.vendor == "postgresql"
    w = mw.build(district)
    project = mw.run(w, mw.Decision(monkeypatch), until="in_progress", line="1000")
    line = FundingLine.objects.get(project=project)
    _one_wins(race({
        "a": lambda: delivery.spend(w.staff, line, amount=Decimal("600"), evidence="发票 A"),
        "b": lambda: delivery.spend(w.street, line, amount=Decimal("700"), evidence="发票 B")}))
    line.refresh_from_db()
    assert line.spent in (Decimal("600"), Decimal("700")) and Spend.objects.filter(line=line).count() == 1
    assert project.journal.filter(action="spend").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_members_of_a_household_evaluate_at_once_one_counts(district, monkeypatch):
    w = mw.build(district)
    mate = district.persons[4]
    mate.household, mate.unit = w.resident.person.household, w.resident.person.unit
    mate.save()
    mate_user = mw.resident_login(district, "mate", mate)
    project = projects.open_evaluation(w.staff, mw.run(w, mw.Decision(monkeypatch), until="accepted"))
    _one_wins(race({"resident": lambda: evaluations.evaluate(w.resident, project, score=5),
                     "mate": lambda: evaluations.evaluate(mate_user, project, score=2)}))
    assert Evaluation.objects.filter(project=project).count() == 1
