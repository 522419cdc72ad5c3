"""The intake every report passes through, whatever its channel, and the dispatcher's correction.

:func:`file_report` is the platform's one front door. The web form, ``POST /intake/reports``,
``POST /api/v1/cases``, the 12345 hotline (batches and pushes), Open311 and the visits all file
through it (the apps below this floor through ``cases.services.filing.through_intake``, which this
app installs). For every report it

- **classifies**: without a category, the classifier's best guess is used — at or above the
  district's self-routing threshold the case routes itself like any other (small loop to the grid
  worker, big loop to its queue), below it the case waits, un-routed, in its street's queue for a
  dispatcher to classify; with a category, a classifier sure (at that threshold) of *another* one
  flags the disagreement on the report's timeline entry for the dispatcher;
- **places** it: without coordinates (and without a place the channel already resolved), the
  address text names the unit;
- converts the point from the datum it came in (in ``filing.report``, the one place that does);
- **looks for duplicates**: open cases alike nearby (``duplicates.similar_open_cases``) are named
  on the report's timeline entry, so the dispatcher can merge them;

then files the case (:func:`gridgov.cases.services.filing.report`; what the intake writes with it goes
in the same transaction). A channel only decides what it may skip (:data:`DOORS`). Every suggestion is kept (:class:`~gridgov.intake.models.Suggestion`).

:func:`recategorise` is that dispatcher's correction; each one is kept as a training example.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import Case, Channel
from gridgov.cases.services import filing, lifecycle
from gridgov.catalogue.models import Category
from gridgov.core.geo import Datum

from . import classify
from .address import Resolved, resolve_address
from .duplicates import similar_open_cases
from .models import ExampleSource, IntakeSettings, Suggestion, TrainingExample
from .text import text_of

#: How many of the open cases alike a report's timeline entry names (the best first).
SIMILAR_NAMED = 3


@dataclass(frozen=True)
class Door:
    """What a channel's reports may skip at the intake. Classifying a report that has no category,
    reading the place of one that has neither a point nor a place its channel resolved, and
    converting datums are never skipped."""

    #: Ask the classifier about a category the report already has, and flag a confident disagreement.
    doubt_category: bool = True
    #: Look for open cases reporting the same problem.
    find_duplicates: bool = True


#: A channel absent here skips nothing. A sensor's category is the kind of reading it sends, not words
#: a classifier could weigh; its readings repeat by nature, and its integration deduplicates them.
DOORS = {Channel.SENSOR: Door(doubt_category=False, find_duplicates=False)}


@dataclass
class Intake:
    """What the intake did with a report: the case, the classifier's suggestions, the suggestion kept,
    the place read from the address, whether the case routed itself on the classifier's word, and
    the open cases alike it found (``(case, score)``, best first)."""

    case: Case
    suggestions: "classify.Suggestions"
    suggestion: Suggestion | None
    address: Resolved | None
    auto_routed: bool
    similar: list


def _unclassified(settings: IntakeSettings):
    """The district's category for reports nobody could classify; refused when it has none."""
    if settings.unclassified_category is None:
        raise ValidationError(_("The report does not say what kind of problem it is: choose a category."),
                              code="category")
    return settings.unclassified_category


def _alike(district, category, lat, lng, datum, unit, title, description, reported_at) -> list:
    """Open cases alike, looked for at the report's WGS 84 point (converted here only to look: the
    filing converts the point it stores). A point off the Earth finds nothing: the filing refuses it."""
    if lat is not None and lng is not None:
        try:
            lat, lng = filing.in_wgs84(lat, lng, datum)
        except ValidationError:
            return []
    return similar_open_cases(district.code, category, lat, lng, text_of(title, description), reported_at,
                              unit=unit)


def file_report(*, district, channel: str, title: str, description: str = "", category=None, lat=None, lng=None,
                address: str = "", unit=None, datum=Datum.WGS84, reported_at=None, suggested=None,
                close_now: bool = False, **fields) -> Intake:
    """File a report through the intake (see the module). ``category`` is the reporter's own choice,
    if any (it routes as usual); ``unit`` a place the channel already resolved (no address lookup
    then); the other ``fields`` go to ``filing.report`` as they are.

    ``suggested`` is the category a form pre-filled from an earlier suggestion (the web report
    screen): when the reporter kept it and it is still the best suggestion for the text, the
    platform chose it, not the reporter — exactly as if no category had been given. A grid worker
    who closes the case on the spot (``close_now``) has seen the problem and vouches for the
    category they kept."""
    door = DOORS.get(channel, Door())
    settings = IntakeSettings.for_district(district.code)
    chosen = category is not None
    suggestions = (classify.suggest(title, description) if not chosen or door.doubt_category
                   else classify.Suggestions([], None))
    top = suggestions.top
    if chosen and suggested is not None and top is not None and not close_now \
            and category.pk == suggested.pk == top.category.pk:
        category, chosen = None, False
    resolved = None
    if lat is None and lng is None and unit is None:
        resolved = resolve_address(district.code, " ".join(part for part in (address, title, description) if part))
        unit = resolved.unit if resolved else None
    if chosen:
        route = True
    elif top is None:
        category, route = _unclassified(settings), False  # nothing to guess from: for a dispatcher to classify
    else:
        category, route = top.category, top.confidence >= settings.auto_route_threshold
    found = {}
    if chosen and top is not None and top.category.pk != category.pk and top.confidence >= settings.auto_route_threshold:
        found["doubted"] = {"category": top.category.code, "confidence": top.confidence}
    similar = (_alike(district, category, lat, lng, datum, unit, title, description, reported_at)
               if door.find_duplicates and not close_now else [])
    if similar:
        found["similar"] = [case.code for case, _score in similar[:SIMILAR_NAMED]]
    kept = []

    def keep(case):
        """The suggestion and, when the platform chose the category, the entry saying so — in the
        report's transaction, on the case its filing holds (locked by it, or created by it)."""
        if top is not None:
            kept.append(Suggestion.objects.create(
                case=case, category=top.category, confidence=top.confidence, model_version=suggestions.model_version,
                auto_routed=route and not chosen, chosen_by_reporter=chosen,
                alternatives=[{"category": g.category.code, "confidence": g.confidence} for g in suggestions.guesses]))
        if not chosen:
            note = (_("Classified by the platform; routed itself.") if route
                    else _("Classified by the platform, not sure enough to route itself: a dispatcher should check "
                           "the category."))
            lifecycle.record(case, None, CaseAction.CLASSIFY, note=note, data={
                "category": category.code, "confidence": top.confidence if top else 0.0,
                "model_version": suggestions.model_version,
                "routed": route, "address": resolved.matched if resolved else []})
        return case

    case = filing.report(district=district, channel=channel, title=title, category=category, description=description,
                         lat=lat, lng=lng, address=address, unit=unit, datum=datum, reported_at=reported_at,
                         route=route, close_now=close_now, found=found, then=keep, **fields)
    return Intake(case, suggestions, kept[0] if kept else None, resolved, route and not chosen, similar)


def install() -> None:
    """Make :func:`file_report` the intake of the apps that cannot import this one."""
    filing.install_front_door(lambda **fields: file_report(**fields).case)


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
