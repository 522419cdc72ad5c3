"""The party-building figures (``core.figures`` key ``partybuilding``); each is defined in
docs/partybuilding.md and tested against a number worked out by hand.

Eight queries whatever the number of codes: the mobile members with their last contact, the
organisation tree and memberships (two), the courses and valid credits (two), attendance hours,
posts and pledges. A member (training, hours) counts at the unit of their own organisation; a mobile
member at their home branch's unit; a post at its unit; a pledge at its organisation's unit."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Max, Q, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core.figures import Figure, FigureSet
from gridgov.structure.codes import holders, prefix, subtrees_q

from .models import Attendance, MobileMember, MobileStatus, Pledge, PledgeStatus, VanguardPost
from .services.coverage import share, standings
from .services.members import tree_for


def compute(unit_codes: Sequence[str], start: dt.date, end: dt.date) -> dict[str, dict]:
    codes = list(dict.fromkeys(unit_codes))
    if not codes:
        return {}
    holding = holders(codes)
    counts = {code: defaultdict(int) for code in codes}

    def add(place: str, **values):
        for code in holding(place):
            for key, value in values.items():
                counts[code][key] += value

    # Mobile members away on the last day, by home branch; contacted within 30 / 90 days of it.
    mobiles = (MobileMember.objects.filter(subtrees_q("home_org__unit__code", codes), since__lte=end)
               .filter(Q(status=MobileStatus.AWAY) | Q(returned_on__gt=end)).order_by()
               .values_list("pk", "home_org__unit__code")
               .annotate(last=Max("contacts__on", filter=Q(contacts__on__lte=end))))
    for _pk, place, last in mobiles:
        silent = (end - last).days if last else None
        add(place, mobile=1, within30=int(silent is not None and silent < 30),
            within90=int(silent is not None and silent < 90))

    # Training: each member once, at their own organisation's unit.
    tree = tree_for({prefix(code, "district") for code in codes})
    in_codes = {person: tree.unit[own[0]] for person, own in tree.own.items() if holding(tree.unit[own[0]])}
    for person, standing in standings(tree, start, end).items():
        if person in in_codes:
            add(in_codes[person], members=1, required=int(standing.required), covered=int(standing.covered))
    hours = (Attendance.objects.filter(person__in=list(in_codes), session__on__gte=start, session__on__lte=end)
             .order_by().values_list("person").annotate(h=Sum("session__hours")))
    for person, total in hours:
        add(in_codes[person], tenths=int(total * 10))

    posts = (VanguardPost.objects.filter(subtrees_q("unit__code", codes), created_on__lte=end).order_by()
             .values_list("unit__code", "holder", "held_from", "held_to"))
    for place, holder, held_from, held_to in posts:
        held = holder is not None and held_from is not None and held_from <= end and (held_to is None or end <= held_to)
        add(place, posts=1, staffed=int(held))

    pledges = (Pledge.objects.filter(subtrees_q("org__unit__code", codes), due_on__gte=start, due_on__lte=end)
               .order_by().values_list("org__unit__code", "status"))
    for place, status in pledges:
        add(place, pledges=1, fulfilled=int(status == PledgeStatus.FULFILLED))

    return {code: _figures(counts[code]) for code in codes}


def _figures(c) -> dict:
    return {
        "mobile_members": c["mobile"],
        "mobile_contacted_30": share(c["within30"], c["mobile"]),
        "mobile_contacted_90": share(c["within90"], c["mobile"]),
        "training_coverage": share(c["covered"], c["required"]),
        "members_required": c["required"],
        "hours_per_member": round(c["tenths"] / 10 / c["members"], 2) if c["members"] else None,
        "posts_staffed": share(c["staffed"], c["posts"]),
        "pledges_due": c["pledges"],
        "pledges_fulfilled": share(c["fulfilled"], c["pledges"]),
    }


FIGURE_SET = FigureSet(
    key="partybuilding",
    label=_("Party building"),
    order=90,
    compute=compute,
    headline=("mobile_contacted_30", "training_coverage", "posts_staffed"),
    figures=(
        Figure("mobile_members", _("Mobile party members"), "count",
               _("Party members on the kite plan, away on the period's last day (by home branch).")),
        Figure("mobile_contacted_30", _("Mobile members contacted within 30 days"), "share",
               _("Mobile members with a contact in the 30 days up to the period's end ÷ mobile members.")),
        Figure("mobile_contacted_90", _("Mobile members contacted within 90 days"), "share",
               _("Mobile members with a contact in the 90 days up to the period's end ÷ mobile members.")),
        Figure("training_coverage", _("Training coverage"), "share",
               _("Members holding, on the period's last day, a valid credit for every course required of them "
                 "÷ members with a required course; each member counted once, at their own organisation.")),
        Figure("members_required", _("Members required to train"), "count",
               _("Members of whom a course running in the period is required.")),
        Figure("hours_per_member", _("Study hours per member"), "hours",
               _("Hours of course sessions in the period attended by members ÷ party members.")),
        Figure("posts_staffed", _("Vanguard posts staffed"), "share",
               _("Posts with a holder on the period's last day ÷ posts.")),
        Figure("pledges_due", _("Pledges due"), "count", _("Pledges falling due in the period.")),
        Figure("pledges_fulfilled", _("Pledges fulfilled"), "share",
               _("Pledges due in the period and recorded fulfilled ÷ pledges due in the period.")),
    ),
)
