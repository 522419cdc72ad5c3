from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MicroprojectsConfig(AppConfig):
    name = "gridgov.microprojects"
    verbose_name = _("Micro-projects")

    def ready(self):
        from django.db.models import Q

        from gridgov.accounts.scope import Rule, register
        from gridgov.core import figures, jobs
        from gridgov.structure.codes import prefix

        from . import menu
        from .figures import FIGURE_SET
        from .models import Evaluation, FundingLine, MicroprojectSettings, Milestone, Need, Project, Resource, Spend
        from .services import evaluations

        def own_community(path):
            """Anyone working or living inside a community sees its lists and projects: they are
            public to it (公开), and residents evaluate what serves them."""
            def extra(scope):
                codes = {prefix(code, "community") for code in scope.structure_codes if len(code) > 12}
                return Q(**{f"{path}__in": codes}) if codes else Q(pk__in=[])
            return extra

        for model, path in ((Need, "community__code"), (Resource, "community__code"), (Project, "community__code"),
                            (FundingLine, "project__community__code"), (Milestone, "project__community__code"),
                            (Spend, "line__project__community__code")):
            register(model, Rule(unit_path=path, extra=own_community(path)))
        register(Evaluation, Rule(unit_path="project__community__code", personal=True, person_path="person"))
        register(MicroprojectSettings, Rule(district_path="district_code"))

        jobs.register("microprojects-evaluations", lambda now: evaluations.tick(now=now))
        figures.register(FIGURE_SET)
        menu.register_entries()
