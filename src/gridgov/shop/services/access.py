"""Who may do what in the shop: the keepers (``SHOP_ROLES``: the shop keeper and the staff of the
community) and the buyers (residents and party members, ``SELF_ROLES``, with a person record)."""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gridgov.accounts.roles import SELF_ROLES, SHOP_ROLES
from gridgov.accounts.scope import may, scope_for
from gridgov.structure.codes import prefix


def is_keeper(user, community) -> bool:
    return may(user, SHOP_ROLES, community)


def require_keeper(user, community) -> None:
    if not is_keeper(user, community):
        raise PermissionDenied(_("Only the shop keeper or the staff of this community may do this."))


def buyer_person(user):
    """The person ``user`` buys as: a resident or party member with a person record; else refused."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None or not scope_for(user).roles & SELF_ROLES:
        raise PermissionDenied(_("Only residents and party members with a points account can order in the shop."))
    return person


def community_of(person) -> str | None:
    """The code of the community a person lives in (their home unit or the one above it)."""
    return prefix(person.unit.code, "community")


def keeper_communities(user) -> tuple[str, ...]:
    """The units at which ``user`` keeps shops (communities, or units above them for staff)."""
    return scope_for(user).roots(SHOP_ROLES)
