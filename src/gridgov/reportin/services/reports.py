"""The periodic service report (报到单位/在职党员社区表现反馈) of a community to each employer's party
organisation: per member, the verified services, hours, residents' mean rating and how many rated,
optionally each service — never a resident's name or contact. A draft reads the service records
live; sending snapshots the figures, so a later change in the records does not alter a sent report.
States: draft → sent (who, when) → acknowledged (by whom at the employer, when), journaled."""
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.core.errors import InvalidTransition
from gridgov.core.tables import SafeWorkbook, xlsx_bytes

from ..actions import ReportinAction
from ..models import EmployerOrg, EmployerReport, MemberRegistration, Period, ReportStatus
from . import records
from .access import is_liaison, is_staff, require_staff, this_year
from .journaling import record, transition
from .units import _clean

QUARTERS = {Period.Q1: (1, 3), Period.Q2: (4, 6), Period.Q3: (7, 9), Period.Q4: (10, 12), Period.YEAR: (1, 12)}


def period_days(year: int, period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter or a year."""
    if period not in QUARTERS:
        raise ValidationError({"period": _("The period is a quarter (q1 … q4) or the year.")})
    first, last = QUARTERS[period]
    end = (dt.date(year + 1, 1, 1) if last == 12 else dt.date(year, last + 1, 1)) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


def create_report(actor, employer_org: EmployerOrg, *, year: int, period: str, with_lines: bool = False) -> EmployerReport:
    """Draft the report of ``employer_org``'s community to it for a quarter or a year (staff)."""
    require_staff(actor, employer_org.community)
    if not (2000 <= year <= this_year()):
        raise ValidationError({"year": _("The year must be between 2000 and this year.")})
    start, end = period_days(year, period)
    with transaction.atomic():
        EmployerOrg.objects.select_for_update().filter(pk=employer_org.pk).first()
        if EmployerReport.objects.filter(employer_org=employer_org, year=year, period=period).exists():
            raise ValidationError({"period": _("There is already a report to this organisation for this period.")})
        report = EmployerReport.objects.create(
            employer_org=employer_org, community_id=employer_org.community_id, year=year, period=period,
            start=start, end=end, with_lines=bool(with_lines), created_at=clock.now(),
            created_by=actor if actor is not None else None)
        record(report, actor, ReportinAction.CREATE_REPORT, to_status=report.status,
               data={"year": year, "period": period})
    return report


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 2) if count else None


def compute(report: EmployerReport) -> dict:
    """The report's figures as of now, read from the service records (what a draft shows and
    sending snapshots). Members are those registered for the report's year with its organisation."""
    registrations = list(MemberRegistration.objects.filter(employer_org=report.employer_org_id, year=report.year)
                         .select_related("person", "community").order_by("person__name", "pk"))
    found = records.summaries([r.person_id for r in registrations], report.start, report.end)
    members, totals = [], {"members": 0, "services": 0, "minutes": 0, "rated": 0, "rating_sum": 0.0}
    for registration in registrations:
        summary = found[registration.person_id]
        row = {"name": registration.person.name, "community": registration.community.short_name,
               "services": summary.services, "minutes": summary.minutes, "hours": round(summary.minutes / 60, 1),
               "rated": summary.rated,
               "rating_mean": round(summary.rating_mean, 2) if summary.rating_mean is not None else None}
        if report.with_lines:
            row["lines"] = [{"day": line.day.isoformat(), "title": line.title, "community": line.community,
                             "minutes": line.minutes, "rating": line.rating}
                            for line in records.records_of(registration.person_id, report.start, report.end)]
        members.append(row)
        totals["members"] += 1
        totals["services"] += summary.services
        totals["minutes"] += summary.minutes
        totals["rated"] += summary.rated
        totals["rating_sum"] += (summary.rating_mean or 0) * summary.rated
    totals["hours"] = round(totals["minutes"] / 60, 1)
    totals["rating_mean"] = _mean(totals.pop("rating_sum"), totals["rated"])
    return {"members": members, "totals": totals}


def figures(report: EmployerReport) -> dict:
    """What the report says: the snapshot once sent, the live figures while a draft."""
    return report.snapshot if report.status != ReportStatus.DRAFT and report.snapshot else compute(report)


@transition(EmployerReport, related=("community", "employer_org"))
def send_report(actor, report):
    """Send the report (staff): its figures are snapshotted now."""
    require_staff(actor, report.community)
    if report.status != ReportStatus.DRAFT:
        raise InvalidTransition(_("The report has already been sent."), code="state")
    report.snapshot = compute(report)
    report.status = ReportStatus.SENT
    report.sent_at = clock.now()
    report.sent_by = actor
    report.save(update_fields=["snapshot", "status", "sent_at", "sent_by"])
    record(report, actor, ReportinAction.SEND_REPORT, from_status=ReportStatus.DRAFT, to_status=report.status,
           data={"totals": report.snapshot["totals"]})


@transition(EmployerReport, related=("community", "employer_org__resident_unit__community"))
def acknowledge_report(actor, report, acknowledged_by: str):
    """Record that the employer's organisation acknowledged the report (by whom there): the
    community's staff record it, or the liaison of the employer when it is a resident unit."""
    unit = report.employer_org.resident_unit
    if not (is_staff(actor, report.community) or (unit is not None and is_liaison(actor, unit))):
        raise PermissionDenied(_("Only the community's staff or the employer's liaison may record this."))
    if report.status != ReportStatus.SENT:
        raise InvalidTransition(_("Only a sent report can be acknowledged; this one is “%(status)s”.")
                                % {"status": ReportStatus(report.status).label}, code="state")
    report.acknowledged_by = _clean(acknowledged_by, "acknowledged_by", limit=100)
    report.acknowledged_at = clock.now()
    report.status = ReportStatus.ACKNOWLEDGED
    report.save(update_fields=["acknowledged_by", "acknowledged_at", "status"])
    record(report, actor, ReportinAction.ACKNOWLEDGE_REPORT, from_status=ReportStatus.SENT, to_status=report.status,
           data={"by": report.acknowledged_by})


def workbook(report: EmployerReport) -> bytes:
    """The report as an Excel workbook (through the safe writer): a sheet of members, and one of
    services when the report has them."""
    data = figures(report)
    book = SafeWorkbook()
    sheet = book.active
    sheet.title = _("Members")[:31]
    sheet.append([str(report.employer_org), report.employer_org.employer_name])
    sheet.append([_("Community"), report.community.name, _("Period"),
                  f"{report.start.isoformat()} – {report.end.isoformat()}", _("Status"),
                  str(ReportStatus(report.status).label)])
    sheet.append([])
    sheet.append([_("Member"), _("Community"), _("Services"), _("Hours"), _("Rated"), _("Mean rating")])
    for row in data["members"]:
        sheet.append([row["name"], row["community"], row["services"], row["hours"], row["rated"], row["rating_mean"]])
    totals = data["totals"]
    sheet.append([_("Total"), "", totals["services"], totals["hours"], totals["rated"], totals["rating_mean"]])
    if report.with_lines:
        lines = book.create_sheet(_("Services")[:31])
        lines.append([_("Member"), _("Day"), _("Service"), _("Community"), _("Minutes"), _("Rating")])
        for row in data["members"]:
            for line in row.get("lines", []):
                lines.append([row["name"], line["day"], line["title"], line["community"], line["minutes"],
                              line["rating"]])
    return xlsx_bytes(book)
