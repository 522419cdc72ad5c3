"""The ledger and the time bank in the API (``/api/v1/timebank/…``).

Tag ``ledger``: accounts (one's own, those in one's scope), an account with its history (entries
with memo, kind, date, signed amount and running balance, paged). Tag ``timebank``: donations,
community transfers, members' moves, funding, the movements, a community's overview and the
district's points expiry rule. Every read goes through the scope (outside it answers 404 like
something absent); every write calls one service, which checks role and scope again inside its
own transaction. Refusals are ``{"detail": …}``: 403 role, 404 scope, 422 bad input or a broken
rule (beyond the balance, to oneself, outside the household).
"""
import datetime as dt
from typing import Literal

from ninja import Field, Path, Query, Router, Schema

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.api import errors
from gridgov.core.text import PlainText
from gridgov.ledger.models import Account
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from .models import Movement
from .services import expiry, movements
from .services.accounts import accounts_of, history, owners
from .services.figures import overview as community_overview

router = Router(tags=["timebank"])

BIG = 2**63 - 1
Id = Path[int, {"ge": 1, "le": BIG}]
CommunityCode = Path[str, {"pattern": r"^\d{12}$", "description": "A community's 12-digit code."}]
DistrictCode = Path[str, {"pattern": r"^\d{6}$", "description": "A district's 6-digit code."}]
Minutes = Field(..., ge=1, le=movements.MAX_MINUTES, description="Whole minutes, at least 1.")


# -- schemas ------------------------------------------------------------------------------------
class LedgerAccountOut(Schema):
    id: int
    kind: str = Field(description="person, unit, team or system")
    owner: str = Field(description="Whose account: a person's or unit's name, a team's key, a system account's name.")
    owner_key: str
    unit: str = Field(description="points or minutes")
    balance: int
    district_code: str
    place_code: str


class LedgerHistoryRowOut(Schema):
    entry: int
    at: dt.datetime
    memo: str
    kind: str
    amount: int = Field(description="Signed: positive added to the account.")
    balance: int = Field(description="The account's balance right after this posting.")


class LedgerHistoryOut(Schema):
    account: LedgerAccountOut
    count: int
    items: list[LedgerHistoryRowOut]


class LedgerAccountPageOut(Schema):
    count: int
    items: list[LedgerAccountOut]


