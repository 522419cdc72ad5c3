"""The unit page and its map: what a district, street, community, grid or micro-grid is made of.

Everything is read through the scope: the unit itself comes from ``get_visible_or_404`` (outside
the scope is indistinguishable from missing), and every list on the page goes through ``visible``.
"""
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import SELF_ROLES
from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core import sections
from gridgov.people.models import Person

from . import codes
from .models import PartyMembership, PartyRole, Unit, UnitKind
from .services import child_counts, compounds_in, coverage

# Counts and table headings name several units; the model's kind labels are singular.
KIND_PLURALS = {
    UnitKind.STREET: _("Streets / towns"),
    UnitKind.COMMUNITY: _("Communities / villages"),
    UnitKind.GRID: _("Grids"),
    UnitKind.MICROGRID: _("Micro-grids"),
}

# Compounds are listed from the community down; above that a page would list hundreds of them.
COMPOUND_LIST_KINDS = {UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.MICROGRID}


def _percent(part: int, whole: int) -> float | None:
    """A share as a percentage with one decimal, rounded down so that 100% only ever means all."""
    return (part * 1000 // whole) / 10 if whole else None


def _coverage_figures(unit: Unit) -> dict:
    """"两个覆盖" of a unit as the page and the map show it: counts and percentages."""
    figures = coverage(unit)
    return {
        "compounds": figures.compounds,
        "organisation_covered": figures.organisation_covered,
        "work_covered": figures.work_covered,
        "organisation_percent": _percent(figures.organisation_covered, figures.compounds),
        "work_percent": _percent(figures.work_covered, figures.compounds),
    }


def _children(user, children):
    """The visible ``children``, each with the number of units directly below it and its coverage.

    Coverage costs one query per child; a unit has tens of children at most (a street's
    communities, a community's grids), so the page stays cheap.
    """
    return [(child, _coverage_figures(child)) for child in visible(user, children.annotate(below=Count("children")))]


def _unit(request, code: str) -> Unit:
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


@login_required
def unit_page(request, code):
    """One unit as its staff work with it: where it sits, what lies below, who runs it, coverage.

    Ancestors are named in the breadcrumb (people know where they are) but linked only when
    visible, so that a grid worker is never sent to a page that answers 404.
    """
    unit = _unit(request, code)
    user = request.user
    shown = sections.for_unit(user, unit.kind)
    ancestors = list(unit.ancestors())
    visible_ancestors = set(visible(user, unit.ancestors()).values_list("code", flat=True))
    grandchild_kind = codes.child_kind(unit.child_kind) if unit.child_kind else None
    secretaries = visible(user, PartyMembership.objects.filter(role=PartyRole.SECRETARY).select_related("person"))
    compounds = None
    if unit.kind in COMPOUND_LIST_KINDS:
        compounds = visible(user, compounds_in(unit)).select_related("grid").annotate(
            building_count=Count("buildings", distinct=True), org_count=Count("party_orgs", distinct=True))
    return render(request, "structure/unit.html", {
        "unit": unit,
        "ancestors": [(ancestor, ancestor.code in visible_ancestors) for ancestor in ancestors],
        "counts": [(KIND_PLURALS[kind], n) for kind, n in child_counts(unit).items()],
        "residents": visible(user, Person.objects.filter(codes.subtree_q("unit__code", unit.code))).count(),
        "coverage": _coverage_figures(unit),
        "children": _children(user, unit.children.defer("boundary")),
        "child_kind": KIND_PLURALS.get(unit.child_kind),
        "grandchild_kind": KIND_PLURALS.get(grandchild_kind),
        "has_map": visible(user, unit.children.filter(boundary__isnull=False)).exists(),
        "party_orgs": visible(user, unit.party_orgs.annotate(compound_count=Count("compounds")).prefetch_related(
            Prefetch("memberships", queryset=secretaries, to_attr="secretaries"))),
        # Staff assigned here are public-facing; the unit being visible is what grants seeing them.
        "staff": RoleAssignment.objects.filter(unit=unit).exclude(role__in=SELF_ROLES)
        .select_related("user", "department").order_by("role", "user__username"),
        "compounds": compounds,
        "sections": shown,
        "section_scripts": list(dict.fromkeys(script for section in shown for script in section.scripts)),
    })


@login_required
def unit_map(request, code):
    """The visible children as a GeoJSON FeatureCollection for the unit page's map.

    A child without a recorded boundary is still a feature (with a null geometry, as GeoJSON
    allows) so that the collection always lists exactly the children the user may see.
    """
    unit = _unit(request, code)
    features = [
        {
            "type": "Feature",
            "id": child.code,
            "geometry": child.boundary,
            "properties": {
                "code": child.code,
                "name": child.short_name,
                "official_name": child.name,
                "kind": child.kind,
                "url": reverse("unit", args=[child.code]),
                **figures,
            },
        }
        for child, figures in _children(request.user, unit.children.all())
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})
