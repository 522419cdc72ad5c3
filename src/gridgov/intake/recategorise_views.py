"""改类 on the case page: a dispatcher of the case's queue corrects the category of a case waiting in
the queue (``services.recategorise``: the lifecycle's transition, and the correction kept as a
training example). The page's panel (registered with the case engine in ``apps.py``) offers it with
the classifier's suggestions first; the form posts here and comes back to the case page, or shows
the refusal on it (400 for a broken rule or the wrong state, 403 for the wrong person)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.scope import get_visible_or_404
from gridgov.cases.models import Status
from gridgov.cases.services.actors import is_dispatcher
from gridgov.cases.views.base import CASES, page_context
from gridgov.catalogue.models import Category

from .models import Suggestion
from .services import recategorise


def recategorise_offer(user, case, forms) -> dict:
    """The case page's 改类 panel for a dispatcher of the case's queue while it waits there: the
    classifier's alternatives for this case first, then every active category."""
    if case.status not in Status.IN_QUEUE or not is_dispatcher(user, case):  # the lifecycle's own rule
        return {}
    leaves = list(Category.objects.leaves().filter(active=True).exclude(pk=case.category_id).order_by("code"))
    suggestion = Suggestion.objects.filter(case=case).order_by("-pk").first()
    suggested = [row["category"] for row in (suggestion.alternatives if suggestion else [])]
    first = [leaf for code in suggested for leaf in leaves if leaf.code == code]
    return {"recategorise": {"url": reverse("case-recategorise", args=[case.code]), "suggested": first,
                             "categories": [leaf for leaf in leaves if leaf not in first]}}


@login_required
@require_POST
def recategorise_case(request, code):
    case = get_visible_or_404(request.user, CASES, code=code)
    value = request.POST.get("category", "")
    category = Category.objects.filter(pk=value).first() if value.isdigit() else None
    status, error = 400, _("Choose the new category.")
    if category is not None:
        try:
            recategorise(request.user, case, category, request.POST.get("note", "").strip()[:500])
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        except PermissionDenied as refusal:
            status, error = 403, str(refusal) or _("You are not allowed to do this.")
        else:
            messages.success(request, _("Recategorised as %(category)s.") % {"category": category.name})
            return redirect("case", code=case.code)
    return render(request, "cases/case.html", page_context(request, CASES.get(pk=case.pk), error=error), status=status)
