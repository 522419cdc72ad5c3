"""Unmasked reads of a care plan's personal data — a guardian's phone, a reading's values: the
people app's reveal permission, the plan in the reader's scope (else 404), a reason, and a log row
written in the same transaction as the read."""
from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.scope import get_visible_or_404
from gridgov.people.services import can_reveal

from ..models import CareRevealLog, Guardian, Reading


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError(_("Say why you need to see this."))
    return reason[:200]


def _allowed(user) -> None:
    if not can_reveal(user):
        raise PermissionDenied(_("You are not allowed to reveal personal data."))


@transaction.atomic
def reveal_guardian_phone(user, guardian_pk: int, reason: str) -> str:
    _allowed(user)
    guardian = get_visible_or_404(user, Guardian.objects.select_related("plan"), pk=guardian_pk)
    CareRevealLog.objects.create(user=user, plan=guardian.plan, field=CareRevealLog.Field.GUARDIAN_PHONE,
                                 guardian=guardian, reason=_reason(reason))
    return guardian.phone


@transaction.atomic
def reveal_reading(user, reading_pk: int, reason: str) -> dict:
    _allowed(user)
    reading = get_visible_or_404(user, Reading.objects.select_related("plan"), pk=reading_pk)
    CareRevealLog.objects.create(user=user, plan=reading.plan, field=CareRevealLog.Field.READING, reading=reading,
                                 reason=_reason(reason))
    return json.loads(reading.values or "{}")
