"""What the case screens share: the case query, urgency order, and the context of one case shown
as a card (in a list) or as the case page's panel — the two places action forms live."""
from django.utils.http import url_has_allowed_host_and_scheme

from gridgov.accounts.roles import DISPATCH_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.core import journal
from gridgov.structure.models import Unit

from ..forms import action_forms
from ..models import Case
from ..services import callers, due, following
from ..services.available import available_actions
from . import present

# Not the reporter: a Person row decrypts its ID and phone numbers when loaded, which a list never needs.
# Not the case it was merged into either: a join of the case table to itself names no district
# (docs/deployment.md); ``following.master_of`` reads it by its key.
CASES = Case.objects.select_related("category", "unit", "queue", "handler_user", "handler_unit", "reported_by")

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
    return callers.home_district(user)


def card_context(request, case, actions=None, *, form=None, view="card", **extra) -> dict:
    """One case in a list, with the buttons of what the user may do now (``actions`` when the
    caller has already asked ``available_actions``). A merged case carries the public progress of
    the case it was merged into (``master``): its reporter follows that one now."""
    actions = available_actions(request.user, case) if actions is None else actions
    return {"case": case, "forms": action_forms(request.user, case, actions, view, bound=form),
            "master": following.master_of(request.user, case),
            "deadline": present.deadline(case), "flags": present.flags(case), "due": due.countdown(case),
            "return_reason": present.return_reason(case), "view": view,
            "next": extra.pop("next", request.get_full_path()), **extra}


#: What floors above the engine add to the case page (intake's merge offer): functions of the user,
#: the case and its action forms, each answering a dict for the page's template. The engine calls
#: them without knowing who they are, so it never imports the apps that feed it.
_PAGE_PANELS: list = []


def register_page_panel(panel) -> None:
    """Add ``panel(user, case, forms) -> dict`` to every case page (idempotent)."""
    if panel not in _PAGE_PANELS:
        _PAGE_PANELS.append(panel)


def panels_context(user, case, forms) -> dict:
    context: dict = {}
    for panel in _PAGE_PANELS:
        context.update(panel(user, case, forms))
    return context


def page_context(request, case, *, form=None, **extra) -> dict:
    """Everything about a case for the case page: the card's context plus history and evidence."""
    user = request.user
    card = card_context(request, case, form=form, view="page", next="", **extra)
    # A resident reads the progress of their report, not the offices' coordination: no departments'
    # notes, whistles or extension requests, and the timeline without internal steps and notes.
    reporter = present.reads_as_reporter(user)
    return {
        **card,
        "timeline": present.timeline_rows(case, for_reporter=reporter),
        "intact": journal.verify(case),
        "assignments": [] if reporter else case.own("assignments").select_related("department"),
        "whistles": [] if reporter else case.whistles.select_related("by").prefetch_related("calls__department"),
        "extensions": [] if reporter else case.extensions.select_related("requested_by", "decided_by"),
        "photos": [(photo, present.PHOTO_STAGES.get(photo.stage, photo.stage)) for photo in case.photos.all()],
        "merged_cases": visible(user, case.own("merged_cases")),  # merged only within the district
        "reporter": present.reporter(user, case),
        "map": present.case_map(case),
        # The community's staff (and those above) may raise it as a proposal (微提案) to deliberate.
        "may_raise": not reporter and (user.is_superuser or may(user, DISPATCH_ROLES, case.unit)),
        **panels_context(user, case, card["forms"]),
    }
