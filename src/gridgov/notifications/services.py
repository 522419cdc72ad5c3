"""Who is told what when a case moves, and the inbox itself.

:func:`on_case_recorded` listens to the kernel journal's ``changed`` signal for cases
(:mod:`gridgov.core.journal`), which is sent once the change has committed: a rolled-back change
tells no one, and a message that fails cannot undo the change. The deadline watch's events (near
due, overdue, not acknowledged in time) reach it the same way, as timeline entries. Any app may
call :func:`notify` about its own objects.
"""
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import GRID_ROLES, QUEUE_NOTIFIED_ROLES
from gridgov.cases.actions import CaseAction
from gridgov.cases.models import AssignmentStatus, Case, Channel, Status
from gridgov.cases.services.following import merged_reports
from gridgov.core import clock

from . import channels
from .models import Kind, Notification


def handlers(case) -> list[User]:
    """The person handling the case, the workers of the grid it was dispatched to, and the staff of
    the departments still working on it."""
    ids = set()
    if case.handler_user_id:
        ids.add(case.handler_user_id)
    if case.handler_unit_id:
        ids |= set(RoleAssignment.objects.filter(unit=case.handler_unit, role__in=GRID_ROLES)
                   .values_list("user", flat=True))
    departments = case.assignments.filter(status__in=AssignmentStatus.WORKING).values("department")
    ids |= set(RoleAssignment.objects.filter(department__in=departments).values_list("user", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True))


def dispatchers(case) -> list[User]:
    ids = RoleAssignment.objects.filter(unit=case.queue, role__in=QUEUE_NOTIFIED_ROLES).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def reporters(case) -> list[User]:
    """The account of the person who reported the case. Read by id: loading the Person row would
    decrypt their ID and phone numbers on every transition."""
    return list(User.objects.filter(person=case.reporter_id)) if case.reporter_id else []


def report_owner(report) -> User | None:
    """Whose report ``report`` is (``following.own_q``): its reporter's account, or for a patrol report
    filed without a person record, the grid worker who filed it; None for anyone else's filing."""
    if report.reporter_id is not None:
        return User.objects.filter(person=report.reporter_id, is_active=True).first()
    if report.channel == Channel.PATROL and report.reported_by_id:
        user = report.reported_by
        return user if user.is_active else None
    return None


def followed_reports(case) -> list[tuple[User, Case]]:
    """Each account following the case with the report of theirs merged into it (directly or
    through a chain of merges). Not the case's own reporter, who is told as such. Their messages
    name their own report's title (their own words), never the master's."""
    pairs = []
    for report in merged_reports(case):
        owner = None if report.reporter_id and report.reporter_id == case.reporter_id else report_owner(report)
        if owner is not None:
            pairs.append((owner, report))
    return pairs


def department_staff(departments) -> list[User]:
    ids = RoleAssignment.objects.filter(department__in=departments).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def notify(users, target, kind: str, text: str, at=None) -> None:
    """Put ``text`` about ``target`` (a case, a unit, … or ``None``) in each user's inbox, dated
    ``at`` (by default now), and send it through the external channels once the surrounding
    transaction, if any, commits."""
    users = {u.pk: u for u in users}.values()
    at = at or clock.now()
    Notification.objects.bulk_create([Notification(user=u, target=target, kind=kind, text=text, at=at)
                                      for u in users])

    def send():
        for channel in channels.configured():
            for user in users:
                channel.send(user, text)

    transaction.on_commit(send)


def _tell_progress(case, at, status_text, closed=False) -> None:
    """Tell the reporter how far their case has got, and those who follow it, each about their own
    report (its title, their words) and on it: once the case is closed, that is where they rate."""
    notify(reporters(case), case, Kind.PROGRESS, _("Your case %(code)s “%(title)s”: %(status)s") % {
        "code": case.code, "title": case.title, "status": status_text}, at)
    for user, report in followed_reports(case):
        words = {"title": report.title, "code": case.code, "status": status_text}
        text = (_("Your report “%(title)s” was merged into %(code)s, which has been closed: please rate it.") if closed
                else _("Your report “%(title)s”, merged into %(code)s: %(status)s"))
        notify([user], report, Kind.PROGRESS, text % words, at)


