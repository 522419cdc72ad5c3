"""One case: its page, its timeline, its photos, and the actions taken on it.

Every read starts with ``get_visible_or_404``: a case outside the user's scope answers 404, the
same as one that does not exist — except the page of a case the user *follows* (their own report
was merged into it), which shows its public form (``services.following``) and nothing more. An
action posts one form; the service decides, and its refusal comes back on the form — 400 for a
broken rule or a wrong state, 403 for the wrong person — in the card or panel the form came from
(htmx), or on the case page (a plain POST).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image, UnidentifiedImageError

from gridgov.accounts.scope import get_visible_or_404
from gridgov.core.distribution import row_key
from gridgov.core.errors import NotFound
from gridgov.people.caching import no_store

from ..actions import CaseAction, registry
from ..models import Case, Status
from ..services import following
from ..services.available import available_actions
from . import present
from .base import CASES, card_context, is_htmx, page_context, safe_next


def _case(request, code):
    return get_visible_or_404(request.user, CASES, **Case.by_code(code))


@login_required
@no_store  # the reporter's name and (masked) contact, like every answer of case_action
def case_page(request, code):
    try:
        case = _case(request, code)
    except NotFound:
        return _followed_page(request, following.public_case(request.user, code))
    return render(request, "cases/case.html", page_context(request, case))


def _followed_page(request, case):
    """A followed case's public form: category, grid, status, dates and its steps in words."""
    steps = [{"label": CaseAction.text(step.action), "status": Status.text(step.status),
              "at": step.at} for step in case.steps]
    return render(request, "cases/followed.html", {"case": case, "steps": steps})


@login_required
def case_timeline(request, code):
    """The timeline alone, loaded into a list card when it is opened."""
    case = _case(request, code)
    return render(request, "cases/_timeline.html", {
        "case": case, "timeline": present.timeline_rows(case, for_reporter=present.reads_as_reporter(request.user))})


@login_required
def case_photo(request, code, pk):
    """A photo of a visible case, served with the type of the image it really is (never what its
    file name claims), so an upload cannot come back as a page."""
    photo = get_object_or_404(_case(request, code).photos, pk=pk)
    try:
        image = photo.image.open("rb")
        kind = Image.MIME.get(Image.open(image).format, "application/octet-stream")
    except (FileNotFoundError, UnidentifiedImageError):
        raise Http404
    image.seek(0)
    response = FileResponse(image, content_type=kind)
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
@require_POST
@no_store
def case_action(request, code, action):
    """Run one action: parse its form, call its service, show the case again."""
    case = _case(request, code)
    if action not in registry():
        raise Http404
    form = registry()[action].form(request.POST, request.FILES, case=case, user=request.user)
    status, error = 400, ""
    if form.is_valid():
        try:
            form.perform()
            status = 200
        except ValidationError as refusal:  # a broken rule, or InvalidTransition: the wrong state
            form.add_service_error(refusal)
        except PermissionDenied as refusal:
            status, error = 403, str(refusal) or _("You are not allowed to do this.")
    case = CASES.get(**row_key(case))
    view = request.POST.get("view")
    if status == 200:
        done = _("Done: %(action)s.") % {"action": form.label}
        if not is_htmx(request):
            messages.success(request, done)
            return redirect(safe_next(request, reverse("case", args=[case.code])))
        return _fragment(request, case, view, done=done)
    if form.errors and action not in available_actions(request.user, case):
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    form = form if form.errors else None
    if is_htmx(request):
        return _fragment(request, case, view, form=form, error=error, status=status)
    return render(request, "cases/case.html", page_context(request, case, form=form, error=error), status=status)


def _fragment(request, case, view, *, status=200, **context):
    """The card (in a list) or the panel (on the case page) the form came from, redrawn."""
    if view == "card":
        next_page = safe_next(request, reverse("case", args=[case.code]))
        return render(request, "cases/_card.html", {"card": card_context(request, case, next=next_page, **context)},
                      status=status)
    return render(request, "cases/_panel.html", page_context(request, case, **context), status=status)
