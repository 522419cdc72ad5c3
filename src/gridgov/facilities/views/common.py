"""What the facilities pages share: who may open them, the units a user records facilities for,
and a refused form shown again with its message (status 400) instead of an error page."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from gridgov.accounts.roles import FACILITY_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for
from gridgov.structure.codes import subtrees_q
from gridgov.structure.models import Unit, UnitKind

from ..services.register import SERVING_KINDS


def staff_roots(user) -> tuple[str, ...]:
    """The units whose facilities the user keeps (a superuser: every district); refused when none."""
    if user.is_superuser:
        return tuple(Unit.objects.filter(kind=UnitKind.DISTRICT).values_list("code", flat=True))
    roots = scope_for(user).roots(FACILITY_STAFF_ROLES)
    if not roots:
        raise PermissionDenied(_("Only community, street and district staff see the facilities."))
    return roots


def serving_units(user) -> list[Unit]:
    """The units a facility recorded by ``user`` may serve: theirs and those below, down to the grids."""
    return list(Unit.objects.filter(subtrees_q("code", staff_roots(user)), kind__in=SERVING_KINDS)
                .defer("boundary").order_by("code"))


def unit(request, code) -> Unit:
    staff_roots(request.user)
    return get_visible_or_404(request.user, Unit.objects.all(), code=code)


def refused(request, template, context, error) -> object:
    """The page again, the form's values kept and the refusal's message shown (400)."""
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return render(request, template, {**context, "errors": messages, "posted": request.POST}, status=400)
