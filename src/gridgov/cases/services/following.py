"""Following a case one did not report: the public form of a case.

A resident whose report was merged into another case — a dispatcher's 并案, or their own “me too”
(``intake.duplicates.join``) — *follows* that master case: they are told of its progress and see
how far it has got. They do not see it the way its reporter and the staff do. The master's
description, address, photos, reporter's name and phone and the timeline's notes and actors belong
to its reporter and to the people working on it: a household-hardship case must not open to anyone
who says “me too”. So a follower gets the case's public form (:class:`PublicCase`), which is what a
notice board of the neighbourhood would show: the category, the coarse place (the grid), the status,
its dates and its steps — and nothing a reporter wrote. They do not rate the master either: that
rating (回访) is its reporter's, and it reopens the case and counts in its handler's assessment. Once
the master is closed they rate *their own* report instead (``lifecycle.rate`` on a merged case): the
inbox asks them about it by their own title (``notifications``), their “My cases” card shows the
master's public progress (:func:`master_of`), and the rating stays on their report, where it
neither reopens the master nor counts for its handler (a merged duplicate counts only as a report).

A grid worker who added their observation to a case from patrol (``intake.duplicates.join``)
follows it the same way: their report is the patrol report they filed, with no person record
(:func:`own_q`).

The case itself stays out of the follower's scope (``cases.apps`` registers no merged-reporter rule),
so every other read — the full page, its timeline and photos, the API's detail, actions — answers
404 for them, as for any case outside their scope.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from gridgov.accounts.scope import visible
from gridgov.catalogue.models import Category
from gridgov.core.errors import NotFound
from gridgov.people.models import Person
from gridgov.structure.models import UnitKind

from ..actions import CaseAction
from ..models import OPEN_STATUSES, Case, Channel, Status


def coarse_place(unit) -> str:
    """Where a case is, as a public map would say it: its grid (a micro-grid is named by the grid it
    belongs to), or the coarser unit it was located to."""
    if unit.kind == UnitKind.MICROGRID and unit.parent is not None:
        return unit.parent.short_name
    return unit.short_name


@dataclass(frozen=True)
class Step:
    """One change of status: the action's word (``accept``, ``dispatch`` …), the status it led to, when."""

    action: str
    status: str
    at: dt.datetime

    @property
    def label(self) -> str:
        return CaseAction.text(self.action)

    @property
    def status_label(self) -> str:
        return Status.text(self.status)


@dataclass(frozen=True)
class PublicCase:
    """A case as a follower sees it. ``own`` are the codes of the follower's own reports merged into
    it; ``merged_into`` the case it was itself merged into later, which they then follow too."""

    code: str
    category: Category
    status: str
    merged_into: str | None
    place: str
    reported_at: dt.datetime
    resolution_due: dt.datetime | None
    closed_at: dt.datetime | None
    steps: list[Step] = field(default_factory=list)
    own: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return Status.text(self.status)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def own_q(user, person) -> Q:
    """``user``'s own reports: those filed for their person record, and — for a grid worker, who has
    none — the patrol reports they filed themselves. A case someone else filed for them (the hotline
    filing a caller's report) is the caller's, not the filer's."""
    mine = Q(reporter=person) if person is not None else Q(pk__in=[])
    if user is not None and user.is_authenticated:
        mine |= Q(reporter__isnull=True, channel=Channel.PATROL, reported_by=user)
    return mine


def merged_reports(case) -> list[Case]:
    """The cases merged into ``case``, directly or through a chain of merges (a master may itself be
    merged later)."""
    found, frontier = [], [case.pk]
    while frontier:  # merges form a tree (a merged case can be no one's master), so this ends
        merged = list(Case.objects.filter(merged_into__in=frontier).select_related("reported_by"))
        found += merged
        frontier = [merged_case.pk for merged_case in merged]
    return found


def own_reports_merged_into(user, case) -> list[str]:
    """The codes of ``user``'s reports merged into ``case``, directly or through a chain of merges;
    empty when they follow nothing here."""
    if not user.is_authenticated:
        return []
    person = Person.objects.filter(user=user).values_list("pk", flat=True).first()
    pks = [merged.pk for merged in merged_reports(case)]
    return sorted(Case.objects.filter(own_q(user, person), pk__in=pks).values_list("code", flat=True))


def final_master(case) -> Case:
    """The case ``case``'s handling now rests with: the end of its chain of merges (itself when it
    was not merged)."""
    while case.merged_into_id:
        # Merged only within its district (lifecycle.merge).
        case = Case.objects.select_related("category", "unit__parent").get(pk=case.merged_into_id,
                                                                          district_code=case.district_code)
    return case


def public_steps(case) -> list[Step]:
    """Each change of the case's status and when — its progress, without anyone's words."""
    return [Step(action, status, at) for action, from_status, status, at in
            case.own("timeline").order_by("seq")
            .values_list("action", "from_status", "to_status", "at")
            if status != from_status]


def public_case(user, code: str) -> PublicCase:
    """The case ``code`` in its public form, for a user who follows it or may see it anyway; 404
    for anyone else, the same as a case that does not exist."""
    case = Case.objects.select_related("category", "unit__parent", "merged_into").filter(code=code).first()
    if case is None:
        raise NotFound
    own = own_reports_merged_into(user, case)
    if not own and not visible(user, Case.objects.filter(pk=case.pk)).exists():
        raise NotFound
    return _public(case, own)


def _public(case, own) -> PublicCase:
    return PublicCase(code=case.code, category=case.category, status=case.status,
                      merged_into=case.merged_into.code if case.merged_into_id else None, place=coarse_place(case.unit),
                      reported_at=case.reported_at, resolution_due=case.resolution_due, closed_at=case.closed_at,
                      steps=public_steps(case), own=own)


def master_of(user, case) -> PublicCase | None:
    """For a merged case: the case its handling rests with (:func:`final_master`), in its public
    form, as ``user`` follows it — what their “My cases” card and their report's page show. None
    when ``case`` is not merged."""
    if not case.merged_into_id:
        return None
    master = final_master(case)
    return _public(master, own_reports_merged_into(user, master))
