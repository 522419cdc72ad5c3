from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        from gridgov.structure.codes import subtree_q

        from .models import ApiToken, RoleAssignment
        from .scope import Rule, register

        def accounts_answered_for(scope):
            """The accounts a staff member answers for: those with a role, and every role of theirs
            in the staff member's people scope. An account with a role elsewhere as well belongs to
            another district too, and whoever may change it (its password, its tokens) could take
            it over there; a superuser's account is nobody's but a superuser's."""
            inside = Q(pk__in=[])
            for code in scope.people_codes:
                inside |= subtree_q("unit__code", code)
            roles = RoleAssignment.objects.all()
            return (Q(pk__in=roles.filter(inside).values("user")) & ~Q(pk__in=roles.exclude(inside).values("user"))
                    & Q(is_superuser=False))

        user_model = get_user_model()
        register(user_model, Rule(extra=accounts_answered_for))
        register(ApiToken, Rule(extra=lambda scope: Q(
            user__in=user_model.objects.filter(accounts_answered_for(scope)).values("pk"))))
        # Who holds which role is seen, like the people, by the staff of the unit's subtree.
        register(RoleAssignment, Rule(unit_path="unit__code", personal=True))
