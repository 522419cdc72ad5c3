"""The time bank's pages: a resident's points and minutes (phone first), an account's history, the
staff's communities and one community's time bank (with its weekly chart), and the district's points
expiry rule. Views parse and render; the services decide and write."""
from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import DISTRICT_ROLES, PARTICIPATION_STAFF_ROLES, SELF_ROLES, Role
from gridgov.accounts.scope import get_visible_or_404, may, scope_for, visible
from gridgov.ledger.models import Account, AccountKind
from gridgov.people.caching import no_store
from gridgov.structure.codes import prefix, subtree_q
from gridgov.structure.models import Unit, UnitKind

from ..forms import DonationForm, ExpiryRuleForm, FundingForm, TransferForm
from ..models import Movement, MovementKind
from ..services import expiry, movements
from ..services.accounts import MINUTES, accounts_of, history, owners
from ..services.figures import overview

HISTORY_PAGE = 20


def _person(user):
    from gridgov.people.models import Person

    return Person.objects.select_related("unit").filter(user=user).first()


def _refused(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# -- a resident's points and minutes --------------------------------------------------------------
def _mine_context(request, person, donation_form=None) -> dict:
    accounts = list(visible(request.user, accounts_of(person))) if person else []
    family = list(movements.family(person)) if person else []
    minutes = next((account for account in accounts if account.unit == MINUTES), None)
    donations = visible(request.user, Movement.objects.filter(kind=MovementKind.DONATION)) \
        .filter(Q(giver=person) | Q(recipient=person)).select_related("giver", "recipient")[:10] if person else []
    return {"person": person, "accounts": accounts, "family": family, "minutes_account": minutes,
            "donations": donations,
            "donation_form": donation_form or (DonationForm(family=family) if family else None)}


@login_required
@no_store
def mine(request):
    """我的积分 / 我的时间银行: the signed-in resident's accounts, family donations, and giving."""
    scope = scope_for(request.user)
    if not scope.roles & SELF_ROLES and scope.roles & PARTICIPATION_STAFF_ROLES:
        return redirect("timebank-communities")
    return render(request, "timebank/mine.html", _mine_context(request, _person(request.user)))


@login_required
@require_POST
def donate(request):
    person = _person(request.user)
    family = list(movements.family(person)) if person else []
    form = DonationForm(request.POST, family=family)
    if form.is_valid():
        try:
            movements.donate(request.user, recipient_id=form.cleaned_data["recipient"],
                             minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"])
        except ValidationError as error:
            _refused(form, error)
        else:
            return redirect("timebank-mine")
    return render(request, "timebank/mine.html", _mine_context(request, person, form), status=422)


# -- an account's history -------------------------------------------------------------------------
@login_required
@no_store
def account(request, pk):
    """An account in the user's scope: balance and entries (memo, kind, date, amount, running
    balance), newest first, paged."""
    acct = get_visible_or_404(request.user, Account.objects.all(), pk=pk)
    page = Paginator(range(acct.postings.count()), HISTORY_PAGE).get_page(request.GET.get("page"))
    _count, rows = history(acct, limit=HISTORY_PAGE, offset=(page.number - 1) * HISTORY_PAGE)
    return render(request, "timebank/account.html", {"account": acct, "owner": owners([acct])[acct.pk],
                                                     "rows": rows, "page": page})


# -- staff: the communities and one community's time bank -----------------------------------------
def _staff_communities(user):
    roots = scope_for(user).roots(PARTICIPATION_STAFF_ROLES)
    if not roots:
        raise PermissionDenied(_("Only community, street and district staff see the communities' time banks."))
    within = Q(pk__in=[])
    for root in roots:
        within |= subtree_q("code", root)
    return visible(user, Unit.objects.filter(within, kind=UnitKind.COMMUNITY)).order_by("code")


@login_required
def communities(request):
    """The communities the user runs, each with its members' minutes and its time bank."""
    units = list(_staff_communities(request.user))
    if len(units) == 1:
        return redirect("timebank-community", code=units[0].code)
    members, holders = defaultdict(int), defaultdict(int)
    roots = scope_for(request.user).roots(PARTICIPATION_STAFF_ROLES)
    placed = Q(pk__in=[])
    for root in roots:
        placed |= subtree_q("place_code", root)
    accounts = visible(request.user, Account.objects.filter(placed, kind=AccountKind.PERSON, unit=MINUTES))
    for place_code, balance in accounts.values_list("place_code", "balance"):
        community = prefix(place_code, "community")
        members[community] += balance
        holders[community] += balance > 0
    banks = dict(Account.objects.filter(kind=AccountKind.UNIT, unit=MINUTES,
                                        owner_key__in=[f"unit:{unit.code}" for unit in units])
                 .values_list("owner_key", "balance"))
    rows = [{"unit": unit, "members": members[unit.code], "holders": holders[unit.code],
             "bank": banks.get(f"unit:{unit.code}", 0)} for unit in units]
    return render(request, "timebank/communities.html", {
        "rows": rows, "may_set_expiry": any(a.role == Role.DISTRICT_ADMIN for a in scope_for(request.user).assignments)})


def _community_context(request, code, *, transfer_form=None, funding_form=None) -> dict:
    data = overview(request.user, code)
    community = data["community"]
    district = Unit.objects.get(code=community.district_code)
    chart = {"weeks": [row["week"].strftime("%m-%d") for row in data["weekly"]],
             "deposited": [row["deposited"] for row in data["weekly"]],
             "withdrawn": [row["withdrawn"] for row in data["weekly"]],
             "labels": {"deposited": _("Deposited"), "withdrawn": pgettext("time bank", "Withdrawn"), "minutes": _("minutes")}}
    names = dict(Unit.objects.filter(code__in={m.from_code for m in data["movements"]} |
                                     {m.to_code for m in data["movements"]}).values_list("code", "short_name"))
    rows = []
    for movement in data["movements"]:
        out = movement.from_code == community.code
        other = movement.to_code if out else movement.from_code
        rows.append({"movement": movement, "out": out, "other": names.get(other, other)})
    return {**data, "chart": chart, "movement_rows": rows,
            "transfer_form": transfer_form or TransferForm(),
            "funding_form": funding_form or (FundingForm() if may(request.user, DISTRICT_ROLES, district) else None)}


@login_required
@no_store
def community(request, code):
    return render(request, "timebank/community.html", _community_context(request, code))


@login_required
@require_POST
def transfer(request, code):
    form = TransferForm(request.POST)
    if form.is_valid():
        try:
            movements.transfer(request.user, from_code=code, to_code=form.cleaned_data["to_community"],
                               minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"])
        except ValidationError as error:
            _refused(form, error)
        else:
            return redirect("timebank-community", code=code)
    return render(request, "timebank/community.html", _community_context(request, code, transfer_form=form),
                  status=422)


@login_required
@require_POST
def fund(request, code):
    form = FundingForm(request.POST)
    if form.is_valid():
        try:
            movements.fund(request.user, community_code=code, minutes=form.cleaned_data["minutes"],
                           note=form.cleaned_data["note"])
        except ValidationError as error:
            _refused(form, error)
        else:
            return redirect("timebank-community", code=code)
    return render(request, "timebank/community.html", _community_context(request, code, funding_form=form),
                  status=422)


# -- the district's points expiry rule ------------------------------------------------------------
@login_required
def expiry_rule(request):
    """A district administrator sets the district's points expiry rule."""
    codes = [a.unit_code for a in scope_for(request.user).assignments if a.role == Role.DISTRICT_ADMIN]
    if not codes:
        raise PermissionDenied(_("Only the district's administrators set the points expiry rule."))
    district = expiry.district_of(request.user, prefix(codes[0], "district"))
    rule = expiry.rule_of(district.code)
    status = 200
    if request.method == "POST":
        form = ExpiryRuleForm(request.POST)
        if form.is_valid():
            try:
                expiry.set_rule(request.user, district_code=district.code, days=form.cleaned_data["days"],
                                active=form.cleaned_data["active"])
            except ValidationError as error:
                _refused(form, error)
            else:
                return redirect(reverse("timebank-expiry") + "?saved=1")
        status = 422
    else:
        form = ExpiryRuleForm(initial={"days": rule.days if rule else 365, "active": rule.active if rule else True})
    return render(request, "timebank/expiry.html", {"district": district, "rule": rule, "form": form,
                                                    "saved": request.GET.get("saved") == "1"}, status=status)
