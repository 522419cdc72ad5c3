"""Delivering a project: funding lines by source, spending with evidence (never beyond a line's
allocation: the service refuses, and a database check backs it), and milestones with progress and
an evidence photo. Each is a step on the project's journal under the project's row lock, so two
spends on one line are serialised and the second sees what the first spent."""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.core.errors import InvalidTransition, NotFound

from ..actions import MicroprojectAction as A
from ..models import FUNDABLE, FundingLine, FundingSource, Milestone, Spend
from ..models import ProjectStatus as S
from .common import check_photo, money, plain, require_staff
from .projects import require, step, transition

#: States in which money is spent: while delivering, and the last invoices after acceptance.
SPENDING = (S.IN_PROGRESS, S.ACCEPTED)


@transition
def _add_line(actor, project, source, allocated, note, made):
    require_staff(actor, project.community)
    require(project, *FUNDABLE, message=_("Funding is added before the project is accepted."))
    if source not in FundingSource.values:
        raise ValidationError(_("Choose the source of the funds."))
    allocated = money(allocated, _("The allocation"))
    already = project.funding_lines.aggregate(total=Sum("allocated"))["total"] or Decimal("0")
    if already + allocated > project.budget:
        raise ValidationError(_("Allocations (%(total)s yuan) may not exceed the budget of %(budget)s yuan.")
                              % {"total": already + allocated, "budget": project.budget})
    line = FundingLine.objects.create(project=project, source=source, allocated=allocated,
                                      note=plain(note, _("Note"), 200), created_at=clock.now())
    made.append(line)
    step(project, actor, A.FUND, data={"line": line.pk, "source": source, "allocated": str(allocated)})


def add_line(actor, project, *, source: str, allocated, note: str = "") -> FundingLine:
    """Allocate money to the project from one source (the allocations add up to at most the budget)."""
    made: list[FundingLine] = []
    _add_line(actor, project, source, allocated, note, made)
    return made[0]


@transition
def _spend(actor, project, line_id, amount, evidence, photo, made):
    require_staff(actor, project.community)
    require(project, *SPENDING, message=_("Money is spent while the project is delivered."))
    amount = money(amount, _("The amount"))
    evidence = plain(evidence, _("The evidence"), 200, required=True)
    check_photo(photo)
    line = FundingLine.objects.select_for_update().filter(pk=line_id, project=project).first()
    if line is None:
        raise NotFound
    if line.spent + amount > line.allocated:
        raise ValidationError(_("This line has %(left)s yuan left of its %(allocated)s: %(amount)s yuan is too much.")
                              % {"left": line.left, "allocated": line.allocated, "amount": amount})
    line.spent += amount
    line.save(update_fields=["spent"])
    made.append(Spend.objects.create(line=line, amount=amount, evidence=evidence, photo=photo or "", by=actor,
                                     at=clock.now()))
    step(project, actor, A.SPEND, note=evidence, data={"line": line.pk, "amount": str(amount)})


def spend(actor, line: FundingLine, *, amount, evidence: str, photo=None) -> Spend:
    """Record a payment from ``line`` with its evidence; refused beyond what the line has left."""
    made: list[Spend] = []
    _spend(actor, line.project, line.pk, amount, evidence, photo, made)
    return made[0]


@transition
def _milestone(actor, project, title, progress, note, photo, made):
    require_staff(actor, project.community)
    require(project, S.IN_PROGRESS, message=_("Milestones are recorded while the project is in progress."))
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a whole percentage from 0 to 100."))
    if progress < project.progress:
        raise InvalidTransition(_("Progress does not go back (it is at %(now)d%%).") % {"now": project.progress})
    check_photo(photo)
    made.append(Milestone.objects.create(project=project, title=plain(title, _("Title"), 120, required=True),
                                         progress=progress, note=plain(note, _("Note"), 500), photo=photo or "",
                                         by=actor, at=clock.now()))
    project.progress = progress
    step(project, actor, A.MILESTONE, note=made[0].title, data={"progress": progress})


def add_milestone(actor, project, *, title: str, progress: int, note: str = "", photo=None) -> Milestone:
    """Record a milestone (its progress %, a note and an evidence photo)."""
    made: list[Milestone] = []
    _milestone(actor, project, title, progress, note, photo, made)
    return made[0]