class LedgerAccountFilters(Schema):
    unit: Literal["points", "minutes"] | None = Field(None, description="Only accounts in points or in minutes.")
    kind: Literal["person", "unit", "team", "system"] | None = None
    place: str | None = Field(None, pattern=r"^\d{6,18}$", description="Only accounts placed in this unit's subtree.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class TimebankPageIn(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**9)


class TimebankMovementOut(Schema):
    id: int
    kind: str
    minutes: int
    from_code: str
    to_code: str
    giver: int | None = Field(None, description="The giving person (donations, members' moves).")
    recipient: int | None = None
    note: str
    entry: int | None = Field(None, description="The ledger entry that moved the minutes.")
    at: dt.datetime

    @staticmethod
    def resolve_giver(obj):
        return obj.giver_id

    @staticmethod
    def resolve_recipient(obj):
        return obj.recipient_id

    @staticmethod
    def resolve_entry(obj):
        return obj.entry_id


class TimebankMovementPageOut(Schema):
    count: int
    items: list[TimebankMovementOut]


class TimebankDonationIn(Schema):
    recipient: int = Field(..., ge=1, le=BIG, description="The person (of the giver's household) who receives the minutes.")
    giver: int | None = Field(None, ge=1, le=BIG, description="Community staff only: the member they record the "
                              "donation for. Absent: the caller gives their own minutes.")
    minutes: int = Minutes
    note: PlainText = Field("", max_length=200)


class TimebankTransferIn(Schema):
    from_community: str = Field(..., pattern=r"^\d{12}$", description="Your community, whose time bank gives.")
    to_community: str = Field(..., pattern=r"^\d{12}$", description="The community whose time bank receives.")
    minutes: int = Minutes
    note: PlainText = Field("", max_length=200)


class TimebankMemberMoveIn(Schema):
    person: int = Field(..., ge=1, le=BIG, description="The member who moved to another district.")
    to_community: str = Field(..., pattern=r"^\d{12}$", description="The member's new community.")
    minutes: int | None = Field(None, ge=1, le=movements.MAX_MINUTES, description="Part of the balance; all of it when absent.")
    note: PlainText = Field("", max_length=200)


class TimebankFundingIn(Schema):
    community: str = Field(..., pattern=r"^\d{12}$")
    minutes: int = Minutes
    note: PlainText = Field("", max_length=200)


class TimebankFamilyMemberOut(Schema):
    id: int
    name: str


class TimebankMemberBalanceOut(Schema):
    account: int
    name: str
    balance: int


class TimebankWeekOut(Schema):
    week: dt.date
    deposited: int
    withdrawn: int


class TimebankOverviewOut(Schema):
    community: str
    name: str
    member_count: int
    members_with_balance: int
    members_total: int
    bank_account: int | None
    bank_balance: int
    transferred_out: int
    transferred_in: int
    members: list[TimebankMemberBalanceOut]
    movements: list[TimebankMovementOut]
    weekly: list[TimebankWeekOut]


class PointsExpiryRuleOut(Schema):
    district: str
    days: int | None = Field(description="Points expire this many days after they were earned; null: no rule.")
    active: bool
    may_edit: bool


class PointsExpiryRuleIn(Schema):
    days: int = Field(..., ge=1, le=expiry.MAX_DAYS)
    active: bool = True


# -- helpers ------------------------------------------------------------------------------------
def account_out(accounts) -> list[dict]:
    accounts = list(accounts)
    names = owners(accounts)
    return [{"id": a.pk, "kind": a.kind, "owner": names[a.pk], "owner_key": a.owner_key, "unit": a.unit,
             "balance": a.balance, "district_code": a.district_code, "place_code": a.place_code} for a in accounts]


def own_person(user) -> Person | None:
    return Person.objects.select_related("unit").filter(user=user).first()


# -- ledger: accounts and history ---------------------------------------------------------------
@router.get("/accounts/mine", response={200: list[LedgerAccountOut], **errors(401)}, tags=["ledger"])
def my_accounts(request):
    """The caller's own accounts (points, minutes) with their balances; none before anything was
    ever posted to them."""
    person = own_person(request.user)
    if person is None:
        return []
    return account_out(visible(request.user, accounts_of(person)))


@router.get("/accounts", response={200: LedgerAccountPageOut, **errors(401, 404, 422)}, tags=["ledger"])
def list_accounts(request, filters: Query[LedgerAccountFilters]):
    """The accounts in the caller's scope (a resident: their own; staff: those placed in their
    subtree), largest balance first. ``place`` must be a unit the caller may open."""
    accounts = visible(request.user, Account.objects.all())
    if filters.unit:
        accounts = accounts.filter(unit=filters.unit)
    if filters.kind:
        accounts = accounts.filter(kind=filters.kind)
    if filters.place:
        get_visible_or_404(request.user, Unit.objects.all(), code=filters.place)
        accounts = accounts.filter(subtree_q("place_code", filters.place))
    accounts = accounts.order_by("-balance", "pk")
    return {"count": accounts.count(),
            "items": account_out(accounts[filters.offset:filters.offset + filters.limit])}


@router.get("/accounts/{account_id}", response={200: LedgerAccountOut, **errors(401, 404, 422)}, tags=["ledger"],
            url_name="timebank_account")
def account_detail(request, account_id: Id):
    """One account in the caller's scope with its balance."""
    return account_out([get_visible_or_404(request.user, Account.objects.all(), pk=account_id)])[0]


@router.get("/accounts/{account_id}/history", response={200: LedgerHistoryOut, **errors(401, 404, 422)},
            tags=["ledger"])
def account_history(request, account_id: Id, page: Query[TimebankPageIn]):
    """An account's entries, newest first: memo, kind, date, signed amount and the balance right
    after each (the running balance), paged by ``limit``/``offset``."""
    account = get_visible_or_404(request.user, Account.objects.all(), pk=account_id)
    count, rows = history(account, limit=page.limit, offset=page.offset)
    return {"account": account_out([account])[0], "count": count,
            "items": [{"entry": r.entry_id, "at": r.at, "memo": r.memo, "kind": r.kind, "amount": r.amount,
                       "balance": r.balance} for r in rows]}


# -- time bank: movements -----------------------------------------------------------------------
@router.get("/movements", response={200: TimebankMovementPageOut, **errors(401, 422)})
def list_movements(request, page: Query[TimebankPageIn]):
    """The time bank's movements in the caller's scope (donations given or received, transfers
    and funding of the communities they run), newest first."""
    rows = visible(request.user, Movement.objects.all()).order_by("-at", "-pk")
    return {"count": rows.count(), "items": list(rows[page.offset:page.offset + page.limit])}


@router.get("/movements/{movement_id}", response={200: TimebankMovementOut, **errors(401, 404, 422)})
def movement_detail(request, movement_id: Id):
    return get_visible_or_404(request.user, Movement.objects.all(), pk=movement_id)


@router.get("/family", response={200: list[TimebankFamilyMemberOut], **errors(401)})
def my_family(request):
    """The members of the caller's household: whom they may donate minutes to (names only)."""
    person = own_person(request.user)
    return [] if person is None else list(movements.family(person))


@router.post("/donations", response={201: TimebankMovementOut, **errors(400, 401, 403, 404, 422)})
def donate(request, body: TimebankDonationIn):
    """Give some of your minutes to a member of your household (or, as community staff, record a
    member's donation for them: ``giver``). Refused (422) beyond the balance, to oneself, or to
    anyone outside the household; 403 for a caller who may not give these minutes; 404 for a
    ``giver`` outside the caller's scope."""
    return 201, movements.donate(request.user, recipient_id=body.recipient, minutes=body.minutes, note=body.note,
                                 giver_id=body.giver)


@router.post("/transfers", response={201: TimebankMovementOut, **errors(400, 401, 403, 404, 422)})
def transfer(request, body: TimebankTransferIn):
    """Move minutes from your community's time bank to another community's (community staff)."""
    return 201, movements.transfer(request.user, from_code=body.from_community, to_code=body.to_community,
                                   minutes=body.minutes, note=body.note)


@router.post("/member-moves", response={201: TimebankMovementOut, **errors(400, 401, 403, 404, 422)})
def move_member(request, body: TimebankMemberMoveIn):
    """A member who moved to another district takes their minutes along, cleared through both
    communities' time banks in one ledger entry (staff of the member's old community)."""
    return 201, movements.move_member(request.user, person_id=body.person, to_code=body.to_community,
                                      minutes=body.minutes, note=body.note)


@router.post("/fundings", response={201: TimebankMovementOut, **errors(400, 401, 403, 404, 422)})
def fund(request, body: TimebankFundingIn):
    """Fund a community's time bank from the district's issuance (district staff)."""
    return 201, movements.fund(request.user, community_code=body.community, minutes=body.minutes, note=body.note)


@router.get("/communities/{code}/overview", response={200: TimebankOverviewOut, **errors(401, 403, 404, 422)})
def overview(request, code: CommunityCode):
    """A community's time bank for its staff: members' balances (largest first, at most 200), the
    totals, the community's account, transfers out and in (with funding), the last movements and
    the minutes deposited and withdrawn per week over twelve weeks."""
    data = community_overview(request.user, code)
    community, bank = data["community"], data["bank"]
    return {**{key: data[key] for key in ("member_count", "members_with_balance", "members_total", "bank_balance",
                                          "transferred_out", "transferred_in", "movements", "weekly")},
            "community": community.code, "name": community.name, "bank_account": bank.pk if bank else None,
            "members": [{"account": m["account"].pk, "name": m["name"], "balance": m["account"].balance}
                        for m in data["members"]]}


# -- the points expiry rule ---------------------------------------------------------------------
def _rule_out(user, district) -> dict:
    rule = expiry.rule_of(district.code)
    return {"district": district.code, "days": rule.days if rule else None, "active": bool(rule and rule.active),
            "may_edit": expiry.may_set(user, district)}


@router.get("/expiry-rules/{district}", response={200: PointsExpiryRuleOut, **errors(401, 404, 422)})
def expiry_rule(request, district: DistrictCode):
    """The district's points expiry rule (anyone who may see the district)."""
    return _rule_out(request.user, expiry.district_of(request.user, district))


@router.put("/expiry-rules/{district}", response={200: PointsExpiryRuleOut, **errors(400, 401, 403, 404, 422)})
def set_expiry_rule(request, district: DistrictCode, body: PointsExpiryRuleIn):
    """Set the district's points expiry rule (its district administrators): points earned more than
    ``days`` days ago and unspent expire, oldest first, on the worker's next round while ``active``."""
    expiry.set_rule(request.user, district_code=district, days=body.days, active=body.active)
    return _rule_out(request.user, expiry.district_of(request.user, district))

