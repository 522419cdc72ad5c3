"""Rules about people: revealing personal data, and finding a person by ID or phone number.

Both hand out what the masks hide, so both need the reveal permission and a reason and are logged
in ``RevealLog`` in the same transaction as the read. An exact-number search is also an oracle (ask
"is it 138 0000 0001? …0002? …" and the masked ``138****5678`` falls in 10,000 tries), so it is
limited per user and per hour as well.
"""
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.crypto import keyed_hash

from .idnumber import FORMAT as ID_FORMAT
from .idnumber import validate_id_number
from .models import PHONE_RE, Person, RevealLog

REVEAL_PERMISSION = "people.reveal_personal_data"
SEARCH_WINDOW_SECONDS = 3600


class SearchLimitReached(PermissionDenied):
    """The user has used up their number searches for the hour (HTTP 429 where it is answered)."""


def can_reveal(user) -> bool:
    return user.has_perm(REVEAL_PERMISSION)


def _require_permission(user) -> None:
    if not can_reveal(user):
        raise PermissionDenied(_("You are not allowed to reveal personal data."))


def _reason(reason: str, field: str | None = None) -> str:
    """The stripped reason, or a refusal: the log exists so that every read of personal data can be
    accounted for afterwards. ``field`` names the form field the refusal belongs to, if any."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        message = _("Say why you need to see this number.")
        raise ValidationError({field: message} if field else message)
    return reason[:200]


@transaction.atomic
def reveal(user, person_pk: int, field: str, reason: str) -> str:
    """Return the unmasked value of ``field`` and log the read.

    Needs the reveal permission, the person in the user's scope (else 404), and a reason.
    """
    if field not in dict(RevealLog.FIELDS):
        raise ValidationError(_("Only an ID number or a phone number can be revealed."))
    _require_permission(user)
    person = get_visible_or_404(user, Person.objects.all(), pk=person_pk)
    RevealLog.objects.create(user=user, person=person, field=field, reason=_reason(reason))
    return getattr(person, field)


def number_field(number: str) -> tuple[str, str]:
    """Which field a whole number belongs to, and the number normalised: an ID number (its check
    digit checked, so a typo does not spend a search) or a phone number; anything else is refused."""
    number = (number or "").strip().upper()
    if ID_FORMAT.fullmatch(number):
        try:
            return "id_number", validate_id_number(number)
        except ValidationError as error:
            raise ValidationError({"number": error.messages})
    if PHONE_RE.fullmatch(number):
        return "phone", number
    raise ValidationError({"number": _("Enter a whole ID number (18 characters) or phone number.")})


def _spend_search(user) -> None:
    """Count one search against the user's allowance for the last hour, or refuse once it is used up.

    The allowance is counted from the searches already in ``RevealLog`` (a sliding hour), so every
    web worker and host sees the same count without a shared cache; the user's row is locked first
    so that two searches at once cannot both take the last one."""
    limit = settings.GRIDGOV_NUMBER_SEARCHES_PER_HOUR
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    since = timezone.now() - dt.timedelta(seconds=SEARCH_WINDOW_SECONDS)
    used = RevealLog.objects.filter(user=user, kind=RevealLog.Kind.SEARCH, at__gte=since).count()
    if used >= limit:
        raise SearchLimitReached(
            _("You have used your %(limit)d number searches for this hour. Try again later.") % {"limit": limit})


@transaction.atomic
def search_by_number(user, number: str, reason: str) -> list[Person]:
    """People in the user's scope whose ID or phone number is exactly ``number``, found through the
    keyed hash, masked like everywhere else; the search itself is logged with its reason, the
    field, the keyed hash of the number (not the number) and how many people it found.

    Refused, in this order and without a log entry: no reveal permission (PermissionDenied), no
    reason or not a whole number (ValidationError), more searches this hour than
    ``GRIDGOV_NUMBER_SEARCHES_PER_HOUR`` (SearchLimitReached).
    """
    _require_permission(user)
    reason = _reason(reason, field="reason")
    field, number = number_field(number)
    _spend_search(user)
    digest = keyed_hash(number)
    people = list(visible(user, Person.objects.filter(**{f"{field}_hash": digest}))
                  .select_related("unit").prefetch_related("special_groups"))
    RevealLog.objects.create(user=user, kind=RevealLog.Kind.SEARCH, field=field, reason=reason,
                             query_hash=digest, result_count=len(people))
    return people
