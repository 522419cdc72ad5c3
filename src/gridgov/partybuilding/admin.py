"""Vanguard posts in the back office (a post's title, place and duties are corrected there; holders
change through the services, which journal them); scoped and journaled as every back-office edit."""
from django.contrib import admin

from gridgov.accounts.admin_scope import ScopedAdmin

from .models import VanguardPost


@admin.register(VanguardPost)
class VanguardPostAdmin(ScopedAdmin):
    list_display = ["title", "unit", "holder", "held_from", "held_to"]
    readonly_fields = ["holder", "held_from", "held_to"]
