"""The demo district's micro-projects (民生微实事; see ``participation.py``), made through the app's
services inside ``clock.frozen`` at past moments, after everything they draw on.

The first four communities (in code order) each get a needs list (from the staff, from a service
order, from a proposal or a visit finding where those exist), a resources list (their own lines and
every standing 双报到 pledge of their resident units) and projects, together in every state: proposed,
rejected, not approved, approved, in progress (funding lines, spending, milestones), accepted,
evaluating, evaluation ended, closed (evaluated) and closed unevaluated. Each project approved is
decided by a real passing resolution of a 逢十议事 meeting (through deliberation's services); one
large project goes to a 四议两公开 matter, which stays at its opening steps (a roster of the committees
and representatives is not made by the demo). The district's rules: 200 000 yuan threshold, a
14-day window, 3 responses. Residents evaluate as themselves (their demo logins). Deterministic.
"""
import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.deliberation.models import Proposal
from gridgov.deliberation.services import meetings
from gridgov.microprojects.models import Project
from gridgov.microprojects.services import delivery, evaluations, lists, projects, sources
from gridgov.microprojects.services.settings import configure
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import Household, Unit
from gridgov.visits.models import Visit
from gridgov.volunteering.models import ServiceOrder

from .seed import DISTRICT, SEED

COMMUNITIES = 4
DAY = dt.timedelta(days=1)
REFUSED = (ValidationError, PermissionDenied, NotFound)
NEEDS = ["老旧小区楼道照明不足", "小区缺少适老化扶手", "儿童活动场地设施破损", "独居老人助餐需求", "垃圾分类投放点不足",
         "非机动车充电桩缺乏", "院落排水不畅易积水"]
RESOURCES = [("venue", "社区党群服务中心活动室", "unit", "社区居委会", "每周三个下午"),
             ("skills", "水电维修志愿服务", "person", "退休电工王师傅", "每月 8 小时"),
             ("funds", "社区公益基金", "unit", "社区基金会", "")]
#: (title, kind, budget, where the project ends up)
PROJECTS = [
    ("楼道照明改造", "renovation", "86000", "closed"),
    ("长者助餐点", "service", "48000", "closed"),
    ("适老化扶手安装", "renovation", "62000", "evaluated"),
    ("儿童乐园翻新", "renovation", "120000", "evaluating"),
    ("邻里文化节", "activity", "15000", "evaluating"),
    ("垃圾分类宣传周", "activity", "8000", "accepted"),
    ("充电桩建设", "renovation", "150000", "in_progress"),
    ("法律咨询进院落", "service", "12000", "in_progress"),
    ("院落排水疏通", "renovation", "36000", "approved"),
    ("广场舞音响更新", "activity", "9000", "not_approved"),
    ("停车位划线", "renovation", "30000", "rejected"),
    ("社区读书角", "activity", "6000", "proposed"),
    ("健身步道维修", "renovation", "40000", "closed_unevaluated"),
]
LARGE = ("老旧小区综合整治", "renovation", "380000")


def _at(moment):
    return clock.frozen(moment.astimezone(dt.timezone.utc))


