from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    verbose_name = _("People")

    def ready(self):
        from . import menu

        menu.register_entries()

        from gridgov.accounts.scope import Rule, register
        from gridgov.structure.models import PartyMembership

        from .models import Person, RevealLog

        register(Person, Rule(unit_path="unit__code", personal=True, person_path="pk"))
        register(PartyMembership, Rule(unit_path="org__unit__code", personal=True, person_path="person"))
        register(RevealLog, Rule(unit_path="person__unit__code", personal=True))
