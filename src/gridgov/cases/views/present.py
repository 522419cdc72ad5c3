"""How a case reads on screen: the timeline in words, flags, deadline use, the map.

The engine stores machine words (``dispatch``, ``{"lead": "chengguan"}``); people read "派遣 → 城管
(主办)"; an action's words are its :class:`~gridgov.cases.actions.CaseAction` label. Everything
here is presentation only; no rule of the engine is decided here.
"""
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.accounts.roles import SELF_ROLES, WORKING_ROLES
from gridgov.accounts.scope import scope_for, visible
from gridgov.catalogue.models import Category
from gridgov.people.models import Person
from gridgov.structure.models import Department, Unit

from ..actions import INTERNAL, NOTES_FOR_THE_REPORTER, CaseAction
from ..models import Channel, Rating, Status
from ..services import deadlines
from ..services.lifecycle import REJECT_REASONS

PHOTO_STAGES = {"report": gettext_lazy("At the report"), "handle": gettext_lazy("After handling")}


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


class _Names:
    """Unit, department and user names for the codes a case's timeline data mentions, read at once."""

    def __init__(self, case, entries):
        data = [entry.data for entry in entries]
        unit_codes = {d[key] for d in data for key in ("unit", "to_grid", "queue") if key in d}
        self.units = dict(Unit.objects.filter(code__in=unit_codes).values_list("code", "short_name"))
        self.departments = dict(Department.objects.filter(district__code=case.district_code)
                                .values_list("code", "short_name"))
        self.users = {user.username: person_name(user) for user in
                      User.objects.filter(username__in={d["to_user"] for d in data if "to_user" in d})}
        doubted = {d["doubted"]["category"] for d in data if "doubted" in d}
        self.categories = dict(Category.objects.filter(code__in=doubted).values_list("code", "name")) if doubted else {}

    def unit(self, code):
        return self.units.get(code, code)

    def department(self, code):
        return self.departments.get(code, code)


def _intake_findings(data: dict, names: _Names) -> list[str]:
    """What the intake noticed about a report, for staff: a category the classifier doubts, open
    cases alike (``intake.services.file_report``)."""
    found = []
    if "doubted" in data:
        code = data["doubted"]["category"]
        found.append(_("the classifier would say %(category)s (%(confidence)s%%)") % {
            "category": names.categories.get(code, code), "confidence": round(100 * data["doubted"]["confidence"])})
    if data.get("similar"):
        found.append(_("open cases alike: %(codes)s") % {"codes": "、".join(data["similar"])})
    return found


def _detail(action: str, data: dict, names: _Names, staff: bool) -> str:
    """What an entry's data says, in a few words ("" when the action says it all). What the intake
    noticed is for ``staff`` only: it names other people's cases."""
    department = names.department(data["department"]) if "department" in data else ""
    if action == CaseAction.REPORT:
        said = _("via %(channel)s, located to %(unit)s") % {
            "channel": Channel(data["channel"]).label, "unit": names.unit(data["unit"])}
        return pgettext("between parts of a sentence", "; ").join(
            [said, *(_intake_findings(data, names) if staff else [])])
    if action == CaseAction.DISPATCH:
        if "to_user" in data:
            return _("to %(name)s") % {"name": names.users.get(data["to_user"], data["to_user"])}
        if "to_grid" in data:
            return _("to the workers of %(grid)s") % {"grid": names.unit(data["to_grid"])}
        lead = names.department(data["lead"])
        assisting = "、".join(names.department(code) for code in data.get("assisting", []))
        if assisting:
            return _("lead: %(lead)s; assisting: %(assisting)s") % {"lead": lead, "assisting": assisting}
        return _("lead: %(department)s") % {"department": lead}
    if action == CaseAction.REJECT:
        return str(REJECT_REASONS.get(data.get("reason"), ""))
    if action == CaseAction.VERIFY:
        return _("passed") if data.get("passed") else _("not passed: rework")
    if action in (CaseAction.RATE, CaseAction.RATE_DEPARTMENT):
        if "score" in data:
            return _("%(department)s: %(score)s of 5") % {"department": department, "score": data["score"]}
        return Rating(data["rating"]).label
    if action == CaseAction.ESCALATE:
        return _("to the queue of %(unit)s") % {"unit": names.unit(data["queue"])}
    if action in (CaseAction.REQUEST_EXTENSION, CaseAction.GRANT_EXTENSION, CaseAction.REFUSE_EXTENSION):
        return _("%(days)s working days") % {"days": f"{data['days']:g}"}
    if action == CaseAction.MERGE:
        return _("into case %(code)s") % {"code": data["into"]}
    if action in (CaseAction.MERGED_IN, CaseAction.UNMERGED_OUT):
        return _("case %(code)s") % {"code": data["case"]}
    if action == CaseAction.UNMERGE:
        return _("out of case %(code)s") % {"code": data["from"]}
    if action == CaseAction.WHISTLE:
        called = "、".join(names.department(code) for code in data["departments"])
        return _("%(departments)s, report in within %(minutes)s minutes") % {
            "departments": called, "minutes": data["limit_minutes"]}
    if action == CaseAction.REPORT_IN and data.get("late"):
        return _("%(department)s, late") % {"department": department}
    return department


