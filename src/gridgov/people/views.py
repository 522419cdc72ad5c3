"""People pages: the scoped, masked list, a person's page, and the logged reveal of one number.

Numbers are only ever shown masked; the unmasked value leaves the server solely through
:func:`person_reveal`, which goes through :func:`gridgov.people.services.reveal` and its log.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.scope import get_visible_or_404, visible

from .forms import PeopleFilterForm
from .models import Person, RevealLog
from .services import can_reveal, reveal

PAGE_SIZE = 50


@login_required
def people_list(request):
    form = PeopleFilterForm(request.user, request.GET)
    page = Paginator(form.people(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {"form": form, "page": page})


@login_required
def person_page(request, pk):
    """A person's details with masked numbers; the revealable fields are RevealLog's, so the page
    never offers a field the reveal service would refuse."""
    person = get_visible_or_404(
        request.user, Person.objects.select_related("unit", "household__building__compound"), pk=pk)
    return render(request, "people/person.html", {
        "person": person,
        "numbers": [(field, label, getattr(person, f"masked_{field}")) for field, label in RevealLog.FIELDS],
        "memberships": visible(request.user, person.party_memberships.select_related("org__unit")),
        "can_reveal": can_reveal(request.user),
    })


@login_required
@require_POST
def person_reveal(request, pk):
    """Answer an htmx form with a fragment: the unmasked number, or why it is refused.

    A refusal is a fragment too (400 bad input, 403 no permission, 404 outside the scope) so the
    page can show it in place of the number.
    """
    try:
        value = reveal(request.user, pk, request.POST.get("field", ""), request.POST.get("reason", ""))
    except ValidationError as error:
        return _reveal_result(request, error=" ".join(error.messages), status=400)
    except PermissionDenied as error:
        return _reveal_result(request, error=str(error) or _("You are not allowed to do this."), status=403)
    except Http404:
        return _reveal_result(request, error=_("This person is not in your area."), status=404)
    return _reveal_result(request, value=value)


def _reveal_result(request, status=200, **context):
    return render(request, "people/reveal_result.html", context, status=status)
