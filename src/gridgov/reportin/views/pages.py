"""The 双报到 pages: the community's staff (units, liaisons, pledges, members, registrations per
year, reports), a unit's liaison (their unit, its pledges, its members' participation) and a party
member (their own registration). Views parse, call one service and render; every object is read
through the caller's scope (outside it: 404). A refused action re-renders the page with the reason
and a 4xx status."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.accounts.roles import LIAISON_ROLES, PARTICIPATION_STAFF_ROLES
from gridgov.accounts.scope import get_visible_or_404, scope_for, visible
from gridgov.core.errors import InvalidTransition
from gridgov.people.models import Person
from gridgov.structure.models import PartyMembership, Unit, UnitKind

from .. import forms
from ..models import (
    EmployerOrg,
    EmployerReport,
    MemberRegistration,
    Pledge,
    ReportinEntry,
    ReportStatus,
    ResidentUnit,
    UnitState,
)
from ..services import members, records, reports, units
from ..services.access import is_liaison, is_staff, this_year, today
from ..services.figures import FIGURE_SET


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year()
    return year if 2000 <= year <= this_year() + 1 else this_year()


def _staff(request) -> bool:
    return bool(scope_for(request.user).roles & PARTICIPATION_STAFF_ROLES) or request.user.is_superuser


def _communities(request):
    """The communities the caller runs 双报到 for (staff from the community up)."""
    scope = scope_for(request.user)
    rows = visible(request.user, Unit.objects.filter(kind=UnitKind.COMMUNITY))
    if scope.everything:
        return rows
    roots = scope.roots(PARTICIPATION_STAFF_ROLES)
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(code__startswith=root)
    return rows.filter(q).order_by("code")


def _status_of(error) -> int:
    if isinstance(error, InvalidTransition):
        return 409
    if isinstance(error, PermissionDenied):
        return 403
    return 422


def _messages_of(error) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("You may not do this.")]


def _journal(subject):
    return ReportinEntry.objects.filter(**ReportinEntry.chain_of(subject)).select_related("actor").order_by("seq")


# -- home ----------------------------------------------------------------------------------------
@login_required
def home(request):
    year = _year(request)
    user = request.user
    context = {"year": year, "years": range(this_year() + 1, this_year() - 4, -1), "this_year": this_year()}
    if _staff(request):
        unit_rows = (visible(user, ResidentUnit.objects.select_related("community"))
                     .annotate(pledge_count=Count("pledges", filter=Q(pledges__withdrawn=False), distinct=True),
                               registered=Count("years", filter=Q(years__year=year), distinct=True))
                     .order_by("community__code", "name"))
        member_rows = visible(user, MemberRegistration.objects.filter(year=year))
        # the communities taking part that year (units or members registered), compared side by side
        communities = list(_communities(request).filter(
            Q(resident_units__years__year=year) | Q(member_registrations__year=year)).distinct()[:40])
        figures = FIGURE_SET.compute([c.code for c in communities], dt.date(year, 1, 1),
                                     min(dt.date(year, 12, 31), today())) if communities else {}
        context.update(
            staff=True, units=unit_rows[:300], members_count=member_rows.count(),
            reports=visible(user, EmployerReport.objects.select_related("employer_org"))[:10],
            per_community=[{"unit": c, **figures.get(c.code, {})} for c in communities],
            chart={"names": [c.short_name for c in communities],
                   "per_member": [figures[c.code]["services_per_member"] for c in communities],
                   "target": figures[communities[0].code]["services_target"] if communities else None,
                   "label": _("Services per registered member"), "target_label": _("Target")},
        )
    if scope_for(user).roles & LIAISON_ROLES:
        context["my_units"] = ResidentUnit.objects.filter(liaisons__user=user).select_related("community")
    person = Person.objects.filter(user=user).first()
    if person is not None:
        context["my_registrations"] = MemberRegistration.objects.filter(person=person).select_related(
            "community", "employer_org")
        context["is_party_member"] = members.is_party_member(person)
    return render(request, "reportin/home.html", context)


# -- units ---------------------------------------------------------------------------------------
@login_required
def unit_new(request):
    communities = _communities(request)
    if not communities.exists():
        raise PermissionDenied(_("Only the community's staff may do this."))
    form = forms.UnitForm(request.POST or None, communities=communities)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = units.register_unit(request.user, data["community"], name=data["name"], kind=data["kind"],
                                       address=data["address"])
        except (ValidationError, PermissionDenied) as error:
            for message in _messages_of(error):
                form.add_error(None, message)
            status = _status_of(error)
        else:
            messages.success(request, _("The unit is registered for %(year)d.") % {"year": unit.registered_year})
            return redirect(unit)
    elif request.method == "POST":
        status = 422
    return render(request, "reportin/form.html", {"form": form, "title": _("Register a resident unit")},
                  status=status)


def _unit_context(request, unit, **extra):
    year = this_year()
    staff = is_staff(request.user, unit.community)
    orgs = EmployerOrg.objects.filter(resident_unit=unit)
    registrations = list(MemberRegistration.objects.filter(employer_org__in=orgs, year=year)
                         .select_related("person").order_by("person__name"))
    found = records.summaries([r.person_id for r in registrations], dt.date(year, 1, 1), today()) \
        if registrations else {}
    return {"unit": unit, "staff": staff, "liaison": is_liaison(request.user, unit), "year": year,
            "lapsed": unit.lapsed(year), "years": unit.years.order_by("-year"),
            "liaisons": unit.liaisons.select_related("user"), "pledges": unit.pledges.all(),
            "participation": [(r, found.get(r.person_id)) for r in registrations],
            "pledge_form": forms.PledgeForm(), "liaison_form": forms.LiaisonForm(), "note_form": forms.NoteForm(),
            "journal": _journal(unit), "active": unit.state == UnitState.ACTIVE, **extra}


@login_required
def unit_page(request, pk):
    unit = get_visible_or_404(request.user, ResidentUnit.objects.select_related("community"), pk=pk)
    return render(request, "reportin/unit.html", _unit_context(request, unit))


def _account(username):
    account = get_user_model().objects.filter(username=username, is_active=True).first()
    if account is None:
        raise ValidationError(_("No such account."))
    return account


UNIT_ACTIONS = {
    "renew": lambda request, unit: units.renew_unit(request.user, unit),
    "withdraw": lambda request, unit: units.withdraw_unit(request.user, unit, request.POST.get("note", "")),
    "pledge": lambda request, unit: units.pledge(request.user, unit, kind=request.POST.get("kind", ""),
                                                 description=request.POST.get("description", ""),
                                                 quantity=request.POST.get("quantity", "")),
    "withdraw-pledge": lambda request, unit: units.withdraw_pledge(
        request.user, _pledge_of(request, unit)),
    "appoint-liaison": lambda request, unit: units.appoint_liaison(request.user, unit,
                                                                   _account(request.POST.get("username", ""))),
    "remove-liaison": lambda request, unit: units.remove_liaison(request.user, unit,
                                                                 _account(request.POST.get("username", ""))),
}


def _pledge_of(request, unit) -> Pledge:
    try:
        pk = int(request.POST.get("pledge", ""))
    except ValueError:
        raise ValidationError(_("No such pledge of this unit.")) from None
    pledge = Pledge.objects.filter(pk=pk, unit=unit).first()
    if pledge is None:
        raise ValidationError(_("No such pledge of this unit."))
    return pledge


@login_required
@require_POST
def unit_action(request, pk, step):
    unit = get_visible_or_404(request.user, ResidentUnit.objects.select_related("community"), pk=pk)
    if step not in UNIT_ACTIONS:
        raise Http404
    try:
        UNIT_ACTIONS[step](request, unit)
    except (ValidationError, PermissionDenied) as error:
        unit.refresh_from_db()
        return render(request, "reportin/unit.html", _unit_context(request, unit, errors=_messages_of(error)),
                      status=_status_of(error))
    messages.success(request, _("Done."))
    return redirect(unit)


# -- employers and members -----------------------------------------------------------------------
def _member_form(request, data=None):
    communities = _communities(request)
    codes = list(communities.values_list("code", flat=True))
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(household__building__microgrid__code__startswith=code)
    party = Q(is_party_member=True) | Q(pk__in=PartyMembership.objects.values("person"))
    people = visible(request.user, Person.objects.filter(q).filter(party)).order_by("name")[:500] if codes \
        else Person.objects.none()
    orgs = visible(request.user, EmployerOrg.objects.filter(community__in=communities)).order_by("name")
    return forms.MemberForm(data, people=Person.objects.filter(pk__in=[p.pk for p in people]), orgs=orgs)


def _employer_form(request, data=None):
    communities = _communities(request)
    return forms.EmployerForm(data, communities=communities,
                              resident_units=visible(request.user, ResidentUnit.objects.filter(community__in=communities)))


@login_required
def members_page(request, member_form=None, employer_form=None, errors=(), status=200):
    if not _staff(request):
        raise PermissionDenied(_("Only the community's staff may do this."))
    year = _year(request)
    rows = (visible(request.user, MemberRegistration.objects.filter(year=year))
            .select_related("person", "community", "employer_org").order_by("community__code", "person__name"))
    return render(request, "reportin/members.html", {
        "year": year, "years": range(this_year() + 1, this_year() - 4, -1), "rows": rows[:500],
        "member_form": member_form or _member_form(request), "employer_form": employer_form or _employer_form(request),
        "errors": errors}, status=status)



@login_required
@require_POST
def member_register(request):
    form = _member_form(request, request.POST)
    if not form.is_valid():
        return members_page(request, member_form=form, status=422)
    person = form.cleaned_data["person"]
    code = members.home_community_code(person)
    community = Unit.objects.filter(code=code).first() if code else None
    try:
        if community is None:
            raise ValidationError(_("The household register places this person in no community."))
        members.register_member(request.user, person, community=community,
                                employer_org=form.cleaned_data["employer_org"])
    except (ValidationError, PermissionDenied) as error:
        return members_page(request, member_form=form, errors=_messages_of(error), status=_status_of(error))
    messages.success(request, _("%(name)s is registered.") % {"name": person.name})
    return redirect("reportin-members")


@login_required
def employer_new(request):
    if request.method != "POST":
        return redirect("reportin-members")
    form = _employer_form(request, request.POST)
    if not form.is_valid():
        return members_page(request, employer_form=form, status=422)
    data = form.cleaned_data
    try:
        members.add_employer_org(request.user, data["community"], employer_name=data["employer_name"],
                                 name=data["name"], contact=data["contact"], resident_unit=data["resident_unit"])
    except (ValidationError, PermissionDenied) as error:
        return members_page(request, employer_form=form, errors=_messages_of(error), status=_status_of(error))
    messages.success(request, _("The organisation is on the list."))
    return redirect("reportin-members")


def _member_context(request, registration, **extra):
    year = registration.year
    end = min(dt.date(year, 12, 31), today())
    lines = records.records_of(registration.person_id, dt.date(year, 1, 1), end) if end.year == year else []
    return {"registration": registration, "lines": lines, "journal": _journal(registration),
            "staff": is_staff(request.user, registration.community), "note_form": forms.NoteForm(), **extra}


@login_required
def member_page(request, pk):
    registration = get_visible_or_404(
        request.user, MemberRegistration.objects.select_related("person", "community", "employer_org"), pk=pk)
    return render(request, "reportin/member.html", _member_context(request, registration))


@login_required
@require_POST
def member_action(request, pk, step):
    registration = get_visible_or_404(
        request.user, MemberRegistration.objects.select_related("person", "community", "employer_org"), pk=pk)
    try:
        if step == "renew":
            registration = members.renew_member(request.user, registration)
        elif step == "end":
            members.end_member(request.user, registration, request.POST.get("note", ""))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        registration.refresh_from_db()
        return render(request, "reportin/member.html",
                      _member_context(request, registration, errors=_messages_of(error)), status=_status_of(error))
    messages.success(request, _("Done."))
    return redirect(registration)


# -- reports -------------------------------------------------------------------------------------
def _report_form(request, data=None):
    orgs = visible(request.user, EmployerOrg.objects.filter(community__in=_communities(request))).order_by("name")
    return forms.ReportForm(data, orgs=orgs, initial={"year": this_year(), "period": "year"})


@login_required
def reports_page(request, form=None, errors=(), status=200):
    if not (_staff(request) or scope_for(request.user).roles & LIAISON_ROLES):
        raise PermissionDenied(_("Only the community's staff may do this."))
    if request.method == "POST" and form is None:
        form = _report_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = reports.create_report(request.user, data["employer_org"], year=data["year"],
                                               period=data["period"], with_lines=data["with_lines"])
            except (ValidationError, PermissionDenied) as error:
                errors, status = _messages_of(error), _status_of(error)
            else:
                return redirect(report)
        else:
            status = 422
    rows = visible(request.user, EmployerReport.objects.select_related("employer_org", "community"))
    return render(request, "reportin/reports.html", {
        "rows": rows[:300], "form": (form or _report_form(request)) if _staff(request) else None,
        "errors": errors}, status=status)



def _report_context(request, report, **extra):
    unit = report.employer_org.resident_unit
    return {"report": report, "data": reports.figures(report), "journal": _journal(report),
            "staff": is_staff(request.user, report.community),
            "may_acknowledge": report.status == ReportStatus.SENT and (
                is_staff(request.user, report.community) or (unit is not None and is_liaison(request.user, unit))),
            "ack_form": forms.AcknowledgeForm(), "draft": report.status == ReportStatus.DRAFT, **extra}


def _report(request, pk) -> EmployerReport:
    return get_visible_or_404(request.user, EmployerReport.objects.select_related(
        "employer_org__resident_unit__community", "community", "sent_by"), pk=pk)


@login_required
def report_page(request, pk):
    report = _report(request, pk)
    return render(request, "reportin/report.html", _report_context(request, report))


@login_required
def report_xlsx(request, pk):
    report = _report(request, pk)
    response = HttpResponse(reports.workbook(report),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="reportin-{report.pk}.xlsx"'
    return response


@login_required
@require_POST
def report_action(request, pk, step):
    report = _report(request, pk)
    try:
        if step == "send":
            reports.send_report(request.user, report)
        elif step == "acknowledge":
            reports.acknowledge_report(request.user, report, request.POST.get("acknowledged_by", ""))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as error:
        report = _report(request, pk)
        return render(request, "reportin/report.html", _report_context(request, report, errors=_messages_of(error)),
                      status=_status_of(error))
    messages.success(request, _("Done."))
    return redirect(report)

