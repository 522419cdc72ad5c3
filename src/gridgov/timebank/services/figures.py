"""The time bank's figures (``core.figures`` set ``timebank``) and a community's overview.

Definitions (docs/timebank.md says them in full). "Members' accounts" are the persons' minutes
accounts whose ``place_code`` lies in the unit's subtree. Entries the time bank posts itself
(kinds ``timebank.*``: donations, transfers, members' moves, funding) move minutes inside the bank:
they are neither deposits nor withdrawals. A reversed entry and its reversal cancel and count on
neither side.

- **deposited**: minutes credited to members' accounts in the period (verified service);
- **withdrawn**: minutes debited from members' accounts in the period (service received; expiry);
- **outstanding**: the minutes members' accounts hold at the end of the period;
- **members with a balance**: members' accounts holding more than zero minutes at the end;
- **donations**: donations made in the period by givers living in the unit;
- **community banks**: the minutes the community accounts in the unit hold at the end.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.accounts.roles import PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, may, visible
from gridgov.core import clock
from gridgov.core.figures import Figure, FigureSet
from gridgov.ledger.models import Account, AccountKind, Posting
from gridgov.structure.codes import per_subtree, subtree_q
from gridgov.structure.models import Unit, UnitKind

from ..models import Movement, MovementKind
from .accounts import MINUTES, owners, unit_key
from .movements import KIND_PREFIX

CANCELLED = Q(entry__reverses__isnull=False) | Q(entry__reversed_by__isnull=False)
MEMBERS = Q(account__kind=AccountKind.PERSON, account__unit=MINUTES)


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def flows_per_subtree(codes: Sequence[str], since: dt.datetime, until: dt.datetime) -> dict[str, dict[str, int]]:
    """{code: {"deposited", "withdrawn"}} minutes of the members' accounts under each code in
    [since, until), both positive."""
    postings = (Posting.objects.filter(MEMBERS, entry__at__gte=since, entry__at__lt=until)
                .exclude(entry__kind__startswith=KIND_PREFIX).exclude(CANCELLED))
    totals = per_subtree(postings, "account__place_code", codes, deposited=Sum("amount", filter=Q(amount__gt=0)),
                      withdrawn=Sum("amount", filter=Q(amount__lt=0)))
    return {code: {"deposited": sums["deposited"], "withdrawn": -sums["withdrawn"]} for code, sums in totals.items()}


def flows(code: str, since: dt.datetime, until: dt.datetime) -> tuple[int, int]:
    """(deposited, withdrawn) minutes of the members' accounts under ``code`` in [since, until)."""
    totals = flows_per_subtree([code], since, until)[code]
    return totals["deposited"], totals["withdrawn"]


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict:
    """The figures of ``unit_codes`` in three queries, whatever their number: the flows, what the
    accounts hold at the end, the donations."""
    since, until = day_start(start), day_start(end + dt.timedelta(days=1))
    flowed = flows_per_subtree(unit_codes, since, until)
    # Each minutes account's holding at the end of the period (a sum of its postings before then);
    # the members' ones make up "outstanding" and "with a balance", the communities' the banks.
    held_then = Posting.objects.filter(account=OuterRef("pk"), entry__at__lt=until).order_by() \
        .values("account").annotate(total=Sum("amount")).values("total")
    member, bank = Q(kind=AccountKind.PERSON), Q(kind=AccountKind.UNIT)
    held = per_subtree(Account.objects.filter(member | bank, unit=MINUTES).annotate(held=Subquery(held_then)),
                    "place_code", unit_codes, outstanding=Sum("held", filter=member),
                    members_with_balance=Count("pk", filter=member & Q(held__gt=0)),
                    community_banks=Sum("held", filter=bank))
    donations = per_subtree(Movement.objects.filter(kind=MovementKind.DONATION, at__gte=since, at__lt=until),
                         "from_code", unit_codes, donations=Count("pk"))
    return {code: {**flowed[code], "outstanding": held[code]["outstanding"],
                   "members_with_balance": held[code]["members_with_balance"], **donations[code],
                   "community_banks": held[code]["community_banks"]} for code in flowed}


