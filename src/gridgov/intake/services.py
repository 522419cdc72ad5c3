"""Intake of free text and the dispatcher's correction.

:func:`report_free_text` is the intake path for a report that comes as words: it asks the
classifier for the category, resolves a place from the address text when there are no
coordinates, and files the case through :func:`gridgov.cases.services.filing.report`. When the
reporter chose no category, the classifier's best guess is used; at or above the district's
self-routing threshold the case routes itself like any other (small loop to the grid worker, big
loop to its queue), below it the case waits, un-routed, in its street's queue for a dispatcher to
classify. Every suggestion is kept (:class:`~gridgov.intake.models.Suggestion`).

:func:`recategorise` is that dispatcher's correction; each one is kept as a training example.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case
from gridgov.cases.services import filing, lifecycle
from gridgov.catalogue.models import Category
from gridgov.core.geo import Datum

from . import classify
from .address import Resolved, resolve_address
from .models import ExampleSource, IntakeSettings, Suggestion, TrainingExample
from .text import text_of


@dataclass
class FreeTextIntake:
    case: Case
    suggestions: "classify.Suggestions"
    suggestion: Suggestion | None
    address: Resolved | None
    auto_routed: bool


def _unclassified(district):
    """The district's category for reports nobody could classify; refused when it has none."""
    category = IntakeSettings.for_district(district.code).unclassified_category
    if category is None:
        raise ValidationError(_("The report does not say what kind of problem it is: choose a category."),
                              code="category")
    return category


@transaction.atomic
def report_free_text(*, district, channel: str, title: str, description: str = "", category=None, lat=None, lng=None,
                     address: str = "", reporter=None, reported_by=None, contact_name: str = "",
                     contact_phone: str = "", reported_at=None, external_id: str = "", photos=(), suggested=None,
                     close_now: bool = False, handling_note: str = "", datum=Datum.WGS84) -> FreeTextIntake:
    """File a report given as text. ``category`` is the reporter's own choice, if any (it routes as
    usual); without it the classifier's best guess is used, routing itself only when sure enough.

    ``suggested`` is the category a form pre-filled from an earlier suggestion (the web report
    screen): when the reporter kept it and it is still the best suggestion for the text, the
    platform chose it, not the reporter — exactly as if no category had been given. ``close_now``
    and ``handling_note`` are the grid worker's 即时办结 (see :func:`intake.report`); a worker who
    closes the case on the spot has seen the problem and vouches for the category they kept.

    ``datum`` is the datum of ``lat``/``lng``, handed on as it is: the case's filing converts the
    point to WGS 84 (:func:`gridgov.cases.services.filing.report`)."""
    suggestions = classify.suggest(title, description)
    top = suggestions.top
    if (category is not None and suggested is not None and top is not None and not close_now
            and category.pk == suggested.pk == top.category.pk):
        category = None
    resolved = None
    if lat is None and lng is None:
        resolved = resolve_address(district.code, " ".join(part for part in (address, title, description) if part))
    chosen = category is not None
    if chosen:
        route = True
    elif top is None:
        # Nothing to guess from: the district's catch-all category, for a dispatcher to classify.
        category, route = _unclassified(district), False
    else:
        category = top.category
        route = top.confidence >= IntakeSettings.for_district(district.code).auto_route_threshold
    case = filing.report(district=district, channel=channel, title=title, category=category, description=description,
                         lat=lat, lng=lng, address=address, reporter=reporter, reported_by=reported_by,
                         contact_name=contact_name, contact_phone=contact_phone, reported_at=reported_at,
                         external_id=external_id, photos=photos, route=route,
                         unit=resolved.unit if resolved else None, close_now=close_now, handling_note=handling_note,
                         datum=datum)
    suggestion = None
    if top is not None:
        suggestion = Suggestion.objects.create(
            case=case, category=top.category, confidence=top.confidence, model_version=suggestions.model_version,
            auto_routed=route and not chosen, chosen_by_reporter=chosen,
            alternatives=[{"category": g.category.code, "confidence": g.confidence} for g in suggestions.guesses])
    if not chosen:
        locked = Case.objects.select_for_update().get(pk=case.pk)
        note = (_("Classified by the platform; routed itself.") if route
                else _("Classified by the platform, not sure enough to route itself: a dispatcher should check the "
                       "category."))
        lifecycle.record(locked, None, CaseAction.CLASSIFY, note=note, data={
            "category": category.code, "confidence": top.confidence if top else 0.0,
            "model_version": suggestions.model_version,
            "routed": route, "address": resolved.matched if resolved else []})
        case = locked
    return FreeTextIntake(case, suggestions, suggestion, resolved, route and not chosen)


@transaction.atomic
def recategorise(actor, case: Case, category, note: str = "") -> Case:
    """The dispatcher's correction of a case's category (the lifecycle's ``recategorise``
    transition), and the case's text under its new category kept as a training example — in the
    same transaction, so that no correction is left without its example or the reverse."""
    case = lifecycle.recategorise(actor, case, category, note)
    # The entry just appended: the case's row lock, held until this block commits, keeps it the last.
    entry = case.timeline.order_by("-seq").first()
    TrainingExample.objects.create(text=text_of(case.title, case.description), category=category,
                                   previous_category=Category.objects.get(code=entry.data["from"]),
                                   source=ExampleSource.CORRECTION, case=case, created_by=actor, at=entry.at)
    return case
