"""What every deliberation service shares: who may act, the district's settings and the community's
threshold, the checks of text and of subject refs."""
from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gridgov.accounts.roles import DELIBERATION_STAFF_ROLES
from gridgov.accounts.scope import may, visible
from gridgov.core import journal
from gridgov.core.text import plain as plain  # shared by every app's services
from gridgov.structure.codes import prefix
from gridgov.structure.models import Unit

from ..models import CommunityThreshold, DeliberationSettings, Matter, Meeting, Proposal

#: A subject named across apps: ``kind:pk`` (``project:12``) or ``case:<code>``.
REF = re.compile(r"^[a-z_]{2,20}:[A-Za-z0-9_-]{1,30}$")

proposal_transition = journal.transition(Proposal, visible=visible, related=("community",))
meeting_transition = journal.transition(Meeting, visible=visible, related=("community",))
matter_transition = journal.transition(Matter, visible=visible, related=("community",))


def settings_for(district_code: str) -> DeliberationSettings:
    """The district's settings (defaults when it has set none; nothing is written)."""
    return (DeliberationSettings.objects.filter(district_code=district_code).first()
            or DeliberationSettings(district_code=district_code))


def threshold_for(community: Unit) -> int:
    """Supports that put a proposal of ``community`` on the agenda: its own, else its district's."""
    own = CommunityThreshold.objects.filter(community=community).values_list("support_threshold", flat=True).first()
    return own or settings_for(community.district_code).support_threshold


def community_of_unit(unit: Unit) -> Unit:
    code = prefix(unit.code, "community")
    if code is None:
        raise ValidationError(_("This place is not inside a community."))
    return unit if unit.code == code else Unit.objects.get(code=code)


def community_of(person) -> Unit:
    """The community a person lives in (their home unit's community)."""
    return community_of_unit(person.unit)


def is_staff(user, community) -> bool:
    return user is None or may(user, DELIBERATION_STAFF_ROLES, community)


def require_staff(user, community) -> None:
    if not is_staff(user, community):
        raise PermissionDenied(_("Only the community's staff may do this."))


def person_of(user):
    return getattr(user, "person", None) if user is not None else None


def require_community(community) -> None:
    if community is None or community.kind != "community":
        raise ValidationError(_("Choose a community."))




def check_ref(ref: str) -> str:
    ref = (ref or "").strip()
    if ref and not REF.match(ref):
        raise ValidationError(_("A subject is named “kind:number”, e.g. “project:12”."))
    return ref
