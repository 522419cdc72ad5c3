"""The community notice board (两公开): what is shown, and taking a publication down — never before
its minimum display period ends."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.scope import get_visible_or_404
from gridgov.core import clock, journal
from gridgov.core.errors import NotFound
from gridgov.structure.models import Unit

from ..actions import DeliberationAction as A
from ..models import Matter, Notice
from .common import require_staff


def community_by_code(code: str) -> Unit:
    """The community a public board belongs to (no login, so no scope: the board is public)."""
    unit = Unit.objects.filter(code=code, kind="community").first()
    if unit is None:
        raise NotFound
    return unit


def on_board(community, *, include_taken_down: bool = False):
    notices = Notice.objects.filter(community=community).select_related("matter")
    return notices if include_taken_down else notices.filter(taken_down_at__isnull=True)


def take_down(actor, notice: Notice) -> Notice:
    """Remove a publication from the board once its minimum display period is over."""
    require_staff(actor, notice.community)
    with transaction.atomic():
        matter = get_visible_or_404(actor, Matter.objects.select_for_update(of=("self",)), pk=notice.matter_id)
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.taken_down_at is not None:
            raise ValidationError(_("This publication is already taken down."))
        if timezone.localdate(clock.now()) <= notice.display_until:
            raise ValidationError(_("This publication must stay on the board until %(day)s.")
                                  % {"day": notice.display_until})
        notice.taken_down_at = clock.now()
        notice.save(update_fields=["taken_down_at"])
        journal.append(matter, actor, A.TAKE_DOWN, from_status=matter.step, to_status=matter.step,
                       data={"notice": notice.pk})
    return notice
