"""Who belongs where in the party's tree, for counting: each member counted ONCE, at their own
organisation — the lowest (deepest) organisation they belong to — so that a member of a branch and
of its committee counts once, at the branch, and rolls up the tree from there.

The organisation tree follows ``PartyOrg.parent``; one query reads a district's organisations and
one its memberships, whatever is asked of them."""
from __future__ import annotations

from dataclasses import dataclass, field

from gridgov.structure.models import PartyMembership, PartyOrg


@dataclass
class Tree:
    """The organisations of some districts: parent and unit code of each, and each member's own one."""

    parent: dict[int, int | None] = field(default_factory=dict)
    unit: dict[int, str] = field(default_factory=dict)
    #: person → (own organisation, their role there)
    own: dict[int, tuple[int, str]] = field(default_factory=dict)

    def depth(self, org: int) -> int:
        depth = 0
        while (org := self.parent.get(org)) is not None:
            depth += 1
        return depth

    def ancestors(self, org: int) -> list[int]:
        """The organisation and every one above it."""
        chain = [org]
        while (org := self.parent.get(org)) is not None:
            chain.append(org)
        return chain

    def within(self, org: int, root: int) -> bool:
        return root in self.ancestors(org)


def tree_for(district_codes, people=None) -> Tree:
    """Every member of the districts' organisations with their own (lowest) organisation: two
    queries. For a few ``people`` (person keys) only their memberships and the organisations above
    them are read (one query per level of the tree), not the whole district."""
    tree = Tree()
    memberships = PartyMembership.objects.filter(org__unit__district_code__in=list(district_codes),
                                                 person__is_party_member=True).order_by()
    if people is None:
        _read_orgs(tree, PartyOrg.objects.filter(unit__district_code__in=list(district_codes)))
        rows = list(memberships.values_list("person", "org", "role"))
    else:
        rows = list(memberships.filter(person__in=list(people)).values_list("person", "org", "role"))
        wanted = {org for _person, org, _role in rows}
        while wanted:
            wanted = _read_orgs(tree, PartyOrg.objects.filter(pk__in=wanted)) - set(tree.unit)
    for person, org, role in sorted(rows, key=lambda r: (r[0], -tree.depth(r[1]), -len(tree.unit[r[1]]), r[1])):
        tree.own.setdefault(person, (org, role))
    return tree


def _read_orgs(tree: Tree, orgs) -> set[int]:
    """Add ``orgs`` to the tree; answer their parents."""
    parents = set()
    for pk, parent, code in orgs.order_by().values_list("pk", "parent", "unit__code"):
        tree.parent[pk], tree.unit[pk] = parent, code
        if parent is not None:
            parents.add(parent)
    return parents


def own_org(person) -> PartyOrg | None:
    """The person's own (lowest) organisation, or None when they belong to none."""
    districts = set(PartyMembership.objects.filter(person=person).values_list("org__unit__district_code", flat=True))
    org = tree_for(districts, [person.pk]).own.get(person.pk) if districts else None
    return PartyOrg.objects.get(pk=org[0]) if org else None


def members_within(tree: Tree, root: int) -> dict[int, tuple[int, str]]:
    """The members whose own organisation lies in ``root``'s subtree."""
    return {person: own for person, own in tree.own.items() if tree.within(own[0], root)}


def person_for(user, pk):
    """The person ``pk`` as ``user`` may name them here: one they see, or a member of an organisation
    whose memberships they see (a member may live outside the organisation's unit); else NotFound."""
    from django.db.models import Q

    from gridgov.accounts.scope import visible
    from gridgov.core.errors import NotFound
    from gridgov.people.models import Person

    seen = visible(user, Person.objects.all()).values("pk")
    memberships = visible(user, PartyMembership.objects.all()).values("person")
    person = Person.objects.filter(Q(pk__in=seen) | Q(pk__in=memberships), pk=pk).first()
    if person is None:
        raise NotFound
    return person