def timeline_rows(case, for_reporter: bool = False) -> list[dict]:
    """The whole timeline as people read it: who (the platform when nobody), what, from → to, note.
    ``for_reporter``: as the resident who reported it reads it — without the internal steps
    (``actions.INTERNAL``), and with notes only where they are written for them."""
    entries = list(case.own("timeline").select_related("actor").order_by("seq"))
    if for_reporter:
        entries = [entry for entry in entries if entry.action not in INTERNAL]
    names = _Names(case, entries)
    return [{
        "entry": entry,
        "label": CaseAction.text(entry.action),
        "actor": person_name(entry.actor) if entry.actor else _("Platform"),
        "platform": entry.actor_id is None,
        "from": Status.text(entry.from_status) if entry.from_status != entry.to_status else "",
        "to": Status.text(entry.to_status),
        "detail": _detail(entry.action, entry.data, names, staff=not for_reporter),
        "note": entry.note if not for_reporter or entry.action in NOTES_FOR_THE_REPORTER else "",
    } for entry in entries]


def reads_as_reporter(user) -> bool:
    """Whether ``user`` reads cases as a resident: a resident or party member holding no working role
    (staff read every step and note of the cases in their scope)."""
    scope = scope_for(user)
    return not scope.everything and bool(scope.roles & SELF_ROLES) and not scope.roles & WORKING_ROLES


def flags(case) -> list[tuple[str, str]]:
    """The case's marks as (text, Bootstrap colour)."""
    found = []
    if case.supervised:
        found.append((_("Supervised"), "danger"))
    if case.whistled:
        found.append((_("Whistled"), "warning"))
    if case.reopen_count:
        found.append((_("Reopened"), "danger"))
    if case.small_loop:
        found.append((_("Small loop"), "success"))
    if case.return_count:
        found.append((_("Returned %(n)s×") % {"n": case.return_count}, "secondary"))
    return found


def return_reason(case) -> str:
    """Why the case came back to the queue, while it waits there to be dispatched again."""
    if case.status != Status.ACCEPTED or not case.return_count:
        return ""
    entry = case.timeline.filter(action=CaseAction.RETURN, to_status=Status.ACCEPTED).order_by("-seq").first()
    return entry.note if entry else ""


def deadline(case) -> dict:
    """Working time used against the limit: the progress bar's share (the light says the colour)."""
    limit = deadlines.limit_days(case)
    used = deadlines.elapsed(case).total_seconds() / 86400
    percent = round(100 * used / limit) if limit else 0
    return {"limit_days": limit, "used_days": used, "percent": max(percent, 0), "bar": min(max(percent, 0), 100)}


def reporter(user, case) -> dict:
    """Who reported, as this user may see it: a name only when the person is in their scope, and
    the phone number always masked."""
    person = case.reporter
    shown = person is not None and visible(user, Person.objects.filter(pk=person.pk)).exists()
    phone = case.masked_contact_phone or (person.masked_phone if person else "")
    name = person.name if shown else case.contact_name
    return {"name": name or (_("A resident") if person else ""), "phone": phone,
            "staff": person_name(case.reported_by) if person is None and case.reported_by else ""}


def case_map(case) -> dict | None:
    """The case's unit outline (the nearest unit above it that has one) and its point, as GeoJSON
    for the case page's small map; None when there is nothing to draw."""
    unit = case.unit
    while unit is not None and not unit.boundary:
        unit = unit.parent
    if unit is None:
        return None
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "id": unit.code, "geometry": unit.boundary,
                      "properties": {"code": unit.code, "name": unit.short_name}}],
        "point": [case.lng, case.lat] if case.lat is not None and case.lng is not None else None,
    }
