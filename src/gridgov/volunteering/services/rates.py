"""Registration rates per community, for the staff's chart and the API."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Unit

from ..models import Volunteer, VolunteerStatus
from .common import settings_for


def community_rates(root_code: str, as_of: dt.date) -> list[dict]:
    """For each community under ``root_code`` (or the one containing it): residents, registered
    active volunteers, their rate and the district's target."""
    code = root_code[:12] if len(root_code) > 12 else root_code
    communities = list(Unit.objects.filter(subtree_q("code", code), kind="community").order_by("code"))
    volunteers = dict(Volunteer.objects.filter(community__in=communities, status=VolunteerStatus.REGISTERED,
                                               active=True, registered_on__lte=as_of)
                      .order_by().values("community").annotate(n=Count("pk")).values_list("community", "n"))
    rows = []
    for community in communities:
        residents = Person.objects.filter(Q(subtree_q("unit__code", community.code))).count()
        count = volunteers.get(community.pk, 0)
        rows.append({"code": community.code, "name": community.short_name or community.name, "residents": residents,
                     "volunteers": count, "rate": round(count / residents, 4) if residents else None,
                     "target": float(settings_for(community.district_code).registration_target)})
    return rows
