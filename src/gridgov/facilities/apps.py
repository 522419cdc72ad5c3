from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "gridgov.facilities"
    verbose_name = _("Facilities")

    def ready(self):
        from gridgov.accounts.roles import FACILITY_STAFF_ROLES
        from gridgov.accounts.scope import Rule, register, scope_for
        from gridgov.core import figures, jobs, sections, stamps
        from gridgov.structure.models import UnitKind

        from . import menu
        from .figures import FIGURE_SET
        from .models import (
            CandidateSite,
            CoverageResult,
            CoverageRun,
            CoverageSettings,
            Facility,
            FacilityKind,
            FacilityPhoto,
            UncoveredBuilding,
            WalkNetwork,
        )
        from .services import coverage
        from .services.networks import FACILITIES_STAMP

        # Facilities and standards are public within the district: anyone working there sees them.
        register(FacilityKind, Rule(unit_path="district__code", district_path="district__code"))
        register(CoverageSettings, Rule(unit_path="district__code", district_path="district__code"))
        register(Facility, Rule(unit_path="unit__code", district_path="district_code"))
        register(FacilityPhoto, Rule(unit_path="facility__unit__code", district_path="facility__district_code"))
        register(WalkNetwork, Rule(district_path="district_code"))
        register(CoverageRun, Rule(district_path="district_code"))
        # So is what coverage found: where the circle falls short is the district's planning, not personal data.
        register(CoverageResult, Rule(unit_path="community__code", district_path="run__district_code"))
        register(UncoveredBuilding, Rule(unit_path="building__microgrid__code", district_path="run__district_code"))
        register(CandidateSite, Rule(unit_path="community__code", district_path="run__district_code"))

        stamps.bump_on_change(FACILITIES_STAMP, Facility, FacilityKind, CoverageSettings)
        jobs.register("facilities-coverage", coverage.watch)
        figures.register(FIGURE_SET)
        menu.register_entries()
        sections.register(sections.Section(
            _("Facilities and the 15-minute circle"), "facilities-unit-section",
            (UnitKind.DISTRICT, UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID),
            shown=lambda user: bool(scope_for(user).roots(FACILITY_STAFF_ROLES)),
            scripts=("facilities/facilities.js", "facilities/coverage.js")))
