from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gridgov.accounts.scope import get_visible_or_404, visible

from .models import PartyOrg, Unit
from .services import child_counts, coverage


@login_required
def unit_page(request, code):
    unit = get_visible_or_404(request.user, Unit.objects.select_related("parent"), code=code)
    return render(request, "structure/unit.html", {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": visible(request.user, unit.children.all()),
        "counts": child_counts(unit),
        "coverage": coverage(unit),
        "party_orgs": visible(request.user, PartyOrg.objects.filter(unit=unit)),
    })
