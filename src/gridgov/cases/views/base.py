"""What the case screens share: the case query, urgency order, and the context of one case shown
as a card (in a list) or as the case page's panel — the two places action forms live."""
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from gridgov.accounts.scope import scope_for, visible
from gridgov.intake import duplicates
from gridgov.structure.models import Unit

from ..forms import action_forms
from ..models import Case
from ..services import timeline
from ..services.available import available_actions
from . import present

# Not the reporter: a Person row decrypts its ID and phone numbers when loaded, which a list never needs.
CASES = Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit", "merged_into",
                                    "reported_by")

# Red first, then yellow, then green; within a colour the nearest deadline first.
URGENCY = models.Case(models.When(light="red", then=0), models.When(light="yellow", then=1), default=2)


def by_urgency(cases):
    return cases.annotate(urgency=URGENCY).order_by("urgency", models.F("resolution_due").asc(nulls_last=True), "pk")


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def safe_next(request, default: str) -> str:
    """The page a plain (non-htmx) form goes back to: the posted ``next`` if it is ours."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def user_district(user) -> Unit:
    """The district the user works or lives in; reporting and its map need one."""
    district_codes = sorted(scope_for(user).district_codes)
    if not district_codes:
        raise PermissionDenied(_("Your account has no role in a district."))
    return Unit.objects.get(code=district_codes[0])


def card_context(request, case, actions=None, *, form=None, view="card", **extra) -> dict:
    """One case in a list, with the buttons of what the user may do now (``actions`` when the
    caller has already asked ``available_actions``)."""
    actions = available_actions(request.user, case) if actions is None else actions
    return {"case": case, "forms": action_forms(request.user, case, actions, view, bound=form),
            "deadline": present.deadline(case), "flags": present.flags(case),
            "return_reason": present.return_reason(case), "view": view,
            "next": extra.pop("next", request.get_full_path()), **extra}


def similar_to_merge(user, case, forms) -> list:
    """For a dispatcher who may merge the case (``forms`` holds the merge action): the open cases it
    looks like that they may see (intake's duplicate search), each a merge target one tap away."""
    if not any(form.action == "merge" for form in forms):
        return []
    return duplicates.similar_to_case(case, user)


def page_context(request, case, *, form=None, **extra) -> dict:
    """Everything about a case for the case page: the card's context plus history and evidence."""
    user = request.user
    card = card_context(request, case, form=form, view="page", next="", **extra)
    return {
        **card,
        "similar": similar_to_merge(user, case, card["forms"]),
        "timeline": present.timeline_rows(case),
        "intact": timeline.verify(case),
        "assignments": case.assignments.select_related("department"),
        "whistles": case.whistles.select_related("by").prefetch_related("calls__department"),
        "extensions": case.extensions.select_related("requested_by", "decided_by"),
        "photos": [(photo, present.PHOTO_STAGES.get(photo.stage, photo.stage)) for photo in case.photos.all()],
        "merged_cases": visible(user, case.merged_cases.all()),
        "reporter": present.reporter(user, case),
        "map": present.case_map(case),
    }
