"""The demo district's deliberation (see ``participation.py``), made through the app's services.

The first four communities (in code order) each get: a support threshold of 3 and their lists (两委
members, residents' representatives; party members come from the party organisations — a community
whose organisations have no members gets its party-member residents entered in its first one);
micro-proposals over the last 90 days in every state (open, on the agenda, answered but not
published, published accepted / not accepted / merged, implemented, withdrawn) with supports; a
逢十 series made 90 days ago whose past meetings were held — residents checked in, a proposal on
the agenda voted on and resolved, minutes —, one cancelled, and the coming ones scheduled by the
worker job; and (the first two communities) a matter at every step of 四议两公开, one returned to
draft by a failed vote, with their published notices. Every step runs inside ``clock.frozen`` at
its own moment. Residents act as themselves: those without a login get one (``d_<person pk>``,
the demo password); the staff act as the ``community_staff`` login where it works, else as the
platform (``None``).
"""
import datetime as dt
import random

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from gridgov.accounts.models import Role
from gridgov.core import clock
from gridgov.deliberation.models import Meeting, MeetingStatus, Notice, NoticeKind, Proposal, Step
from gridgov.deliberation.services import matters, meetings, proposals, series, setup
from gridgov.people.models import Person
from gridgov.structure.codes import subtree_q
from gridgov.structure.models import PartyMembership, PartyOrg, PartyOrgKind, Unit

from .seed import DISTRICT, SEED
from .volunteering_demo import make_login

COMMUNITIES = 4
MATTER_COMMUNITIES = 2
DAYS = 90
PEOPLE = 24
PROPOSALS = [  # (title, description, how far it gets)
    ("小区增设电动车充电桩", "楼道充电有火灾隐患，建议在空地集中设置充电桩。", "implemented"),
    ("老旧楼道加装扶手", "老人上下楼不便。", "accepted"),
    ("广场舞音量扰民", "晚上九点后仍有音乐，建议约定时间。", "not_accepted"),
    ("楼下充电桩不够用", "同充电桩提案。", "merged"),
    ("增设快递柜", "快递堆放在门卫室，丢件多。", "answered"),
    ("修缮院落凉亭", "凉亭顶棚漏雨。", "on_agenda"),
    ("设立共享工具箱", "邻里之间互借工具。", "open"),
    ("小区门口划停车位", "车辆乱停堵塞消防通道。", "withdrawn"),
]
KIND_TITLES = {"committees": "两委会议", "party": "党员大会", "representatives": "居民代表会议"}
MATTERS = ["加装电梯方案", "小区停车改造", "院落微更新", "物业服务合同续签", "公共收益使用", "垃圾分类亭建设",
           "老年食堂选址", "健身器材更新", "社区花园认养"]


def _at(moment):
    return clock.frozen(moment.astimezone(dt.timezone.utc))


