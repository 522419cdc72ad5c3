"""People pages: the scoped, masked list, a person's page, the logged reveal of one number and
the logged, limited search by a whole number.

Numbers are only ever shown masked; the unmasked value leaves the server solely through
:func:`person_reveal`, which goes through :func:`gridgov.people.services.reveal` and its log. Every
page here carries personal data and is answered ``no_store``.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.errors import NotFound

from .caching import no_store
from .forms import NumberSearchForm, PeopleFilterForm
from .models import Person, RevealLog
from .services import SearchLimitReached, can_reveal, reveal, search_by_number

PAGE_SIZE = 50


@login_required
@no_store
def people_list(request):
    """The filtered list. A ``number`` in the query string is not a filter (it is ignored): the
    number search is :func:`people_search`, posted."""
    form = PeopleFilterForm(request.user, request.GET)
    page = Paginator(form.people(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {
        "form": form, "page": page, "search_form": NumberSearchForm() if can_reveal(request.user) else None,
    })


@login_required
@require_POST
@no_store
def people_search(request):
    """The people with exactly this ID or phone number, masked, under an empty form: the page does
    not show the number next to the person it belongs to. The refusals come back on the form: 400
    without a reason or a whole number, 403 without the reveal permission, 429 over the hourly
    limit."""
    form = NumberSearchForm(request.POST)
    people, status, error = None, 400, ""
    if form.is_valid():
        try:
            people = search_by_number(request.user, form.cleaned_data["number"], form.cleaned_data["reason"])
            form, status = NumberSearchForm(), 200
        except ValidationError as refusal:
            form.add_error(None, refusal)
        except SearchLimitReached as refusal:
            status, error = 429, str(refusal)
        except PermissionDenied as refusal:
            status, error, form = 403, str(refusal), None
    return render(request, "people/search.html", {"form": form, "people": people, "error": error}, status=status)


@login_required
@no_store
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
@no_store
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
    except NotFound:
        return _reveal_result(request, error=_("This person is not in your area."), status=404)
    # A phone number just revealed can be called with one tap (a tel: link), nothing more unmasked.
    return _reveal_result(request, value=value, callable=request.POST.get("field") == "phone")


def _reveal_result(request, status=200, **context):
    return render(request, "people/reveal_result.html", context, status=status)
