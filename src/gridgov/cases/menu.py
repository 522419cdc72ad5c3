"""The case screens in the menu: tasks, queues, a department's inbox, one's own cases."""
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.roles import DISPATCH_ROLES, GRID_ROLES, GRID_TASK_ROLES, SELF_ROLES, Role
from gridgov.core.menu import Entry, register


def register_entries() -> None:
    register(Entry(_("My tasks"), "my-tasks", 10, lambda request, scope: scope.has_role(*GRID_TASK_ROLES)))
    register(Entry(queues_label, "case-queues", 20,
                   lambda request, scope: scope.has_role(*DISPATCH_ROLES) or Role.GRID_LEADER in scope.roles))
    register(Entry(_("Department inbox"), "department-inbox", 50,
                   lambda request, scope: Role.DEPARTMENT_STAFF in scope.roles))
    register(Entry(_("My cases"), "my-cases", 61, reports_cases))


def queues_label(scope):
    """A dispatcher's queues; for a grid leader (who dispatches nothing), their grid's cases."""
    return _("Dispatch queues") if scope.has_role(*DISPATCH_ROLES) else _("My grid's cases")


def reports_cases(request, scope) -> bool:
    """Residents and party members report and follow their cases; grid workers report from patrol."""
    return bool(scope.roles & (SELF_ROLES | GRID_ROLES))
