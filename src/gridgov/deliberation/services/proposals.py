"""Micro-proposals (微提案): proposed by a resident (or recorded for them by a grid worker), supported
by the community's residents (one support each), put on the agenda at the community's threshold,
answered by the staff (accepted / not accepted / merged, with a reason) and published separately —
residents see an answer only once it is published — or withdrawn by the author before an answer.
Cases (and hot spots, which are lists of cases) are raised as a proposal in one action."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES, GRID_TASK_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.cases.models import Case
from gridgov.core import clock, journal
from gridgov.core.errors import InvalidTransition, NotFound
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit

from ..actions import DeliberationAction as A
from ..models import ANSWERED_PROPOSAL, OPEN_PROPOSAL, Answer, Proposal, Support
from ..models import ProposalStatus as S
from .common import (
    community_of,
    community_of_unit,
    is_staff,
    person_of,
    plain,
    proposal_transition,
    require_staff,
    threshold_for,
)

MAX_CASES = 50


def _step(proposal, actor, action, to_status=None, **kwargs):
    from_status = proposal.status
    if to_status is not None:
        proposal.status = to_status
    proposal.save()
    journal.append(proposal, actor, action, from_status=from_status, to_status=proposal.status, **kwargs)


def may_propose_for(user, person) -> bool:
    """The person themself, a grid worker or leader over their home, or the community's staff."""
    own = person_of(user)
    if own is not None and own.pk == person.pk:
        return True
    return may(user, GRID_TASK_ROLES | DELIBERATION_STAFF_ROLES, person.unit)


def _place(author, unit, compound):
    """The unit a proposal is for: the author's compound's grid, or their grid or community."""
    community = community_of(author)
    if compound is not None:
        if compound.community_id != community.pk:
            raise ValidationError(_("Propose for a compound of your own community."))
        return community, compound.grid
    if unit is None:
        return community, community
    home = author.unit.code
    if unit.kind not in ("grid", "community") or prefix(home, unit.kind) != unit.code:
        raise ValidationError(_("Propose for your own compound, grid or community."))
    return community, unit


def _create(actor, *, community, unit, compound, author, title, description, case_codes=()) -> Proposal:
    with transaction.atomic():
        proposal = Proposal.objects.create(
            community=community, unit=unit, compound=compound, author=author, recorded_by=actor,
            title=plain(title, _("Title"), 120, required=True),
            description=plain(description, _("Description"), 4000), case_codes=list(case_codes),
            created_at=clock.now())
        journal.append(proposal, actor, A.PROPOSE, to_status=S.OPEN,
                       data={"author": author.pk if author else None, "cases": list(case_codes)})
    return proposal


def propose(actor, *, title: str, description: str = "", author=None, unit: Unit | None = None,
            compound=None) -> Proposal:
    """A resident proposes (``author`` omitted), or a grid worker records a proposal for ``author``."""
    author = author or person_of(actor)
    if author is None:
        raise PermissionDenied(_("Only a resident with a personal account may propose."))
    if not may_propose_for(actor, author):
        raise PermissionDenied(_("You may propose only for yourself or for residents in your care."))
    community, place = _place(author, unit, compound)
    return _create(actor, community=community, unit=place, compound=compound, author=author, title=title,
                   description=description)


def propose_from_cases(actor, codes, *, title: str = "", description: str = "") -> Proposal:
    """Raise the cases ``codes`` (one case, or a hot spot's) as one proposal, titled and placed from
    them. Every case must be one the actor can see, all in one community."""
    codes = sorted({str(code).strip() for code in codes or () if str(code).strip()})
    if not codes:
        raise ValidationError(_("Choose at least one case."))
    if len(codes) > MAX_CASES:
        raise ValidationError(_("At most %(n)d cases can be raised as one proposal.") % {"n": MAX_CASES})
    cases = list(visible(actor, Case.objects.filter(code__in=codes)).select_related("unit").order_by("code"))
    if len(cases) != len(codes):
        raise NotFound
    communities = {prefix(case.unit.code, "community") for case in cases}
    if len(communities) != 1 or None in communities:
        raise ValidationError(_("The cases must lie in one community."))
    community = community_of_unit(cases[0].unit)
    grids = {prefix(case.unit.code, "grid") for case in cases}
    unit = Unit.objects.get(code=grids.pop()) if len(grids) == 1 and None not in grids else community
    author = person_of(actor)
    if author is not None and prefix(author.unit.code, "community") != community.code:
        author = None
    if author is None and not may(actor, GRID_TASK_ROLES, unit):
        require_staff(actor, community)
    default_title = cases[0].title if len(cases) == 1 else _("%(title)s and %(n)d similar cases") % {
        "title": cases[0].title, "n": len(cases) - 1}
    lines = [f"{case.code} · {case.title} · {case.address or case.unit.short_name}" for case in cases]
    text = "\n".join(filter(None, [description.strip(), *lines]))
    return _create(actor, community=community, unit=unit, compound=None, author=author,
                   title=(title or default_title)[:120], description=text[:4000], case_codes=codes)


