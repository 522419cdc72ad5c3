"""Vanguard posts (先锋岗 / 党员示范岗): a post of a unit, held by a party member from one date to
another, shown publicly on the community's page (name and post only)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.accounts.roles import PARTY_STAFF_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.core import journal
from gridgov.people.models import Person

from ..actions import PartyAction as A
from ..models import VanguardPost
from .common import a_date, log, plain, today

transition = journal.transition(VanguardPost, visible=visible, related=("unit",))


def _require_staff(user, unit) -> None:
    if user is not None and not may(user, PARTY_STAFF_ROLES, unit):
        raise PermissionDenied(_("Only the party organisation's staff may do this."))


def create_post(actor, *, unit, title: str, place: str = "", duties: str = "") -> VanguardPost:
    _require_staff(actor, unit)
    title = plain(title, _("Post"), 100, required=True)
    with transaction.atomic():
        post = VanguardPost.objects.create(unit=unit, title=title, place=plain(place, _("Place"), 120),
                                           duties=plain(duties, _("Duties"), 2000), created_on=today())
        log(post, actor, A.CREATE, title=title)
    return post


@transition
def assign_holder(actor, post, *, person: Person, held_from: dt.date, held_to: dt.date | None = None):
    """Make ``person`` — a party member — the post's holder from ``held_from`` (to ``held_to``)."""
    _require_staff(actor, post.unit)
    if not person.is_party_member:
        raise ValidationError(_("A vanguard post is held by a party member; %(name)s is not one.")
                              % {"name": person.name})
    held_from = a_date(held_from, _("From"))
    if held_to is not None and a_date(held_to, _("To")) < held_from:
        raise ValidationError(_("A holder's term ends after it starts."))
    previous = post.holder_id
    post.holder, post.held_from, post.held_to = person, held_from, held_to
    post.save(update_fields=["holder", "held_from", "held_to"])
    log(post, actor, A.ASSIGN, person=person.pk, previous=previous, held_from=held_from.isoformat(),
        held_to=held_to.isoformat() if held_to else None)


@transition
def vacate(actor, post, *, on: dt.date):
    _require_staff(actor, post.unit)
    if post.holder_id is None:
        raise ValidationError(_("This post has no holder."))
    on = a_date(on, _("To"))
    if on < post.held_from:
        raise ValidationError(_("A holder's term ends after it starts."))
    post.held_to = on
    post.save(update_fields=["held_to"])
    log(post, actor, A.VACATE, person=post.holder_id, held_to=on.isoformat())


def public_posts(community):
    """The posts of a community's subtree held today, for the public page (name and post only)."""
    from gridgov.structure.codes import subtree_q

    day = today()
    rows = (VanguardPost.objects.filter(subtree_q("unit__code", community.code), holder__isnull=False,
                                        held_from__lte=day).select_related("holder", "unit").order_by("unit__code", "title"))
    return [{"title": p.title, "place": p.place, "duties": p.duties, "holder": p.holder.name,
             "unit": p.unit.short_name or p.unit.name} for p in rows if p.held_on(day)]
