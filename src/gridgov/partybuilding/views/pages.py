"""The party-building pages: the organisations' staff see their members, the kite plan (with a red
flag past 30 and 90 days without contact), courses, sessions, attendance, results, credits and
coverage, posts and pledges; a party member sees their credits, courses and pledges on a phone; a
community's vanguard posts are shown to anyone, without signing in. Every step posts to one
service; a refusal comes back as a message on the same page and nothing changes."""
import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import PARTY_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.people.models import Person
from gridgov.structure.models import PartyMembership, PartyOrg, Unit, UnitKind

from ..models import (
    AttendanceMode,
    ContactKind,
    Course,
    CourseSession,
    Credit,
    LifeSession,
    MobileMember,
    Pledge,
    PledgeStatus,
    VanguardPost,
)
from ..services import kite, pledges, posts, training
from ..services.common import person_of, today
from ..services.coverage import coverage_by_org, with_children
from ..services.members import members_within, own_org, person_for, tree_for


def _back(request) -> str:
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
            return candidate
    return reverse("partybuilding-home")


def _refusals(view):
    """Show a refused step as a message and go back to the page; nothing was changed."""
    @wraps(view)
    def run(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else (
                str(error) or _("You may not do this."))
            messages.error(request, text)
            return redirect(_back(request))
    return run


def _staff_only(view):
    @wraps(view)
    def run(request, *args, **kwargs):
        if not scope_for(request.user).has_role(*PARTY_STAFF_ROLES):
            raise PermissionDenied(_("Only party organisation staff may open this page."))
        return view(request, *args, **kwargs)
    return login_required(run)


def _day(value, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise ValidationError(_("%(field)s: enter a date (YYYY-MM-DD).") % {"field": label}) from None


def _int(value, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("%(field)s: enter a whole number.") % {"field": label}) from None
    if not 0 <= number <= 2**31 - 1:
        raise ValidationError(_("%(field)s: enter a whole number.") % {"field": label})
    return number


def _pick(request, model, field: str, label: str, queryset=None):
    """The visible object a form field names; a missing one is a 404 like any other."""
    return get_visible_or_404(request.user, queryset if queryset is not None else model.objects.all(),
                              pk=_int(request.POST.get(field), label))


def _orgs(request):
    return visible(request.user, PartyOrg.objects.select_related("unit")).order_by("unit__code", "kind", "name")


# -- staff -----------------------------------------------------------------------------------------
@_staff_only
def home(request):
    orgs = list(_orgs(request)[:300])
    return render(request, "partybuilding/home.html", {"orgs": orgs, "here": "orgs"})


def _period(request):
    day = today()
    try:
        start = dt.date.fromisoformat(request.GET.get("start") or f"{day.year}-01-01")
        end = dt.date.fromisoformat(request.GET.get("end") or day.isoformat())
    except ValueError:
        raise ValidationError(_("Enter the period as two dates (YYYY-MM-DD).")) from None
    if end < start:
        raise ValidationError(_("The period ends after it starts."))
    return start, end


@_staff_only
def org(request, pk):
    party_org = get_visible_or_404(request.user, PartyOrg.objects.select_related("unit", "parent"), pk=pk)
    try:
        start, end = _period(request)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
        start, end = dt.date(today().year, 1, 1), today()
    members = (visible(request.user, PartyMembership.objects.filter(org=party_org).select_related("person"))
               .order_by("role", "person__name"))
    rows = coverage_by_org(with_children(party_org), start, end)
    chart = {"names": [r["org"].name for r in rows], "label": _("Coverage"),
             "values": [round(r["coverage"] * 100, 1) if r["coverage"] is not None else None for r in rows]}
    return render(request, "partybuilding/org.html", {
        "org": party_org, "members": members, "rows": rows, "chart": chart, "start": start, "end": end,
        "here": "orgs"})


@_staff_only
def kite_list(request):
    rows = list(visible(request.user, MobileMember.objects.select_related("person", "home_org", "liaison"))[:500])
    lasts, day = kite.last_contacts(rows), today()
    for row in rows:
        row.last_contact = lasts.get(row.pk)
        row.days_silent = kite.silence(row, row.last_contact, day)
    return render(request, "partybuilding/kite.html", {"rows": rows, "kinds": ContactKind.choices, "today": day,
                                                       "here": "kite"})


@_staff_only
@require_POST
@_refusals
def kite_contact(request, pk):
    mobile = get_visible_or_404(request.user, MobileMember.objects.all(), pk=pk)
    kite.record_contact(request.user, mobile, kind=request.POST.get("kind", ""),
                        on=_day(request.POST.get("on"), _("Contact date")), note=request.POST.get("note", ""))
    messages.success(request, _("Contact recorded."))
    return redirect("partybuilding-kite")


@_staff_only
def life(request):
    """Organisation life sessions (组织生活) with their attendance, online or present."""
    sessions = list(visible(request.user, LifeSession.objects.select_related("org__unit"))
                    .prefetch_related("attendances__person")[:100])
    trees = {}
    for session in sessions:
        district = session.org.unit.district_code
        tree = trees.get(district) or trees.setdefault(district, tree_for([district]))
        session.members = Person.objects.filter(pk__in=members_within(tree, session.org_id)).order_by("name")
    return render(request, "partybuilding/life.html", {"sessions": sessions, "orgs": _orgs(request)[:300],
                                                       "modes": AttendanceMode.choices, "today": today(),
                                                       "here": "life"})


@_staff_only
@require_POST
@_refusals
def life_step(request, step):
    if step == "create":
        kite.create_life_session(request.user, org=_pick(request, PartyOrg, "org", _("Party organisation")),
                                 on=_day(request.POST.get("on"), _("Date")), topic=request.POST.get("topic", ""))
        messages.success(request, _("Session added."))
    elif step == "attendance":
        session = _pick(request, LifeSession, "session", _("Session"))
        kite.record_life_attendance(request.user, session, mode=request.POST.get("mode", ""),
                                    person=person_for(request.user, _int(request.POST.get("person"),
                                                                         _("Party member"))))
        messages.success(request, _("Attendance recorded."))
    else:
        raise Http404
    return redirect("partybuilding-life")


@_staff_only
def courses(request):
    rows = visible(request.user, Course.objects.select_related("org")).order_by("-starts_on", "title")[:200]
    return render(request, "partybuilding/courses.html", {"courses": rows, "orgs": _orgs(request)[:300],
                                                          "here": "courses"})


@_staff_only
@require_POST
@_refusals
def course_create(request):
    party_org = _pick(request, PartyOrg, "org", _("Party organisation"))
    pass_mark = request.POST.get("pass_mark") or None
    course = training.create_course(
        request.user, org=party_org, title=request.POST.get("title", ""), hours=request.POST.get("hours", ""),
        starts_on=_day(request.POST.get("starts_on"), _("Period from")),
        ends_on=_day(request.POST.get("ends_on"), _("Period to")),
        member_kinds=request.POST.getlist("member_kinds"),
        pass_mark=_int(pass_mark, _("Pass mark")) if pass_mark else None,
        validity_months=_int(request.POST.get("validity_months") or 12, _("Validity (months)")))
    return redirect("partybuilding-course", pk=course.pk)


def _required_people(course):
    """The members a course is for (the attendance and result forms' choices)."""
    tree = tree_for([course.org.unit.district_code])
    people = [p for p, own in members_within(tree, course.org_id).items()
              if not course.member_kinds or own[1] in course.member_kinds]
    return Person.objects.filter(pk__in=people).order_by("name")


@_staff_only
def course(request, pk):
    item = get_visible_or_404(request.user, Course.objects.select_related("org__unit"), pk=pk)
    people = list(_required_people(item)[:500])
    credits = Credit.objects.filter(course=item).select_related("person").order_by("person__name", "-granted_on")
    day = today()
    for credit in credits:
        credit.valid = credit.valid_on(day)
    hours = {p.pk: training.hours_towards(item, p) for p in people}
    return render(request, "partybuilding/course.html", {
        "course": item, "sessions": item.sessions.all(), "people": people, "credits": credits,
        "results": item.results.select_related("person")[:200],
        "progress": [(p, hours[p.pk]) for p in people], "here": "courses", "today": day})


@_staff_only
@require_POST
@_refusals
def course_step(request, pk, step):
    item = get_visible_or_404(request.user, Course.objects.all(), pk=pk)
    if step == "session":
        training.add_session(request.user, item, on=_day(request.POST.get("on"), _("Date")),
                             hours=request.POST.get("hours", ""), topic=request.POST.get("topic", ""))
        messages.success(request, _("Session added."))
    elif step == "attendance":
        session = _pick(request, CourseSession, "session", _("Session"))
        person = person_for(request.user, _int(request.POST.get("person"), _("Party member")))
        done = training.record_attendance(request.user, item, session=session, person=person)
        messages.success(request, _("Credit granted to %(name)s.") % {"name": person.name} if done.new_credit
                         else _("Attendance recorded."))
    elif step == "result":
        person = person_for(request.user, _int(request.POST.get("person"), _("Party member")))
        done = training.record_result(request.user, item, person=person, score=_int(request.POST.get("score"),
                                                                                      _("Score")),
                                      taken_on=_day(request.POST.get("taken_on"), _("Test date")))
        messages.success(request, _("Credit granted to %(name)s.") % {"name": person.name} if done.new_credit
                         else _("Result recorded."))
    elif step == "credit":
        person = person_for(request.user, _int(request.POST.get("person"), _("Party member")))
        training.grant_credit(request.user, item, person=person)
        messages.success(request, _("Credit granted to %(name)s.") % {"name": person.name})
    else:
        raise Http404
    return redirect("partybuilding-course", pk=pk)


@_staff_only
def posts_page(request):
    rows = visible(request.user, VanguardPost.objects.select_related("unit", "holder"))[:300]
    pledge_rows = list(visible(request.user, Pledge.objects.select_related("person", "org"))
                       .order_by("status", "due_on")[:300])
    day = today()
    for pledge in pledge_rows:
        pledge.overdue = pledges.is_overdue(pledge, day)
    units = visible(request.user, Unit.objects.filter(kind__in=[UnitKind.COMMUNITY, UnitKind.GRID]))[:300]
    in_orgs = visible(request.user, PartyMembership.objects.all()).values("person")
    members = Person.objects.filter(pk__in=in_orgs, is_party_member=True).order_by("name")[:500]
    return render(request, "partybuilding/posts.html", {"posts": rows, "pledges": pledge_rows, "units": units,
                                                        "members": members, "here": "posts", "today": day})


@_staff_only
@require_POST
@_refusals
def post_step(request, step):
    if step == "create":
        unit = get_visible_or_404(request.user, Unit.objects.all(), code=request.POST.get("unit", ""))
        posts.create_post(request.user, unit=unit, title=request.POST.get("title", ""),
                          place=request.POST.get("place", ""), duties=request.POST.get("duties", ""))
        messages.success(request, _("Post added."))
    elif step == "holder":
        post = _pick(request, VanguardPost, "post", _("Post"))
        posts.assign_holder(request.user, post, person=person_for(request.user, _int(request.POST.get("person"), _("Party member"))),
                            held_from=_day(request.POST.get("held_from"), _("From")),
                            held_to=_day(request.POST["held_to"], _("To")) if request.POST.get("held_to") else None)
        messages.success(request, _("Holder assigned."))
    elif step == "fulfilment":
        pledge = _pick(request, Pledge, "pledge", _("Pledge"))
        pledges.record_fulfilment(request.user, pledge, fulfilled=request.POST.get("fulfilled") == "yes",
                                  note=request.POST.get("note", ""), evidence=request.POST.get("evidence", ""))
        messages.success(request, _("Fulfilment recorded."))
    else:
        raise Http404
    return redirect("partybuilding-posts")


# -- a party member --------------------------------------------------------------------------------
@login_required
def me(request):
    person = person_of(request.user)
    if person is None or not person.is_party_member:
        raise PermissionDenied(_("This page is for party members."))
    day = today()
    credits = list(visible(request.user, Credit.objects.filter(person=person).select_related("course")))
    for credit in credits:
        credit.valid = credit.valid_on(day)
    mine = own_org(person)
    courses = []
    if mine is not None:
        chain = set()
        node = mine
        while node is not None:
            chain.add(node.pk)
            node = node.parent
        for item in Course.objects.filter(org__in=chain, ends_on__gte=day).select_related("org__unit"):
            if training.is_required_of(item, person):
                courses.append((item, training.hours_towards(item, person)))
    pledge_rows = list(visible(request.user, Pledge.objects.filter(person=person).select_related("org")))
    for pledge in pledge_rows:
        pledge.overdue = pledges.is_overdue(pledge, day)
    return render(request, "partybuilding/me.html", {"credits": credits, "courses": courses, "pledges": pledge_rows,
                                                     "org": mine, "today": day, "open": PledgeStatus.OPEN})


@login_required
@require_POST
@_refusals
def me_pledge(request):
    person = person_of(request.user)
    mine = own_org(person) if person is not None else None
    if mine is None:
        raise PermissionDenied(_("This page is for party members."))
    pledges.make_pledge(request.user, person=person, org=mine, text=request.POST.get("text", ""),
                        due_on=_day(request.POST.get("due_on"), _("Due date")))
    messages.success(request, _("Pledge made."))
    return redirect("partybuilding-me")


# -- public ------------------------------------------------------------------------------------------
def community(request, code):
    """A community's vanguard posts held today: open to anyone (a notice board on the street shows the
    same), with no personal data beyond the holder's name and post."""
    unit = Unit.objects.filter(code=code, kind=UnitKind.COMMUNITY).first()
    if unit is None:
        raise Http404
    return render(request, "partybuilding/community.html", {"unit": unit, "posts": posts.public_posts(unit)})