@proposal_transition
def support(actor, proposal):
    """One support per resident of the proposal's community; not one's own, not after an answer or
    withdrawal. Reaching the threshold puts the proposal on the agenda."""
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(_("Only a resident with a personal account may support a proposal."))
    if proposal.status == S.WITHDRAWN:
        raise InvalidTransition(_("This proposal was withdrawn."))
    if proposal.status not in OPEN_PROPOSAL:
        raise InvalidTransition(_("This proposal has been answered: it takes no more supports."))
    if proposal.author_id == person.pk:
        raise ValidationError(_("You cannot support your own proposal."))
    if not person.unit.code.startswith(proposal.community.code):
        raise PermissionDenied(_("Only residents of the community may support its proposals."))
    if Support.objects.filter(proposal=proposal, person=person).exists():
        raise ValidationError(_("You have already supported this proposal."))
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, person=person)
    except IntegrityError:
        raise ValidationError(_("You have already supported this proposal.")) from None
    proposal.support_count += 1
    _step(proposal, actor, A.SUPPORT, data={"person": person.pk})
    threshold = threshold_for(proposal.community)
    if proposal.status == S.OPEN and proposal.support_count >= threshold:
        proposal.threshold_at = clock.now()
        _step(proposal, None, A.THRESHOLD, S.ON_AGENDA, data={"threshold": threshold})


@proposal_transition
def withdraw(actor, proposal, reason: str = ""):
    person = person_of(actor)
    if person is None or proposal.author_id != person.pk:
        raise PermissionDenied(_("Only the author may withdraw a proposal."))
    if proposal.status not in OPEN_PROPOSAL:
        raise InvalidTransition(_("A proposal can be withdrawn only before it is answered."))
    proposal.withdrawn_at = clock.now()
    _step(proposal, actor, A.WITHDRAW, S.WITHDRAWN, note=plain(reason, _("Reason"), 200))


@proposal_transition
def answer(actor, proposal, *, answer: str, reason: str, merged_into: Proposal | None = None):
    """The staff's answer, kept from residents until :func:`publish_answer`."""
    require_staff(actor, proposal.community)
    if proposal.status in ANSWERED_PROPOSAL:
        raise InvalidTransition(_("This proposal has already been answered."))
    if proposal.status not in OPEN_PROPOSAL:
        raise InvalidTransition(_("A withdrawn proposal cannot be answered."))
    if answer not in Answer.values:
        raise ValidationError(_("Answer accepted, not accepted or merged."))
    reason = plain(reason, _("Reason"), 2000, required=True)
    if answer == Answer.MERGED:
        if merged_into is None:
            raise ValidationError(_("Name the proposal this one is merged into."))
        if merged_into.pk == proposal.pk or merged_into.community_id != proposal.community_id \
                or merged_into.status == S.WITHDRAWN or merged_into.merged_into_id:
            raise ValidationError(_("Merge into another live proposal of the same community."))
    elif merged_into is not None:
        raise ValidationError(_("Only a merged proposal names another one."))
    proposal.answer, proposal.answer_reason, proposal.merged_into = answer, reason, merged_into
    proposal.answered_at = clock.now()
    _step(proposal, actor, A.ANSWER, S.ANSWERED, note=reason,
          data={"answer": answer, "merged_into": merged_into.pk if merged_into else None})


@proposal_transition
def publish_answer(actor, proposal):
    require_staff(actor, proposal.community)
    if proposal.status != S.ANSWERED:
        raise InvalidTransition(_("Only an answered, unpublished proposal can be published."))
    proposal.published_at = clock.now()
    _step(proposal, actor, A.PUBLISH_ANSWER, S.PUBLISHED)


@proposal_transition
def mark_implemented(actor, proposal, note: str = ""):
    """An accepted, published proposal whose subject is done (the figure "implemented")."""
    require_staff(actor, proposal.community)
    if proposal.status != S.PUBLISHED or proposal.answer != Answer.ACCEPTED:
        raise InvalidTransition(_("Only an accepted proposal whose answer is published can be implemented."))
    proposal.implemented_at = clock.now()
    _step(proposal, actor, A.IMPLEMENT, S.IMPLEMENTED, note=plain(note, _("Note"), 2000))


def shown_answer(user, proposal) -> bool:
    """Whether ``user`` may read the answer: the staff always, everyone else once it is published."""
    return proposal.status in (S.PUBLISHED, S.IMPLEMENTED) or (
        proposal.status == S.ANSWERED and is_staff(user, proposal.community))