class _Demo:
    def __init__(self, now, district_code):
        self.rng = random.Random(SEED + 60)
        self.now = now
        self.district_code = district_code
        self.counts = {"needs": 0, "resources": 0, "projects": 0, "evaluations": 0, "meetings": 0,
                       "refused_steps": 0}
        self.staff = User.objects.filter(username="community_staff").first()
        self.admin = User.objects.filter(username="district_admin").first()

    def staff_of(self, community):
        if self.staff and self.staff.role_assignments.filter(unit=community).exists():
            return self.staff
        return None

    # -- the lists --------------------------------------------------------------------------------
    def lists(self, community, staff, start):
        made = []
        with _at(start):
            for title in self.rng.sample(NEEDS, 4):
                made.append(lists.create_need(staff, community=community, title=title,
                                              households=self.rng.randint(8, 120)))
            for kind, title, provider_kind, provider, quantity in RESOURCES:
                lists.add_resource(staff, community=community, kind=kind, title=title, provider_kind=provider_kind,
                                   provider_name=provider, quantity=quantity,
                                   amount=Decimal("50000") if kind == "funds" else None)
                self.counts["resources"] += 1
            for pledge in lists.unlisted_pledges(community):
                lists.list_pledge(staff, pledge)
                self.counts["resources"] += 1
            for source in self.sources(community):
                try:
                    with transaction.atomic():
                        fields = sources.prefill(self.admin, source)
                        made.append(lists.create_need(staff, **{key: fields.get(key) for key in (
                            "community", "title", "description", "households", "place_unit", "place_compound",
                            "source", "source_ref")}))
                except REFUSED:
                    self.counts["refused_steps"] += 1
        self.counts["needs"] += len(made)
        return made

    def sources(self, community):
        """One need from each kind of source the district has in this community."""
        found = []
        order = ServiceOrder.objects.filter(community=community).order_by("pk").first()
        if order:
            found.append(f"order:{order.pk}")
        proposal = Proposal.objects.filter(community=community).order_by("pk").first()
        if proposal:
            found.append(f"proposal:{proposal.pk}")
        visit = Visit.objects.filter(subtree_q("unit__code", community.code), need=True).order_by("pk").first()
        if visit:
            found.append(f"visit:{visit.pk}")
        return found if self.admin else []

    # -- projects ---------------------------------------------------------------------------------
    def served_grid(self, community):
        """The community's grid with the most households whose residents have a login."""
        grids = (Household.objects.filter(subtree_q("building__microgrid__code", community.code),
                                          members__user__isnull=False)
                 .values("building__microgrid__parent").annotate(n=Count("pk", distinct=True)).order_by("-n"))
        first = grids.first()
        if first:
            return Unit.objects.get(pk=first["building__microgrid__parent"])
        return Unit.objects.filter(parent=community, kind="grid").order_by("code").first()

    def decide(self, staff, project, moment):
        """A 逢十议事 meeting about the project, three residents for it: a passing resolution."""
        people = list(Person.objects.filter(subtree_q("unit__code", project.community.code)).order_by("pk")[:3])
        with _at(moment):
            meeting = meetings.schedule(staff, community=project.community, kind="tenth",
                                        title=f"逢十议事：{project.title}", starts_at=moment, place="社区议事厅")
            projects.put_on_agenda(staff, project, meeting)
            meeting = meetings.open_meeting(staff, meeting)
            item = meeting.items.get()
            for person in people:
                meetings.check_in(staff, meeting, person)
                meetings.vote(staff, meeting, item, "for", person)
            meetings.resolve_item(staff, meeting, item, text="同意实施")
            meetings.close(staff, meeting)
            self.counts["meetings"] += 1
            return projects.decide(staff, project, approve=True, note="逢十议事表决通过")

    def project(self, index, community, staff, grid, needs, spec):
        title, kind, budget, ending = spec
        base = self.now - (86 - index * 2) * DAY + dt.timedelta(hours=10)
        late = index % 3 == 0
        with _at(base):
            project = projects.propose(
                staff, community=community, kind=kind, title=title, budget=Decimal(budget),
                description=f"{community.short_name}{title}", planned_start=timezone.localtime(base).date(),
                planned_end=timezone.localtime(base + (28 if late else 40) * DAY).date(), served_units=[grid],
                needs=needs)
        self.counts["projects"] += 1
        if ending == "proposed":
            return project
        with _at(base + 2 * DAY):
            project = projects.review(staff, project, feasible=ending != "rejected",
                                      reason="经现场踏勘，场地与资金可行" if ending != "rejected" else "涉及产权争议，暂不可行")
        if ending == "rejected":
            return project
        if ending == "not_approved":
            with _at(base + 6 * DAY):
                return projects.decide(staff, project, approve=False, note="居民议事会认为优先级不高")
        project = self.decide(staff, project, base + 6 * DAY)
        if ending == "approved":
            return project
        with _at(base + 7 * DAY):
            project = projects.start(staff, project)
            lines = [delivery.add_line(staff, project, source="district", allocated=Decimal(budget) * Decimal("0.6")),
                     delivery.add_line(staff, project, source="community", allocated=Decimal(budget) * Decimal("0.3"))]
        for days, progress in ((12, 40), (24, 80)):
            with _at(base + days * DAY):
                delivery.add_milestone(staff, project, title=f"完成 {progress}%", progress=progress, note="现场照片已存档")
        for days, line, share in ((15, lines[0], "0.5"), (25, lines[1], "0.6"), (27, lines[0], "0.4")):
            with _at(base + days * DAY):
                delivery.spend(staff, line, amount=(line.allocated * Decimal(share)).quantize(Decimal("0.01")),
                               evidence=f"发票 {index:02d}{days:02d}")
        if ending == "in_progress":
            return project
        with _at(base + 34 * DAY):
            project = projects.accept(staff, project, note="街道、社区、居民代表联合验收合格")
        if ending == "accepted":
            return project
        opened = self.now - 3 * DAY if ending == "evaluating" else base + 36 * DAY
        with _at(opened):
            project = projects.open_evaluation(staff, project)
        voters = list(User.objects.filter(person__household__in=evaluations.served_households(project))
                      .order_by("pk").distinct())
        wanted = 1 if ending == "closed_unevaluated" else min(len(voters), self.rng.randint(3, 6))
        seen = set()
        for n, user in enumerate(voters):
            if len(seen) >= wanted or user.person.household_id in seen:
                continue
            with _at(opened + (n + 1) * dt.timedelta(hours=5)):
                evaluations.evaluate(user, project, score=self.rng.choice([5, 5, 4, 4, 4, 3, 2]), comment="")
            seen.add(user.person.household_id)
            self.counts["evaluations"] += 1
        if ending == "evaluating":
            return project
        ended = project.evaluation_closes_at + dt.timedelta(minutes=5)
        with _at(ended):
            evaluations.tick()
        if ending == "evaluated":
            return project
        with _at(ended + dt.timedelta(hours=2)):
            if ending == "closed_unevaluated" or len(seen) < project.min_responses:
                return projects.close_unevaluated(None, project, reason="服务范围户数少，评价回复不足")
            return projects.close(staff, project)

    def large(self, community, staff, grid):
        title, kind, budget = LARGE
        base = self.now - 20 * DAY + dt.timedelta(hours=9)
        with _at(base):
            project = projects.propose(staff, community=community, kind=kind, title=title, budget=Decimal(budget),
                                       planned_start=timezone.localtime(base).date() + 30 * DAY,
                                       planned_end=timezone.localtime(base).date() + 150 * DAY, served_units=[grid])
            self.counts["projects"] += 1
        with _at(base + 2 * DAY):
            project = projects.review(staff, project, feasible=True, reason="纳入街道老旧小区改造计划，资金可行")
        with _at(base + 3 * DAY):
            projects.start_matter(staff, project)


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT) -> dict:
    """Make the demo's micro-projects through the app's services; answer summary counts."""
    now = now or timezone.now()
    demo = _Demo(now, district_code)
    district = Unit.objects.filter(code=district_code).first()
    chosen = list(Unit.objects.filter(district_code=district_code, kind="community").order_by("code")[:COMMUNITIES])
    if district is None or not chosen:
        return {"microprojects_projects": 0}
    with transaction.atomic():
        with _at(now - 88 * DAY):
            configure(None, district, large_threshold=Decimal("200000"), evaluation_days=14, min_responses=3)
        for index, community in enumerate(chosen):
            staff = demo.staff_of(community)
            grid = demo.served_grid(community)
            needs = demo.lists(community, staff, now - 88 * DAY + dt.timedelta(hours=9))
            for n, spec in enumerate(PROJECTS):
                if n % len(chosen) != index:
                    continue
                taken = [needs.pop(0)] if needs else []
                try:
                    with transaction.atomic():
                        demo.project(n, community, staff, grid, taken, spec)
                except REFUSED:
                    demo.counts["refused_steps"] += 1
            if index == 0:
                try:
                    with transaction.atomic():
                        demo.large(community, staff, grid)
                except REFUSED:
                    demo.counts["refused_steps"] += 1
            if progress:
                print(f"microprojects: {community.short_name}", flush=True)  # noqa: T201
    states = dict(Project.objects.filter(community__district_code=district_code).values_list("status")
                  .annotate(n=Count("pk")))
    return {"microprojects_" + key: value for key, value in demo.counts.items()} | {
        "microprojects_states": len(states)}

