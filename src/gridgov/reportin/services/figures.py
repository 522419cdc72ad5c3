"""The 双报到 figures (``core.figures`` set ``reportin``), computed from this app's tables and
volunteering's verified service records. Each unit's figures cover its subtree, as of ``end``'s
year: see ``docs/reportin.md`` for each definition."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
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
    value = ReportinSettings.objects.filter(district__code=district_code).values_list("services_target", flat=True).first()
    return DEFAULT_SERVICES_TARGET if value is None else value


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
    year = end.year
    year_start = dt.date(year, 1, 1)
    out = {}
    for code in unit_codes:
        members = list(MemberRegistration.objects.filter(codes.subtree_q("person__unit__code", code), year=year,
                                                         state=MemberState.ACTIVE)
                       .values_list("person_id", flat=True).distinct())
        units = UnitYear.objects.filter(codes.subtree_q("unit__community__code", code), year=year,
                                        unit__state=UnitState.ACTIVE).values("unit").distinct().count()
        pledges = Pledge.objects.filter(codes.subtree_q("unit__community__code", code), withdrawn=False,
                                        unit__state=UnitState.ACTIVE, unit__years__year=year).distinct().count()
        found = records.summaries(members, year_start, end) if members else {}
        services = sum(s.services for s in found.values())
        served = sum(1 for s in found.values() if s.services > 0)
        district = codes.prefix(code, "district")
        out[code] = {
            "members_registered": len(members),
            "units_registered": units,
            "services_per_member": round(services / len(members), 2) if members else None,
            "services_target": services_target(district) if district else DEFAULT_SERVICES_TARGET,
            "members_served_share": round(served / len(members), 4) if members else None,
            "pledges": pledges,
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