class _Demo:
    def __init__(self, now):
        self.now = now
        self.rng = random.Random(SEED + 12)
        self.counts = {"proposals": 0, "supports": 0, "meetings_held": 0, "matters": 0}
        self.staff_login = User.objects.filter(username="community_staff").first()

    def staff(self, community):
        login = self.staff_login
        return login if login and login.role_assignments.filter(unit=community).exists() else None

    def people(self, community) -> list[tuple[Person, User]]:
        chosen = list(Person.objects.filter(subtree_q("unit__code", community.code)).select_related("user", "unit")
                      .order_by("pk")[:PEOPLE])
        return [(p, p.user if p.user_id else make_login(f"d_{p.pk}", p, Role.PARTY_MEMBER if p.is_party_member
                                                        else Role.RESIDENT)) for p in chosen]

    def party(self, community, people):
        """The community's party organisations and, if they have no members, its party members entered."""
        orgs = PartyOrg.objects.filter(subtree_q("unit__code", community.code)).order_by("unit__code", "pk")
        org = orgs.first() or PartyOrg.objects.create(kind=PartyOrgKind.COMMUNITY_COMMITTEE, unit=community,
                                                      name=f"{community.short_name}党委")
        if not PartyMembership.objects.filter(org__in=orgs).exists():
            members = [p for p, _u in people if p.is_party_member] or [p for p, _u in people[:5]]
            for person in members:
                PartyMembership.objects.get_or_create(org=org, person=person)
        return org

    # -- proposals ------------------------------------------------------------------------------------
    def proposals(self, community, staff, people):
        start = self.now - dt.timedelta(days=DAYS - 5)
        made = {}
        for index, (title, text, ending) in enumerate(PROPOSALS):
            author, author_user = people[index % len(people)]
            at = start + dt.timedelta(days=index * 9, hours=self.rng.randint(0, 8))
            with _at(at):
                p = proposals.propose(author_user, title=title, description=text)
            self.counts["proposals"] += 1
            supporters = [u for person, u in people if person.pk != author.pk]
            wanted = 1 if ending == "open" else len(supporters) if ending in ("on_agenda", "implemented") else 3
            for n, user in enumerate(self.rng.sample(supporters, min(wanted, len(supporters)))):
                with _at(at + dt.timedelta(hours=n + 1)):
                    p = proposals.support(user, p)
                self.counts["supports"] += 1
            answer_at = at + dt.timedelta(days=5)
            if ending == "withdrawn":
                with _at(at + dt.timedelta(days=1)):
                    proposals.withdraw(author_user, p, "已与物业协商解决")
            elif ending in ("implemented", "accepted", "not_accepted", "answered", "merged"):
                answer, reason = {"not_accepted": ("not_accepted", "属于文化活动管理，转街道文化站协调。"),
                                  "merged": ("merged", "与充电桩提案重复，合并办理。")}.get(
                    ending, ("accepted", "纳入下季度民生微实事。"))
                with _at(answer_at):
                    proposals.answer(staff, p, answer=answer, reason=reason,
                                     merged_into=made.get("implemented") if answer == "merged" else None)
                if ending != "answered":
                    with _at(answer_at + dt.timedelta(days=1)):
                        proposals.publish_answer(staff, p)
                if ending == "implemented":
                    with _at(answer_at + dt.timedelta(days=20)):
                        proposals.mark_implemented(staff, p, "充电桩已安装并投入使用")
            made[ending] = p
        return made

    # -- the 逢十 series ----------------------------------------------------------------------------------
    def tenth_series(self, community, staff, people, made):
        with _at(self.now - dt.timedelta(days=DAYS)):
            s = series.create_series(staff, community=community, kind="tenth", title=f"{community.short_name}逢十议事会",
                                     recurrence="tenth", start_time=dt.time(9, 30), place="党群服务中心议事厅")
        for days_ago in (60, 30, 0):  # the worker job, run now and then
            with _at(self.now - dt.timedelta(days=days_ago)):
                series.materialise(self.now - dt.timedelta(days=days_ago))
        today = timezone.localdate(self.now)
        past = list(Meeting.objects.filter(series=s, held_on__lt=today).order_by("held_on"))
        for index, meeting in enumerate(past):
            if index == len(past) - 2:
                with _at(meeting.starts_at - dt.timedelta(days=1)):
                    meetings.cancel(staff, meeting, "与街道会议冲突，顺延至下次")
                continue
            self.hold(meeting, staff, people, made.get("on_agenda") if index == len(past) - 1 else None)

    def hold(self, meeting, staff, people, proposal):
        with _at(meeting.starts_at):
            title = proposal.title if proposal else self.rng.choice(["停车秩序", "环境卫生", "邻里互助", "安全隐患"])
            item = meetings.add_agenda_item(staff, meeting, title=title, subject_ref=proposal.ref if proposal else "")
            meetings.open_meeting(staff, meeting)
            attendees = self.rng.sample(people, max(3, len(people) * 2 // 3))
            for person, user in attendees:
                meetings.check_in(user, meeting)
            for person, user in attendees:
                meetings.vote(user, meeting, item, self.rng.choice(["for", "for", "for", "against", "abstain"]))
            meetings.resolve_item(staff, meeting, item, f"关于“{title}”的议定事项")
        with _at(meeting.starts_at + dt.timedelta(hours=2)):
            meetings.record_minutes(staff, meeting, f"到会{len(attendees)}人，议定：{title}。")
            meetings.close(staff, meeting)
        self.counts["meetings_held"] += 1

    # -- 四议两公开 --------------------------------------------------------------------------------------
    def matters(self, community, staff, people, org):
        """A matter at every step (``MATTERS[i]`` reaches step ``i``), and one more returned to draft."""
        steps = list(Step)
        start = self.now - dt.timedelta(days=60)
        with _at(start):
            opened = [matters.open_matter(staff, community=community, title=title, description=f"{title}（四议两公开）")
                      for title in MATTERS]
            failing = matters.open_matter(staff, community=community, title="收取车位管理费",
                                          description="拟按月收取车位管理费")
            self.counts["matters"] += len(opened) + 1
            for matter in [*opened[1:], failing]:
                matters.advance(staff, matter, party_org=org)
        voting = [(Step.DISCUSSED, "committees", 10), (Step.DELIBERATED, "party", 20),
                  (Step.RESOLVED, "representatives", 30)]
        for step, kind, days in voting:
            due = [*(m for i, m in enumerate(opened) if i >= steps.index(step)), failing]
            self.vote_on(community, staff, kind, start + dt.timedelta(days=days), due, failing, step)
        later = [(Step.PUBLISHED, 32), (Step.IMPLEMENTING, 35), (Step.RESULT_PUBLISHED, 50), (Step.CLOSED, 58)]
        for step, days in later:
            with _at(start + dt.timedelta(days=days)):
                for matter in opened[steps.index(step):]:
                    matter = type(matter).objects.get(pk=matter.pk)
                    if step == Step.PUBLISHED:
                        matters.publish(staff, matter, kind=NoticeKind.RESOLUTION,
                                        text=f"经居民代表会议表决通过：{matter.title}。特此公示。")
                    elif step == Step.RESULT_PUBLISHED:
                        matters.publish(staff, matter, kind=NoticeKind.RESULT, text=f"{matter.title}已实施完毕。",
                                        completed_on=timezone.localdate(start + dt.timedelta(days=48)))
                    else:
                        matters.advance(staff, matter)

    def vote_on(self, community, staff, kind, at, due, failing, step):
        with _at(at):
            meeting = meetings.schedule(staff, community=community, kind=kind,
                                        title=f"{community.short_name}{KIND_TITLES[kind]}", starts_at=at,
                                        place="社区会议室")
            items = {m.pk: meetings.add_agenda_item(staff, meeting, title=m.title, subject_ref=m.ref) for m in due}
            meeting = meetings.open_meeting(staff, meeting)
            entitled = list(Person.objects.filter(pk__in=meetings.entitled_ids(meeting)).order_by("pk"))
            present = entitled[:len(entitled) // 2 + 1 + (len(entitled) > 4)]
            for person in present:
                meetings.check_in(staff, meeting, person)
            for matter in due:
                against = matter.pk == failing.pk and step == Step.RESOLVED
                for person in present:
                    meetings.vote(staff, meeting, items[matter.pk], "against" if against else "for", person)
                resolution = meetings.resolve_item(staff, meeting, items[matter.pk], f"同意{matter.title}")
                if resolution.passed:
                    matters.advance(staff, type(matter).objects.get(pk=matter.pk), resolution=resolution)
            meetings.record_minutes(staff, meeting, "逐项表决，结果见决议。")
            meetings.close(staff, meeting)
        self.counts["meetings_held"] += 1

    def community(self, index, community):
        staff = self.staff(community)
        people = self.people(community)
        if len(people) < 4:
            return
        with _at(self.now - dt.timedelta(days=DAYS)):
            setup.set_threshold(staff, community, 3)
            for person, _user in people[:7]:
                setup.add_to_roster(staff, community, "committee", person)
            for person, _user in people[:15]:
                setup.add_to_roster(staff, community, "representatives", person)
        org = self.party(community, people)
        made = self.proposals(community, staff, people)
        self.tenth_series(community, staff, people, made)
        if index < MATTER_COMMUNITIES:
            self.matters(community, staff, people, org)


def generate(progress: bool = False, now: dt.datetime | None = None, district_code: str = DISTRICT,
             communities: int = COMMUNITIES) -> dict:
    """Make the demo's deliberation data through the app's services; answer summary counts."""
    now = now or timezone.now()
    demo = _Demo(now)
    chosen = list(Unit.objects.filter(district_code=district_code, kind="community").order_by("code")[:communities])
    with transaction.atomic():
        for index, community in enumerate(chosen):
            demo.community(index, community)
            if progress:
                print(f"deliberation: {community.short_name}", flush=True)  # noqa: T201
    codes = [c.code for c in chosen]
    return {"deliberation_" + key: value for key, value in demo.counts.items()} | {
        "deliberation_notices_posted": Notice.objects.filter(community__code__in=codes).count(),
        "deliberation_open_proposals": Proposal.objects.filter(community__code__in=codes,
                                                               status__in=["open", "on_agenda"]).count(),
        "deliberation_scheduled_meetings": Meeting.objects.filter(community__code__in=codes,
                                                                  status=MeetingStatus.SCHEDULED).count()}
