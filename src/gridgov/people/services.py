"""Rules about people: revealing personal data, and finding a person by ID or phone number."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridgov.accounts.scope import get_visible_or_404, visible
from gridgov.core.crypto import keyed_hash

from .models import Person, RevealLog

REVEAL_PERMISSION = "people.reveal_personal_data"


def can_reveal(user) -> bool:
    return user.has_perm(REVEAL_PERMISSION)


@transaction.atomic
def reveal(user, person_pk: int, field: str, reason: str) -> str:
    """Return the unmasked value of ``field`` and log the read.

    Needs the reveal permission, the person in the user's scope (else 404), and a reason: the log
    exists so that every read of personal data can be accounted for afterwards.
    """
    if field not in dict(RevealLog.FIELDS):
        raise ValidationError(_("Only an ID number or a phone number can be revealed."))
    if not can_reveal(user):
        raise PermissionDenied(_("You are not allowed to reveal personal data."))
    person = get_visible_or_404(user, Person.objects.all(), pk=person_pk)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("Say why you need to see this number."))
    RevealLog.objects.create(user=user, person=person, field=field, reason=reason[:200])
    return getattr(person, field)


def find_by_number(user, number: str):
    """People in scope whose ID number or phone number is exactly ``number`` (keyed-hash lookup)."""
    digest = keyed_hash(number)
    return visible(user, Person.objects.filter(Q(id_number_hash=digest) | Q(phone_hash=digest)))
