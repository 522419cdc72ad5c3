from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "gridgov.shop"
    verbose_name = _("Points shop")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.roles import SELF_ROLES, Role
        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs
        from gridgov.structure.codes import prefix, subtree_q

        from . import menu
        from .models import Item, Order, ShopSettings
        from .services import orders
        from .services.figures import FIGURE_SET

        def own_community(scope):
            """Residents and party members see the items of the community they are registered in."""
            codes = {prefix(a.unit_code, "community") for a in scope.assignments if a.role in SELF_ROLES}
            codes.discard(None)
            return Q(community__code__in=sorted(codes)) if codes else Q(pk__in=[])

        def kept(scope):
            """A shop keeper sees the orders of the shops they keep (staff see them as personal data
            of their subtree already)."""
            q = Q(pk__in=[])
            for code in scope.roots({Role.SHOP_KEEPER}):
                q |= subtree_q("community__code", code)
            return q

        register(ShopSettings, Rule(district_path="district__code"))
        register(Item, Rule(unit_path="community__code", extra=own_community))
        register(Order, Rule(unit_path="community__code", personal=True, person_path="person", extra=kept))

        menu.register_entries()
        jobs.register("shop-expiry", orders.expire_due)
        figures.register(FIGURE_SET)
