from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "gridgov.structure"
    verbose_name = _("Structure")

    def ready(self):
        from . import menu

        menu.register_entries()

        from gridgov.accounts.scope import Rule, register

        from .models import Building, Compound, Department, Gate, Household, PartyOrg, Unit

        register(Unit, Rule(unit_path="code"))
        register(Compound, Rule(unit_path="grid__code"))
        register(Building, Rule(unit_path="microgrid__code"))
        register(Gate, Rule(unit_path="compound__grid__code"))
        register(Household, Rule(unit_path="building__microgrid__code"))
        register(PartyOrg, Rule(unit_path="unit__code"))
        register(Department, Rule(district_path="district__code"))

        from gridgov.core import stamps

        from .services import PLACES_STAMP

        stamps.bump_on_change(PLACES_STAMP, Unit, Compound, Building, Gate)
