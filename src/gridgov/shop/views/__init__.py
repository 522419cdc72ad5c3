"""The shop's pages: the shop and my orders (residents and party members, on their phones), one
order, and the counter (shop keepers and community staff). Each change is a POST that calls one
service and comes back to the page with what happened; a refusal is shown, never half done."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.errors import NotFound
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit, UnitKind

from ..models import Item, Order, OrderEntry, OrderStatus
from ..services import items, orders
from ..services.access import buyer_person, community_of, is_keeper, keeper_communities
from ..services.accounts import points_balance


def _refused(request, error):
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else (str(error) or _("Not allowed."))
    messages.error(request, text)


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _whole(value):
    """A form's whole number, or the text itself (the service refuses it with its message)."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return value


def _orders():
    return Order.objects.select_related("item", "community", "person")


# -- residents ------------------------------------------------------------------------------------
@login_required
def shop(request):
    """The buyer's own community's shop: items with price and stock, and their points."""
    try:
        person = buyer_person(request.user)
    except PermissionDenied:
        if keeper_communities(request.user):
            return redirect("shop-keeper")
        raise
    community = community_of(person)
    on_sale = visible(request.user, Item.objects.filter(community__code=community, active=True)).order_by("price", "name")
    waiting = _orders().filter(buyer=request.user, status=OrderStatus.PLACED).count()
    return render(request, "shop/shop.html", {
        "items": on_sale, "balance": points_balance(person), "waiting": waiting,
        "community": Unit.objects.filter(code=community).first()})


@login_required
@require_POST
def order_item(request, pk):
    item = get_visible_or_404(request.user, Item.objects.all(), pk=pk)
    try:
        order = orders.place_order(request.user, item, _whole(request.POST.get("quantity", "1")))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
        return redirect("shop")
    messages.success(request, _("Ordered. Show the code %(code)s at the shop to pick it up.") % {"code": order.code})
    return redirect("shop-order", pk=order.pk)


@login_required
def my_orders(request):
    mine = _orders().filter(buyer=request.user)
    return render(request, "shop/my_orders.html", {"orders": mine[:100]})


@login_required
def order_page(request, pk):
    order = get_visible_or_404(request.user, _orders(), pk=pk)
    return render(request, "shop/order.html", {
        "order": order, "own": order.buyer_id == request.user.pk, "keeper": is_keeper(request.user, order.community),
        "entries": OrderEntry.objects.filter(order=order).select_related("actor").order_by("seq")})


@login_required
@require_POST
def cancel_order(request, pk):
    order = get_visible_or_404(request.user, Order.objects.all(), pk=pk)
    try:
        orders.cancel(request.user, order, reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("The order is cancelled; the points are back."))
    return _back(request, reverse("shop-order", args=[pk]))


# -- the counter ----------------------------------------------------------------------------------
def _keeper_units(user) -> list[Unit]:
    """The communities whose shop ``user`` keeps (a staff role above a community keeps all below)."""
    roots = keeper_communities(user)
    if not roots:
        return []
    q = Q(pk__in=[])
    for code in roots:
        q |= subtree_q("code", code)
    return list(Unit.objects.filter(q, kind=UnitKind.COMMUNITY).order_by("code"))


@login_required
def keeper(request):
    """The counter: hand over by code, waiting orders, stock, new items, history."""
    units = _keeper_units(request.user)
    if not units:
        raise PermissionDenied(_("Only shop keepers and community staff keep a shop."))
    chosen = request.GET.get("community")
    community = next((unit for unit in units if unit.code == chosen), units[0])
    mine = visible(request.user, _orders().filter(community=community))
    return render(request, "shop/keeper.html", {
        "units": units, "community": community,
        "waiting": mine.filter(status=OrderStatus.PLACED).order_by("placed_at")[:200],
        "history": mine.exclude(status=OrderStatus.PLACED).order_by("-closed_at")[:50],
        "items": Item.objects.filter(community=community).order_by("-active", "name")})


@login_required
@require_POST
def pick_up_code(request):
    try:
        order = orders.pick_up_by_code(request.user, request.POST.get("code", ""))
    except NotFound:
        messages.error(request, _("No waiting order has this pick-up code."))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Handed over: %(item)s × %(quantity)s to %(buyer)s.")
                         % {"item": order.item.name, "quantity": order.quantity, "buyer": order.person.name})
    return _back(request, reverse("shop-keeper"))


@login_required
@require_POST
def pick_up_order(request, pk):
    order = get_visible_or_404(request.user, Order.objects.all(), pk=pk)
    try:
        orders.pick_up(request.user, order)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("Handed over."))
    return _back(request, reverse("shop-keeper"))


@login_required
@require_POST
def new_item(request):
    community = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("community", ""))
    try:
        item = items.create_item(request.user, community, name=request.POST.get("name", ""),
                                 description=request.POST.get("description", ""),
                                 price=_whole(request.POST.get("price")), stock=_whole(request.POST.get("stock")))
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("“%(item)s” is on sale.") % {"item": item.name})
    return redirect(f"{reverse('shop-keeper')}?community={community.code}")


@login_required
@require_POST
def edit_item(request, pk):
    item = get_visible_or_404(request.user, Item.objects.select_related("community"), pk=pk)
    changes = {"stock": _whole(request.POST.get("stock")), "price": _whole(request.POST.get("price")),
               "active": request.POST.get("active") == "on"}
    try:
        items.update_item(request.user, item, **{k: v for k, v in changes.items() if v not in ("", None)})
    except (ValidationError, PermissionDenied) as error:
        _refused(request, error)
    else:
        messages.success(request, _("“%(item)s” saved.") % {"item": item.name})
    return redirect(f"{reverse('shop-keeper')}?community={item.community.code}")