FIGURE_SET = FigureSet(
    key="timebank", label=gettext_lazy("Time bank"), order=30, compute=compute,
    headline=("deposited", "outstanding"),
    figures=(
        Figure("deposited", gettext_lazy("Minutes deposited"), "minutes",
               gettext_lazy("Minutes credited to members' accounts in the period for service, not counting the time "
                            "bank's own moves (donations, transfers) or reversed entries.")),
        Figure("withdrawn", gettext_lazy("Minutes withdrawn"), "minutes",
               gettext_lazy("Minutes taken out of members' accounts in the period for service received, not counting "
                            "the time bank's own moves or reversed entries.")),
        Figure("outstanding", gettext_lazy("Minutes outstanding"), "minutes",
               gettext_lazy("Minutes members' accounts hold at the end of the period.")),
        Figure("members_with_balance", gettext_lazy("Members with a balance"), "count",
               gettext_lazy("Members' minutes accounts holding more than zero at the end of the period.")),
        Figure("donations", gettext_lazy("Donations"), "count",
               gettext_lazy("Donations of minutes to a family member made in the period by givers living here.")),
        Figure("community_banks", gettext_lazy("Community time banks"), "minutes",
               gettext_lazy("Minutes the community time banks here hold at the end of the period.")),
    ),
)


# -- a community's overview (the staff page and the API) ------------------------------------------
def community_for_staff(user, code: str) -> Unit:
    """The community ``code`` if the user may see it (NotFound otherwise) and runs its participation
    (PermissionDenied otherwise)."""
    community = get_visible_or_404(user, Unit.objects.filter(kind=UnitKind.COMMUNITY), code=code)
    if not may(user, PARTICIPATION_STAFF_ROLES, community):
        raise PermissionDenied(_("Only the community's staff (or the levels above it) see its time bank."))
    return community


def weekly(code: str, weeks: int = 12, now: dt.datetime | None = None) -> list[dict]:
    """Deposited and withdrawn minutes of the community's members per week (Monday to Sunday), the
    last ``weeks`` weeks up to the current one."""
    today = timezone.localdate(now or clock.now())
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for back in range(weeks - 1, -1, -1):
        first = monday - dt.timedelta(weeks=back)
        deposited, withdrawn = flows(code, day_start(first), day_start(first + dt.timedelta(days=7)))
        rows.append({"week": first, "deposited": deposited, "withdrawn": withdrawn})
    return rows


def overview(user, code: str, *, members_limit: int = 200) -> dict:
    """A community's time bank for its staff: its members' balances (largest first), the totals,
    the community's own account, transfers in and out, and the weekly flows."""
    community = community_for_staff(user, code)
    members = visible(user, Account.objects.filter(kind=AccountKind.PERSON, unit=MINUTES)) \
        .filter(subtree_q("place_code", community.code)).order_by("-balance", "pk")
    totals = members.aggregate(total=Sum("balance"), count=Count("pk"), holding=Count("pk", filter=Q(balance__gt=0)))
    listed = list(members[:members_limit])
    names = owners(listed)
    bank = Account.objects.filter(kind=AccountKind.UNIT, owner_key=unit_key(community.code), unit=MINUTES).first()
    between = (MovementKind.TRANSFER, MovementKind.MEMBER_MOVE)
    outgoing = Movement.objects.filter(from_code=community.code, kind__in=between)
    incoming = Movement.objects.filter(Q(to_code=community.code, kind__in=between) | Q(to_code=community.code,
                                                                                     kind=MovementKind.FUNDING))
    recent = Movement.objects.filter(Q(from_code=community.code) | Q(to_code=community.code)) \
        .exclude(kind=MovementKind.DONATION).order_by("-at", "-pk")[:20]
    return {
        "community": community,
        "members": [{"account": account, "name": names[account.pk]} for account in listed],
        "member_count": totals["count"] or 0,
        "members_with_balance": totals["holding"] or 0,
        "members_total": totals["total"] or 0,
        "bank": bank,
        "bank_balance": bank.balance if bank else 0,
        "transferred_out": outgoing.aggregate(total=Sum("minutes"))["total"] or 0,
        "transferred_in": incoming.aggregate(total=Sum("minutes"))["total"] or 0,
        "movements": list(recent),
        "weekly": weekly(community.code),
    }
