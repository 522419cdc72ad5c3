"""The 双报到 figures (``core.figures`` set ``reportin``), computed from this app's tables and
volunteering's verified service records. Each unit's figures cover its subtree, as of ``end``'s
year: see ``docs/reportin.md`` for each definition."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure import codes

from ..actions import ReportinAction
from ..models import MemberRegistration, MemberState, Pledge, ReportinSettings, UnitState, UnitYear
from . import records
from .access import require_district
from .journaling import record

DEFAULT_SERVICES_TARGET = 2


def services_target(district_code: str) -> int:
    """The services each registered member is expected to give a year in this district."""
    return services_targets([district_code])[district_code]


def services_targets(district_codes) -> dict[str, int]:
    """``services_target`` for several districts in one query: ``{district_code: target}``."""
    found = dict(ReportinSettings.objects.filter(district__code__in=list(district_codes))
                 .values_list("district__code", "services_target"))
    return {code: found.get(code, DEFAULT_SERVICES_TARGET) for code in district_codes}


def set_services_target(actor, district, value: int) -> ReportinSettings:
    """Set the district's target (its administrators)."""
    require_district(actor, district)
    if district.kind != "district":
        raise ValidationError({"district": _("The target is set for a district.")})
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValidationError({"services_target": _("The target is a whole number from 0 to 100.")})
    with transaction.atomic():
        settings, _created = ReportinSettings.objects.select_for_update().get_or_create(district=district)
        before = settings.services_target
        settings.services_target = value
        settings.save(update_fields=["services_target"])
        record(settings, actor, ReportinAction.SET_TARGET, data={"from": before, "to": value})
    return settings


def compute(unit_codes, start: dt.date, end: dt.date) -> dict:
    """A fixed number of queries however many codes the board or the screen asks for (five at most:
    members, units, pledges, the members' services, the districts' targets), each over the union of
    the subtrees, its rows then credited in Python to every requested code that holds them."""
    unit_codes = list(dict.fromkeys(unit_codes))
    if not unit_codes:
        return {}
    year = end.year
    members = {code: set() for code in unit_codes}
    holding = codes.holders(unit_codes)
    rows = (MemberRegistration.objects.filter(codes.subtrees_q("person__unit__code", unit_codes), year=year,
                                              state=MemberState.ACTIVE)
            .order_by().values_list("person__unit__code", "person_id").distinct())
    for home, person in rows:
        for code in holding(home):
            members[code].add(person)
    units = codes.per_subtree(UnitYear.objects.filter(year=year, unit__state=UnitState.ACTIVE),
                              "unit__community__code", unit_codes, n=Count("unit", distinct=True))
    pledges = codes.per_subtree(Pledge.objects.filter(withdrawn=False, unit__state=UnitState.ACTIVE,
                                                      unit__years__year=year),
                                "unit__community__code", unit_codes, n=Count("pk", distinct=True))

    everyone = set().union(*members.values())
    found = records.summaries(sorted(everyone), dt.date(year, 1, 1), end) if everyone else {}
    districts = {code: codes.prefix(code, "district") for code in unit_codes}
    targets = services_targets({district for district in districts.values() if district})
    out = {}
    for code in unit_codes:
        mine = [found[person] for person in members[code]]
        services = sum(s.services for s in mine)
        served = sum(1 for s in mine if s.services > 0)
        count = len(mine)
        out[code] = {
            "members_registered": count,
            "units_registered": units[code]["n"],
            "services_per_member": round(services / count, 2) if count else None,
            "services_target": targets.get(districts[code], DEFAULT_SERVICES_TARGET),
            "members_served_share": round(served / count, 4) if count else None,
            "pledges": pledges[code]["n"],
        }
    return out


FIGURE_SET = FigureSet(
    key="reportin",
    label=gettext_lazy("Report-in (双报到)"),
    order=40,
    compute=compute,
    headline=("members_registered", "services_per_member"),
    figures=(
        Figure("members_registered", gettext_lazy("In-service members registered"), "count",
               gettext_lazy("Party members living in the area registered for the year of the period's end.")),
        Figure("units_registered", gettext_lazy("Resident units registered"), "count",
               gettext_lazy("Resident units of the area's communities registered for the year of the period's end.")),
        Figure("services_per_member", gettext_lazy("Services per registered member"), "mean",
               gettext_lazy("Verified services from 1 January to the period's end by the registered members, "
                            "divided by their number; compared with the yearly target."),
               target=DEFAULT_SERVICES_TARGET),
        Figure("services_target", gettext_lazy("Target: services per member per year"), "mean",
               gettext_lazy("What the district expects each registered member to give a year (default 2).")),
        Figure("members_served_share", gettext_lazy("Registered members who served"), "share",
               gettext_lazy("Share of the registered members with at least one verified service from 1 January "
                            "to the period's end.")),
        Figure("pledges", gettext_lazy("Resources pledged by units"), "count",
               gettext_lazy("Pledges not withdrawn of the resident units registered for the year.")),
    ),
)
