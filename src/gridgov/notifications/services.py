"""Who is told what when a case moves, and the inbox itself.

``on_case_changed`` listens to the lifecycle's ``case_changed`` signal; the worker calls
:func:`notify` for near-due and overdue cases. Inbox rows are written in the case's transaction;
external channels are called only after it commits, so a rolled-back change sends nothing.
"""
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.core import clock

from . import channels
from .models import Kind, Notification

DISPATCH_ROLES = [Role.DISTRICT_DISPATCHER, Role.STREET_DISPATCHER, Role.COMMUNITY_STAFF]


def handlers(case) -> list[User]:
    """The person handling the case, the workers of the grid it was dispatched to, and the staff of
    the departments still working on it."""
    ids = set()
    if case.handler_user_id:
        ids.add(case.handler_user_id)
    if case.handler_unit_id:
        ids |= set(RoleAssignment.objects.filter(unit=case.handler_unit, role__in=[Role.GRID_WORKER, Role.GRID_LEADER])
                   .values_list("user", flat=True))
    departments = case.assignments.filter(status__in=["dispatched", "acknowledged"]).values("department")
    ids |= set(RoleAssignment.objects.filter(department__in=departments).values_list("user", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True))


def dispatchers(case) -> list[User]:
    ids = RoleAssignment.objects.filter(unit=case.queue, role__in=DISPATCH_ROLES).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def reporters(case) -> list[User]:
    """The account of the person who reported the case. Read by id: loading the Person row would
    decrypt their ID and phone numbers on every transition."""
    return list(User.objects.filter(person=case.reporter_id)) if case.reporter_id else []


def followers(case) -> list[User]:
    """The accounts of the people whose reports were merged into the case. They follow it in its
    public form (``cases.services.following``), so their messages name its category, never its
    title (the reporter's own words), and do not ask them to rate it (the reporter does)."""
    people = set(case.merged_cases.values_list("reporter", flat=True)) - {None, case.reporter_id}
    return list(User.objects.filter(person__in=people)) if people else []


def department_staff(departments) -> list[User]:
    ids = RoleAssignment.objects.filter(department__in=departments).values("user")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def notify(users, case, kind: str, text: str) -> None:
    """Put ``text`` in each user's inbox now, and send it through the external channels on commit."""
    users = {u.pk: u for u in users}.values()
    Notification.objects.bulk_create([Notification(user=u, case=case, kind=kind, text=text) for u in users])

    def send():
        for channel in channels.configured():
            for user in users:
                channel.send(user, text)

    transaction.on_commit(send)


def _tell_progress(case, status_text, followed_text=None) -> None:
    """Tell the reporter how far their case has got, and those who follow it (``followed_text``
    when it must read otherwise for them)."""
    notify(reporters(case), case, Kind.PROGRESS, _("Your case %(code)s “%(title)s”: %(status)s") % {
        "code": case.code, "title": case.title, "status": status_text})
    notify(followers(case), case, Kind.PROGRESS, _("The case %(code)s you follow (%(category)s): %(status)s") % {
        "code": case.code, "category": case.category.plain_name, "status": followed_text or status_text})


def on_case_changed(sender, case, action, actor, entry, **kwargs):
    """Map a transition to its messages. Texts are in the district's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        label = f"{case.code} {case.title}"
        if action == "dispatch":
            notify(handlers(case), case, Kind.DISPATCH, _("New case for you: %(case)s") % {"case": label})
            _tell_progress(case, _("dispatched for handling"))
        elif action in ("report", "escalate", "reopen") and case.status in ("reported", "accepted") \
                and not case.handler_user_id:
            notify(dispatchers(case), case, Kind.QUEUE, _("New in your queue: %(case)s") % {"case": label})
        elif action == "return":
            notify(dispatchers(case), case, Kind.RETURNED, _("Returned: %(case)s — %(reason)s") % {
                "case": label, "reason": entry.note})
        elif action == "supervise":
            notify(handlers(case), case, Kind.SUPERVISED, _("Supervised by the upper level: %(case)s") % {"case": label})
        elif action == "whistle":
            called = case.whistles.first().calls.values("department")
            notify(department_staff(called), case, Kind.WHISTLE, _("Whistle: report in to %(case)s within %(minutes)s "
                                                                   "minutes") % {"case": label, "minutes": entry.data["limit_minutes"]})
        if action in ("accept", "reject", "handle", "close", "reopen"):
            status = {"accept": _("accepted"), "reject": _("not accepted"), "handle": _("handled"),
                      "close": _("closed — please rate it"), "reopen": _("reopened")}[action]
            _tell_progress(case, status, _("closed") if action == "close" else None)


def unread(user):
    return Notification.objects.filter(user=user, read_at__isnull=True)


def mark_read(user, pks=None) -> int:
    rows = unread(user)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=clock.now())