def _tell_merge(case, entry) -> None:
    """Tell a merged report's reporter (a resident, or the grid worker who filed it on patrol) that
    it is now handled as one with another case — or, undone, on its own again."""
    if case.status == Status.MERGED:
        text = _("Your report “%(title)s” was merged into %(code)s, the same problem: you will be told of its "
                 "progress and asked to rate it once it is closed.") % {"title": case.title, "code": entry.data["into"]}
    else:
        text = _("The merge of your report “%(title)s” into %(code)s was undone: it is handled on its own again.") % {
            "title": case.title, "code": entry.data["from"]}
    owner = report_owner(case)
    if owner is not None:
        notify([owner], case, Kind.PROGRESS, text, entry.at)


def on_case_recorded(sender, subject, action, actor, entry, **kwargs):
    """Map a case's timeline entry to its messages, once it has committed. ``subject`` is the case
    as the entry left it; each message is dated as the entry. Texts are in the district's default
    language."""
    case, at = subject, entry.at
    with translation.override(settings.LANGUAGE_CODE):
        label = f"{case.code} {case.title}"
        if action == CaseAction.DISPATCH:
            notify(handlers(case), case, Kind.DISPATCH, _("New case for you: %(case)s") % {"case": label}, at)
            _tell_progress(case, at, _("dispatched for handling"))
        elif action in (CaseAction.REPORT, CaseAction.ESCALATE, CaseAction.REOPEN) \
                and case.status in ("reported", "accepted") and not case.handler_user_id:
            notify(dispatchers(case), case, Kind.QUEUE, _("New in your queue: %(case)s") % {"case": label}, at)
        elif action == CaseAction.RETURN:
            notify(dispatchers(case), case, Kind.RETURNED, _("Returned: %(case)s — %(reason)s") % {
                "case": label, "reason": entry.note}, at)
        elif action == CaseAction.SUPERVISE:
            notify(handlers(case), case, Kind.SUPERVISED, _("Supervised by the upper level: %(case)s") % {"case": label}, at)
        elif action == CaseAction.WHISTLE:
            called = case.whistles.first().calls.values("department")
            notify(department_staff(called), case, Kind.WHISTLE, _("Whistle: report in to %(case)s within %(minutes)s "
                                                                   "minutes") % {"case": label, "minutes": entry.data["limit_minutes"]}, at)
        elif action == CaseAction.NEAR_DUE:
            notify(handlers(case), case, Kind.NEAR_DUE, _("Near due: %(case)s") % {"case": label}, at)
        elif action == CaseAction.OVERDUE:
            notify(handlers(case) + dispatchers(case), case, Kind.OVERDUE, _("Overdue: %(case)s") % {"case": label}, at)
        elif action == CaseAction.RESPONSE_OVERDUE:
            notify(handlers(case) + dispatchers(case), case, Kind.OVERDUE,
                   _("Not acknowledged in time: %(case)s") % {"case": label}, at)
        progress = {CaseAction.ACCEPT: _("accepted"), CaseAction.REJECT: _("not accepted"),
                    CaseAction.HANDLE: _("handled"), CaseAction.CLOSE: _("closed — please rate it"),
                    CaseAction.REOPEN: _("reopened")}
        if action in progress:
            _tell_progress(case, at, progress[action], closed=action == CaseAction.CLOSE)
        elif action in (CaseAction.MERGE, CaseAction.UNMERGE):
            _tell_merge(case, entry)


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


#: The navbar badge stops counting here: past it, it reads "99+".
BADGE_CAP = 99


def actionable(user):
    """The unread notifications that still ask something of ``user``: not those about a case that is
    finished (closed, not accepted, merged) — save a closed case its reporter has yet to rate. A
    badge counting news about work already done would only teach people to ignore it."""
    finished = Case.objects.filter(status__in=(*Status.FINISHED, Status.MERGED))
    to_rate = Case.objects.filter(Q(status=Status.CLOSED) | Q(status=Status.MERGED, merged_into__status=Status.CLOSED),
                                  rating="")
    about_finished = Q(target_type=ContentType.objects.get_for_model(Case), target_id__in=finished.values("pk")) \
        & ~Q(kind=Kind.PROGRESS, target_id__in=to_rate.values("pk"))
    return unread(user).exclude(about_finished)


def badge_text(count: int) -> str:
    return f"{BADGE_CAP}+" if count > BADGE_CAP else str(count)


def mark_read(user, pks=None) -> int:
    rows = unread(user)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=clock.now())
