"""Where a need comes from, and what a new need is prefilled with from its source's public reads.

A source is ``<kind>:<ref>`` (``order:12``, ``hotspot:5101130020012026…,5101130020012026…``,
``proposal:3``, ``visit:8``). Each kind is a row of :data:`PREFILLS` (kinds are data): the
function reads the source *through the caller's scope* (something they may not see is not found)
and answers the fields of the need form. A kind without a row is filed by hand with its reference.
"""
from __future__ import annotations

import os
from collections.abc import Callable

from django.utils.translation import gettext as _

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.errors import NotFound
from gridgov.structure.models import Unit

from ..models import NeedSource
from .common import community_code

#: At most this many case codes make one hot spot.
MAX_CASES = 50


def parse(source: str) -> tuple[str, str]:
    """``(kind, ref)`` of ``"kind:ref"``; NotFound for an unknown kind or an empty reference."""
    kind, _sep, ref = (source or "").partition(":")
    if kind not in NeedSource.values or kind == NeedSource.STAFF or not ref.strip() or len(ref) > 2000:
        raise NotFound
    return kind, ref.strip()


def _community(unit_code: str) -> Unit | None:
    code = community_code(unit_code)
    return Unit.objects.filter(code=code).first() if code else None


def _order(user, ref: str) -> dict:
    from gridgov.volunteering.models import ServiceOrder

    if not ref.isdigit():
        raise NotFound
    order = get_visible_or_404(user, ServiceOrder.objects.select_related("item", "resident__unit", "community"),
                               pk=int(ref))
    return {"community": order.community, "title": order.item.name[:120],
            "description": "\n".join(filter(None, [order.description, order.address])), "households": 1,
            "place_unit": order.resident.unit, "source_ref": str(order.pk)}


def _hotspot(user, ref: str) -> dict:
    from gridgov.cases.models import Case

    wanted = [code.strip() for code in ref.split(",") if code.strip()][:MAX_CASES]
    cases = list(visible(user, Case.objects.select_related("unit", "category")).filter(code__in=wanted)
                 .order_by("code"))
    if not cases:
        raise NotFound
    place = os.path.commonprefix([case.unit.code for case in cases])
    unit = Unit.objects.filter(code__in=[place[:n] for n in (18, 15, 12)]).order_by("-code").first()
    community = _community(cases[0].unit.code)
    if community is None or any(community_code(case.unit.code) != community.code for case in cases):
        raise NotFound(_("A hot spot's cases must lie in one community."))
    reporters = {case.reporter_id for case in cases if case.reporter_id}
    categories = sorted({case.category.name for case in cases})
    return {"community": community,
            "title": (_("Hot spot: %(what)s") % {"what": "、".join(categories)})[:120],
            "description": "\n".join(f"{case.code} {case.title}" for case in cases),
            "households": len(reporters), "place_unit": unit,
            "source_ref": ",".join(case.code for case in cases)}


def _proposal(user, ref: str) -> dict:
    from gridgov.deliberation.models import Proposal

    if not ref.isdigit():
        raise NotFound
    proposal = get_visible_or_404(user, Proposal.objects.select_related("community", "unit", "compound"), pk=int(ref))
    return {"community": proposal.community, "title": proposal.title, "description": proposal.description,
            "households": proposal.support_count, "place_unit": proposal.unit, "place_compound": proposal.compound,
            "source_ref": str(proposal.pk)}


def _visit(user, ref: str) -> dict:
    from gridgov.visits.models import Visit

    if not ref.isdigit():
        raise NotFound
    visit = get_visible_or_404(user, Visit.objects.select_related("unit"), pk=int(ref))
    community = _community(visit.unit.code)
    if community is None:
        raise NotFound
    return {"community": community, "title": (visit.need_text or visit.findings or _("Visit finding"))[:120],
            "description": visit.findings, "households": 1, "place_unit": visit.unit, "source_ref": str(visit.pk)}


#: kind → ``prefill(user, ref) -> fields`` (NotFound when the user may not see the source).
PREFILLS: dict[str, Callable[[object, str], dict]] = {
    NeedSource.PROPOSAL: _proposal, NeedSource.VISIT: _visit, NeedSource.ORDER: _order, NeedSource.HOTSPOT: _hotspot}


def prefill(user, source: str) -> dict:
    """The need form's fields from ``source`` (``kind:ref``), with ``source`` and ``source_ref``."""
    kind, ref = parse(source)
    reader = PREFILLS.get(kind)
    if reader is None:
        return {"source": kind, "source_ref": ref}
    return {**reader(user, ref), "source": kind}
