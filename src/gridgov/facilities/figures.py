"""The facilities figures (``core.figures`` key ``facilities``), defined in docs/facilities.md and
tested against numbers worked out by hand. They are a state, not a flow: coverage as the district's
latest finished run measured it, compliance as the facilities stand now; the period is ignored."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import per_subtree, subtrees_q
from gridgov.structure.models import Unit, UnitKind

from .models import CoverageResult, CoverageRun, Facility, RunStatus
from .services import compliance


def _share(part, whole):
    return round(part / whole, 4) if whole else None


def _latest_runs(codes: Sequence[str]) -> list[int]:
    districts = {code[:6] for code in codes}
    runs = []
    for district in districts:
        run = CoverageRun.objects.filter(district_code=district, status=RunStatus.DONE).order_by("-started_at", "-pk") \
            .values_list("pk", flat=True).first()
        if run:
            runs.append(run)
    return runs


def _compliance(codes: Sequence[str]) -> dict[str, tuple[int, int]]:
    communities = list(Unit.objects.filter(subtrees_q("code", codes), kind=UnitKind.COMMUNITY).defer("boundary"))
    checked = compliance.of_communities(communities)
    return {code: (sum(1 for c in checked if c.community.code.startswith(code) and c.meets),
                   sum(1 for c in checked if c.community.code.startswith(code))) for code in codes}


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        return {}
    results = CoverageResult.objects.filter(run__in=_latest_runs(codes))
    service = per_subtree(results.filter(kind__isnull=False), "community__code", codes,
                          households=Sum("households"), covered=Sum("households_covered"),
                          special=Sum("special"), special_covered=Sum("special_covered"))
    response = per_subtree(results.filter(kind__isnull=True), "community__code", codes,
                           households=Sum("households"), covered=Sum("households_covered"))
    facilities = per_subtree(Facility.objects.filter(active=True), "unit__code", codes, n=Count("pk"))
    meeting = _compliance(codes)
    return {code: {
        "service_coverage": _share(service[code]["covered"], service[code]["households"]),
        "special_coverage": _share(service[code]["special_covered"], service[code]["special"]),
        "response_coverage": _share(response[code]["covered"], response[code]["households"]),
        "area_standard": _share(*meeting[code]),
        "facilities": facilities[code]["n"],
    } for code in codes}


FIGURE_SET = FigureSet(
    key="facilities",
    label=_("Facilities and the 15-minute circle"),
    order=90,
    figures=(
        Figure("service_coverage", _("Households within the circle"), "share",
               _("Households within each kind's circle on the walk network ÷ households, over every active kind.")),
        Figure("special_coverage", _("Special groups within the circle"), "share",
               _("The same for people in special groups, at the elderly's walking speed.")),
        Figure("response_coverage", _("Households in the response circle"), "share",
               _("Households that every response kind (emergency team, mediation room …) reaches within its circle.")),
        Figure("area_standard", _("Communities meeting the area standard"), "share",
               _("(Community, kind) pairs whose facilities' floor area meets the kind's standard ÷ all such pairs.")),
        Figure("facilities", _("Facilities in service"), "count", _("Facilities in service in the unit.")),
    ),
    compute=compute,
    headline=("service_coverage", "response_coverage", "area_standard"),
)
