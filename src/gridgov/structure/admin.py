"""The back office for the district's structure: units, departments, places and party organisations.

Related units and places are picked by search (autocomplete): a district has thousands of them.
"""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import Building, Compound, Department, Gate, Household, PartyMembership, PartyOrg, Unit


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["code", "short_name", "kind", "parent"]
    list_filter = ["kind", "is_village"]
    list_select_related = ["parent"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["short_name", "name", "code", "district"]
    list_select_related = ["district"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["district"]


@admin.register(Compound)
class CompoundAdmin(ScopedAdmin):
    list_display = ["name", "kind", "community", "grid", "instructor"]
    list_filter = ["kind"]
    list_select_related = ["community", "grid", "instructor"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["community", "grid", "instructor"]


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["__str__", "compound", "microgrid", "floors", "entrances"]
    list_select_related = ["compound", "microgrid"]
    search_fields = ["name", "compound__name"]
    autocomplete_fields = ["compound", "microgrid"]


@admin.register(Gate)
class GateAdmin(ScopedAdmin):
    list_display = ["__str__", "compound", "lat", "lng"]
    list_select_related = ["compound"]
    search_fields = ["name", "compound__name"]
    autocomplete_fields = ["compound"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "building"]
    list_select_related = ["building__compound"]
    search_fields = ["room", "building__name", "building__compound__name"]
    autocomplete_fields = ["building"]


@admin.register(PartyOrg)
class PartyOrgAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "parent"]
    list_filter = ["kind"]
    list_select_related = ["unit", "parent"]
    search_fields = ["name", "unit__code", "unit__short_name"]
    autocomplete_fields = ["parent", "unit"]
    filter_horizontal = ["compounds"]


@admin.register(PartyMembership)
class PartyMembershipAdmin(ScopedAdmin):
    list_display = ["person", "org", "role"]
    list_filter = ["role"]
    list_select_related = ["person", "org"]
    search_fields = ["person__name", "org__name"]
    autocomplete_fields = ["org", "person"]
