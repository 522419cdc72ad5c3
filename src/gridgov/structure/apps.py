from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "gridgov.structure"
    verbose_name = _("Structure")

    def ready(self):
        from . import menu

        menu.register_entries()

        from gridgov.accounts.scope import Rule, register

        from .models import Building, Compound, Department, Household, PartyOrg, Unit

        register(Unit, Rule(unit_path="code"))
        register(Compound, Rule(unit_path="grid__code"))
        register(Building, Rule(unit_path="microgrid__code"))
        register(Household, Rule(unit_path="building__microgrid__code"))
        register(PartyOrg, Rule(unit_path="unit__code"))
        register(Department, Rule(district_path="district__code"))

        from django.db.models.signals import post_delete, post_save

        from . import mapdata

        def unit_changed(sender, instance, **kwargs):
            mapdata.invalidate(instance.district_code)

        post_save.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="structure_roads_unit_saved")
        post_delete.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="structure_roads_unit_deleted")
