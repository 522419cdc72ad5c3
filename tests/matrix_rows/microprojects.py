"""The microprojects app's rows of the cross-scope matrix (format: tests/test_scope_matrix.py)."""
import datetime as dt
from decimal import Decimal

from gridgov.accounts.roles import DISPATCH_ROLES, Role
from gridgov.microprojects.models import (
    Evaluation,
    FundingLine,
    MicroprojectSettings,
    Milestone,
    Need,
    Project,
    Resource,
    Spend,
)

EVERY_ROLE = frozenset(Role)
#: An evaluation: the resident who gave it and the staff running the project's community (from the
#: community up: a grid's workers do not see how households rated their community's projects).
EVALUATION = DISPATCH_ROLES | {Role.RESIDENT}


def _project(a):
    return Project.objects.get_or_create(community=a.units["community"], title=f"{a.label}项目", defaults={
        "kind": "service", "budget": Decimal("1000"), "planned_start": dt.date(2026, 1, 1),
        "planned_end": dt.date(2026, 2, 1)})[0]


def _line(a):
    return FundingLine.objects.get_or_create(project=_project(a), source="district",
                                             defaults={"allocated": Decimal("500")})[0]


ROWS: dict = {
    MicroprojectSettings: (lambda a: MicroprojectSettings.objects.create(district_code=a.units["district"].code),
                           EVERY_ROLE, True),
    Need: (lambda a: Need.objects.create(community=a.units["community"], title=f"{a.label}需求"), EVERY_ROLE, False),
    Resource: (lambda a: Resource.objects.create(community=a.units["community"], kind="venue", title="活动室",
                                                 provider_kind="unit", provider_name="物业"), EVERY_ROLE, False),
    Project: (_project, EVERY_ROLE, False),
    FundingLine: (_line, EVERY_ROLE, False),
    Spend: (lambda a: Spend.objects.create(line=_line(a), amount=Decimal("10"), evidence="发票"), EVERY_ROLE, False),
    Milestone: (lambda a: Milestone.objects.create(project=_project(a), title="开工", progress=10), EVERY_ROLE, False),
    Evaluation: (lambda a: Evaluation.objects.create(project=_project(a), household=a.household, person=a.person,
                                                     score=4), EVALUATION, False),
}
ENDPOINTS: dict = {
    "api microprojects project": (Project, lambda o: f"/api/v1/microprojects/projects/{o.pk}", 10**9),
    "page microprojects project": (Project, lambda o: f"/microprojects/projects/{o.pk}/", 10**9),
    "api microprojects need": (Need, lambda o: f"/api/v1/microprojects/needs/{o.pk}", 10**9),
    "page microprojects need": (Need, lambda o: f"/microprojects/needs/{o.pk}/", 10**9),
}
