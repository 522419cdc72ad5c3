"""One endpoint per registered case action, ``POST /cases/{code}/actions/{action}``, each with its
own body schema in the OpenAPI document: the action registry (``gridgov.cases.actions``) says which
actions there are, their summaries, bodies and services. The endpoint finds the case in the
caller's scope, turns the body into the service's arguments and answers the updated case; the
service checks role, scope and state again inside its own locked transaction."""
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from gridgov.accounts.scope import get_visible_or_404
from gridgov.core.api import errors

from ..actions import Declared, registry
from ..models import Case
from .cases import detail, router
from .parsing import JsonOrForm, multipart, photo_files
from .schemas import CaseCode, CaseDetailOut


def _action_view(declared: Declared):
    schema = declared.body

    def act(request, code, body):
        case = get_visible_or_404(request.user, Case.objects.all(), **Case.by_code(code))
        arguments = (body if body is not None else schema()).arguments(request.user, case)
        if declared.photos:
            arguments["photos"] = photo_files(request)
        declared.service(request.user, case, **arguments)
        return detail(case)

    if any(field.is_required() for field in schema.model_fields.values()):
        def view(request, code: CaseCode, body: JsonOrForm[schema]):
            return act(request, code, body)
    else:  # the body may be left out altogether
        def view(request, code: CaseCode, body: JsonOrForm[schema] = None):
            return act(request, code, body)

    view.__name__ = f"case_{declared.action}"
    return view


for _declared in registry():
    router.add_api_operation(
        f"/{{code}}/actions/{_declared.action}", ["POST"], _action_view(_declared),
        response={200: CaseDetailOut, **errors(400, 401, 403, 404, 409, 422)}, summary=_declared.summary,
        operation_id=f"case_action_{_declared.action}",
        description=f"{_declared.summary}\n\nAnswers the updated case. Refusals: 409 when the case's state does not "
                    f"allow it, 403 for a wrong role, 404 outside the caller's scope, 422 for bad input.",
        openapi_extra=multipart(_declared.body.__name__) if _declared.photos else None)


@router.post("/{code}/actions/{action}", include_in_schema=False)
def unknown_action(request, code: CaseCode, action: str):
    """Any other action name: 404 with a JSON detail, like every other refusal."""
    get_visible_or_404(request.user, Case.objects.all(), code=code)
    raise HttpError(404, _("There is no action “%(action)s”.") % {"action": action})
