"""What is due next on a case, for the one looking at it (issue 17, item 5): a work list is ordered
by it and every card counts down to it.

The limits, earliest first, that can wait on a case: a whistle's report-in limit (吹哨报到, often 30
minutes) for a department called and not yet reported in; the acknowledge limit (签收) of a dispatch
not yet acknowledged — the department's own assignment, or the case's for a person or a grid;
the resolution deadline of a running case. A limit already passed is the most urgent of all.
"""
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Case, DateTimeField, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from gridgov.core import clock

from ..models import Assignment, AssignmentStatus, Status, WhistleCall

#: Stands for "no limit" where the database compares limits (NULL would win in SQLite's LEAST).
NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)

KINDS = {
    "report_in": _("Report in"),
    "acknowledge": _("Acknowledge"),
    "resolve": _("Resolve"),
}


def with_next_due(cases: QuerySet, departments=()) -> QuerySet:
    """``cases`` annotated with ``call_due`` (the report-in limit still waiting for one of
    ``departments``), ``ack_due`` (the acknowledge limit still waiting: for ``departments``, their
    assignment's; otherwise the case's own dispatch) and ``next_due``, the earliest of those and the
    resolution deadline of a running case, to order by."""
    if departments:
        calls = WhistleCall.objects.filter(whistle__case=OuterRef("pk"), department__in=departments,
                                           reported_at__isnull=True).values("whistle__case")
        cases = cases.annotate(call_due=Subquery(calls.annotate(first=Min("due_at")).values("first")[:1]))
        waiting = Exists(Assignment.objects.filter(case=OuterRef("pk"), department__in=departments,
                                                   status=AssignmentStatus.DISPATCHED))
        ack = Q(waiting, status__in=Status.RUNNING)
    else:
        cases = cases.annotate(call_due=Value(None, output_field=DateTimeField()))
        ack = Q(status=Status.DISPATCHED)
    cases = cases.annotate(
        ack_due=Case(When(ack, then=F("response_due")), default=None, output_field=DateTimeField()),
        resolve_due=Case(When(status__in=Status.RUNNING, then=F("resolution_due")), default=None,
                         output_field=DateTimeField()))
    never = Value(NEVER, output_field=DateTimeField())
    return cases.annotate(next_due=Least(Coalesce("call_due", never), Coalesce("ack_due", never),
                                         Coalesce("resolve_due", never)))


def by_next_due(cases: QuerySet, departments=()) -> QuerySet:
    return with_next_due(cases, departments).order_by("next_due", "pk")


@dataclass(frozen=True)
class Countdown:
    kind: str
    label: str
    at: dt.datetime
    seconds: int

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def urgent(self) -> bool:
        """Within two hours (or past): the card says it in red."""
        return self.seconds < URGENT_SECONDS

    @property
    def text(self) -> str:
        """The time left ("3 h 20 min left"), or how long ago the limit passed."""
        words = WORDS()
        span = _span(abs(self.seconds), words)
        return (words["over"] if self.overdue else words["left"]).replace("%(time)s", span)

    @property
    def words(self) -> str:
        """The words of :attr:`text`, for the page's ticker (``cases/countdown.js``) to say it again."""
        return json.dumps(WORDS(), ensure_ascii=False)


#: Under two hours to go, a card counts down in red (the script uses the same threshold).
URGENT_SECONDS = 2 * 3600


def WORDS() -> dict:  # noqa: N802 (a table, in the language of the moment)
    return {"d": pgettext("days, short", "d"), "h": pgettext("hours, short", "h"),
            "m": pgettext("minutes, short", "min"), "left": gettext("%(time)s left"),
            "over": gettext("overdue by %(time)s")}


def _span(seconds: int, words: dict) -> str:
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    if days:
        return f"{days}{words['d']}{hours}{words['h']}"
    if hours:
        return f"{hours}{words['h']}{minutes}{words['m']}"
    return f"{minutes}{words['m']}"


def countdown(case, now=None) -> Countdown | None:
    """The limit the card counts down to: the earliest of those :func:`with_next_due` annotated,
    or, on a case read without them, its own acknowledge limit or resolution deadline."""
    now = now or clock.now()
    if hasattr(case, "next_due"):
        limits = [("report_in", case.call_due), ("acknowledge", case.ack_due), ("resolve", case.resolve_due)]
    else:
        limits = [("acknowledge", case.response_due if case.status == Status.DISPATCHED else None),
                  ("resolve", case.resolution_due if case.status in Status.RUNNING else None)]
    limits = [(kind, at) for kind, at in limits if at is not None]
    if not limits:
        return None
    kind, at = min(limits, key=lambda limit: limit[1])
    return Countdown(kind, str(KINDS[kind]), timezone.localtime(at), int((at - now).total_seconds()))
