from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "gridgov.cases"
    verbose_name = _("Cases")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register

        from .models import Assignment, Case, WhistleCall

        def dispatched_or_reported(scope):
            """A department sees the cases dispatched or whistled to it; a resident the cases they
            reported, including those merged into another."""
            q = Q(pk__in=[])
            if scope.department_ids:
                q |= Q(pk__in=Assignment.objects.filter(department__in=scope.department_ids).values("case"))
                q |= Q(pk__in=WhistleCall.objects.filter(department__in=scope.department_ids).values("whistle__case"))
            if scope.person_ids:
                mine = Case.objects.filter(reporter__in=scope.person_ids)
                q |= Q(pk__in=mine.values("pk")) | Q(pk__in=mine.filter(merged_into__isnull=False).values("merged_into"))
            return q

        register(Case, Rule(unit_path="unit__code", personal=True, extra=dispatched_or_reported))

        # The spatial index of services.locate holds unit ids and boundaries: drop a district's
        # index when one of its units is saved or deleted, so it is rebuilt from the new data.
        from django.db.models.signals import post_delete, post_save

        from gridgov.structure.models import Unit

        from .services.locate import invalidate

        def unit_changed(sender, instance, **kwargs):
            invalidate(instance.code[:6])

        post_save.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="cases_locate_unit_saved")
        post_delete.connect(unit_changed, sender=Unit, weak=False, dispatch_uid="cases_locate_unit_deleted")
