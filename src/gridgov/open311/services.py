"""GeoReport v2 over the platform: services from the matter catalogue, service requests as cases.

- A *jurisdiction* is a district; its ``jurisdiction_id`` is the district's 6-digit code.
- A *service* is an offered matter: an active leaf category of the catalogue whose classes above
  it are active too; its *group* is its top-level class.
- A *service request* is a case filed through Open311 (channel ``open311``): ``POST requests``
  goes through the intake every channel shares (:func:`gridgov.intake.services.file_report`: its
  category doubted, open cases alike looked for), so the case is located, numbered, given its
  deadline and routed like any other; its ``service_request_id`` is the case code. Only cases filed
  through Open311 are answered by ``GET requests``: cases from the hotline, the resident app or
  patrols may carry personal details their reporters never agreed to publish.
- ``lat``/``long`` are WGS84, as the spec says; the extension parameter ``datum`` (``gcj02`` for
  an Amap or Tencent map's point, ``bd09`` for Baidu's) lets a client in China send what its map
  gave it. The point is handed to ``filing.report`` as sent, which converts it; the request's
  ``lat``/``long`` are answered in WGS84.
- Status: ``open`` while the case is open (reported … handled, suspended), ``closed`` once it is
  closed or rejected; a case merged into another follows that case (its reporter sees the master
  case's progress, as in the platform).

Every refusal is an :class:`Open311Error` carrying the HTTP status the spec names (400, 403, 404).
"""
import datetime as dt
import math
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.cases.actions import CaseAction
from gridgov.cases.models import OPEN_STATUSES, Case, Channel, Status, TimelineEntry
from gridgov.cases.services import deadlines, filing, handling
from gridgov.cases.services.lifecycle import REJECT_REASONS
from gridgov.catalogue.models import Category, class_code_of
from gridgov.core import clock
from gridgov.core.geo import parse_datum
from gridgov.intake.services import file_report
from gridgov.integrations.models import Integration, Kind
from gridgov.structure.models import Unit, UnitKind

from .formats import Arr, Obj, clean_text
from .models import ServiceRequest

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000  # "Default query limit is a span of 90 days or first 1000 requests returned"
MAX_SPAN = dt.timedelta(days=90)
MAX_DESCRIPTION = 4000  # "free form text limited to 4,000 characters"
CLOSED_STATUSES = Status.FINISHED
# Timeline steps whose notes explain a status to the public (see _notes).
NOTE_ACTIONS = [CaseAction.HANDLE, CaseAction.VERIFY, CaseAction.CLOSE, CaseAction.REOPEN, CaseAction.REJECT,
                CaseAction.SUSPEND]


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(*descriptions)
        self.status, self.descriptions = status, [str(d) for d in descriptions]


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def w3c(value: dt.datetime | None) -> str | None:
    """A W3C-DTF datetime with the district's offset, e.g. ``2026-11-23T21:42:36+08:00``."""
    return value.astimezone(zone()).isoformat(timespec="seconds") if value else None


def _param(params, name: str) -> str:
    """A parameter's value; absent and empty are the same ("Optional Arguments")."""
    return clean_text(params.get(name) or "").strip()


def _comma(params, name: str) -> list[str]:
    return [part.strip() for part in _param(params, name).split(",") if part.strip()]


# -- jurisdictions ------------------------------------------------------------------------------
def _district(code: str) -> Unit:
    district = Unit.objects.filter(kind=UnitKind.DISTRICT, code=code).first()
    if district is None:
        raise Open311Error(404, _("jurisdiction_id “%(id)s” was not found.") % {"id": code[:40]})
    return district


def jurisdiction(params) -> Unit:
    """The district a GET is about. ``jurisdiction_id`` is required only when this server serves
    several districts, as the spec allows."""
    code = _param(params, "jurisdiction_id")
    if code:
        return _district(code)
    districts = list(Unit.objects.filter(kind=UnitKind.DISTRICT)[:2])
    if len(districts) == 1:
        return districts[0]
    if not districts:
        raise Open311Error(404, _("This server serves no jurisdiction yet."))
    raise Open311Error(400, _("jurisdiction_id was not provided: this server serves several districts; "
                              "give the district code."))


# -- services -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribute:
    """An attribute of every service definition, and how its value is used."""

    code: str
    description: str
    datatype_description: str
    max_length: int


#: The service definition's attributes. The platform needs a short title for every case (the
#: first line of the description stands in for it), and the grid worker needs the door, not only
#: the point: lat/long locate the grid, ``location_detail`` says where in it.
ATTRIBUTES = [
    Attribute("title", gettext_lazy("Short title of the problem"),
              gettext_lazy("Text of at most 120 characters. Without it the first line of the description is used."),
              120),
    Attribute("location_detail", gettext_lazy("Building, entrance, floor or room, or a landmark nearby"),
              gettext_lazy("Text of at most 100 characters. It helps the grid worker find the spot."), 100),
]


def offered():
    """The services: active leaf categories whose classes above are active too."""
    return (Category.objects.filter(active=True, children__isnull=True)
            .filter(Q(parent__isnull=True) | Q(parent__active=True))
            .filter(Q(parent__parent__isnull=True) | Q(parent__parent__active=True)))


def service_list() -> Arr:
    categories = list(offered().order_by("code"))
    groups = dict(Category.objects.filter(parent__isnull=True).values_list("code", "name"))
    return Arr("service", [Obj(
        service_code=category.code, service_name=category.name, description=category.plain_name,
        metadata=True, type="realtime", keywords=", ".join(category.keywords.split()),
        group=groups.get(class_code_of(category.code), ""),
    ) for category in categories])


def _service(code: str) -> Category:
    category = offered().filter(code=code).first()
    if category is None:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code[:40]})
    return category


def service_definition(code: str) -> Obj:
    category = _service(code)
    return Obj(service_code=category.code, attributes=Arr("attribute", [Obj(
        variable=True, code=attribute.code, datatype="string", required=False,
        datatype_description=str(attribute.datatype_description), order=order, description=str(attribute.description),
    ) for order, attribute in enumerate(ATTRIBUTES, start=1)]))


def discovery(base_url: str) -> Obj:
    changeset = getattr(settings, "GRIDGOV_OPEN311_CHANGESET", "2026-11-23 00:00")
    return Obj(
        changeset=changeset,
        contact=getattr(settings, "GRIDGOV_OPEN311_CONTACT",
                        _("The district's smart governance centre (区智慧治理中心) runs this endpoint.")),
        key_service=getattr(settings, "GRIDGOV_OPEN311_KEY_SERVICE",
                            _("Ask the district's smart governance centre for an API key: each client gets its "
                              "own key, bound to one district, issued in the back office (Integrations).")),
        endpoints=Arr("endpoint", [Obj(specification=SPECIFICATION, url=base_url, changeset=changeset,
                                       type="production", formats=Arr("format", ["text/xml", "application/json"]))]),
    )


# -- POST requests -------------------------------------------------------------------------------
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def _attributes(params) -> tuple[dict, list[str]]:
    """``attribute[code]=value`` and ``attribute[code][]=value`` (a multivaluelist) pairs."""
    values, errors = {}, []
    known = {attribute.code: attribute for attribute in ATTRIBUTES}
    for key in params:
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        code = match.group(1)
        given = [clean_text(v).strip()[:1000] for v in params.getlist(key) if v.strip()]
        if not given:
            continue
        if code in known:
            if match.group(2) or len(given) > 1:
                errors.append(_("attribute[%(code)s] takes one value.") % {"code": code})
                continue
            # A string attribute has no line breaks; a longer value is cut, not refused.
            values[code] = " ".join(given[0].split())[:known[code].max_length]
        else:  # attributes of other servers' definitions (FixMyStreet cobrands send some): kept
            values[code[:100]] = given if match.group(2) or len(given) > 1 else given[0]
    return values, errors


def _contact_name(first: str, last: str) -> str:
    # Names written in Chinese characters are joined without a space.
    cjk = any("\u3400" <= ch <= "\u9fff" for ch in first + last)
    return ("" if cjk else " ").join(part for part in (first, last) if part)[:50]


def _integration(params) -> Integration:
    key = _param(params, "api_key")
    if not key:
        raise Open311Error(403, _("api_key was not provided -- can't proceed with create_request."))
    integration = Integration.for_key(key, kind=Kind.OPEN311)
    if integration is None:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    return integration


def _datum(params, errors: list):
    """The ``datum`` extension parameter (default WGS84, the spec's)."""
    try:
        return parse_datum(_param(params, "datum"))
    except ValidationError as error:
        errors.extend(error.messages)
        return None


def _location(params, errors: list) -> tuple[float | None, float | None]:
    lat, lng = _param(params, "lat"), _param(params, "long")
    if not (lat or lng):
        if not (_param(params, "address_string") or _param(params, "address_id")):
            errors.append(_("A location is required: lat and long, address_string or address_id."))
        return None, None
    if not (lat and lng):
        errors.append(_("lat and long must be sent together."))
        return None, None
    try:
        values = float(lat), float(lng)
    except ValueError:
        values = (math.nan, math.nan)
    if not all(math.isfinite(v) for v in values):
        errors.append(_("lat and long must be decimal degrees."))
        return None, None
    return values


def create(params, files=()) -> ServiceRequest:
    """POST requests: check the key, the jurisdiction and the fields, then file and route the case.

    The key decides the district: a given ``jurisdiction_id`` must be the key's own district."""
    integration = _integration(params)
    code = _param(params, "jurisdiction_id")
    if code and _district(code) != integration.district:
        raise Open311Error(403, _("This api_key is not valid for jurisdiction_id “%(id)s”.") % {"id": code[:40]})
    district = integration.district

    errors = []
    service_code = _param(params, "service_code")
    category = _service(service_code) if service_code else None
    if category is None:
        errors.append(_("service_code was not provided."))
    lat, lng = _location(params, errors)
    datum = _datum(params, errors)
    description = clean_text(params.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(_("description is limited to 4,000 characters."))
    attributes, attribute_errors = _attributes(params)
    errors += attribute_errors
    media_urls = [clean_text(url).strip() for url in params.getlist("media_url") if url.strip()]
    check_url = URLValidator(schemes=["http", "https"])
    for url in media_urls:
        try:
            check_url(url)
        except ValidationError:
            errors.append(_("media_url “%(url)s” is not an http(s) URL.") % {"url": url[:100]})
    if errors:
        raise Open311Error(400, *errors)

    token = secrets.token_urlsafe(16)
    address = ", ".join(part for part in (attributes.get("location_detail", ""), _param(params, "address_string"))
                        if part)
    try:
        with transaction.atomic():
            case = file_report(
                district=district, channel=Channel.OPEN311,
                title=filing.title_for(attributes.get("title", ""), description, category.name),
                category=category, description=description, lat=lat, lng=lng, address=address[:200],
                contact_name=_contact_name(_param(params, "first_name"), _param(params, "last_name")),
                contact_phone=_param(params, "phone")[:50], external_id=token, photos=files, datum=datum).case
            now = clock.now()
            request = ServiceRequest.objects.create(
                case=case, integration=integration, token=token, media_urls=media_urls, attributes=attributes,
                address_id=_param(params, "address_id")[:100], email=_param(params, "email")[:254],
                account_id=_param(params, "account_id")[:100],
                device_id=(_param(params, "device_id") or _param(params, "deviceid"))[:100], created=now)
            Integration.objects.filter(pk=integration.pk).update(last_used=now)
    except ValidationError as error:
        raise Open311Error(400, *error.messages)
    return request


def created(request: ServiceRequest) -> Arr:
    """The POST answer. The case is routed at once, so it carries the ``service_request_id`` and,
    as the spec says, no token (``tokens/{token}`` still answers for it)."""
    case = request.case
    return Arr("request", [Obj(service_request_id=case.code, service_notice=_notice(case),
                               account_id=request.account_id)])


def token(district: Unit, value: str) -> Arr:
    request = (ServiceRequest.objects.select_related("case")
               .filter(token=value, case__district_code=district.code).first())
    if request is None:
        raise Open311Error(404, _("token “%(token)s” was not found.") % {"token": value[:40]})
    return Arr("request", [Obj(service_request_id=request.case.code, token=request.token)])


# -- GET requests ---------------------------------------------------------------------------------
_W3C = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?P<H>\d{2}):(?P<M>\d{2})"
                  r"(?::(?P<S>\d{2})(?P<f>\.\d+)?)?(?P<tz>Z|[+-]\d{2}:\d{2}))?)?)?$")


def parse_w3c(value: str, name: str) -> tuple[dt.datetime, dt.datetime]:
    """The period a W3C-DTF value denotes, as ``[first, end)``: a year, month or day (in the
    district's time zone) or an instant, which must carry its time zone."""
    match = _W3C.match(value.replace(" ", "+"))  # an unescaped "+" in a query string arrives as " "
    try:
        if not match:
            raise ValueError(value)
        p = match.groupdict()
        year, month, day = int(p["y"]), int(p["m"] or 1), int(p["d"] or 1)
        if p["H"] is None:
            first = dt.datetime(year, month, day, tzinfo=zone())
            if p["d"]:
                return first, first + dt.timedelta(days=1)
            if p["m"]:
                return first, first.replace(year=year + month // 12, month=month % 12 + 1)
            return first, first.replace(year=year + 1)
        tz = dt.timezone.utc if p["tz"] == "Z" else dt.timezone(
            (1 if p["tz"][0] == "+" else -1) * dt.timedelta(hours=int(p["tz"][1:3]), minutes=int(p["tz"][4:6])))
        microsecond = int((p["f"] or ".0")[1:7].ljust(6, "0"))
        first = dt.datetime(year, month, day, int(p["H"]), int(p["M"]), int(p["S"] or 0), microsecond, tzinfo=tz)
        return first, first + dt.timedelta(microseconds=1)
    except ValueError:
        raise Open311Error(400, _("%(name)s must be a W3C datetime with its time zone, e.g. 2010-01-01T00:00:00Z.")
                           % {"name": name})


def _window(params) -> tuple[dt.datetime, dt.datetime | None]:
    """``[start, end)`` of requested_datetime: the last 90 days by default, never more than 90."""
    start_value, end_value = _param(params, "start_date"), _param(params, "end_date")
    start = parse_w3c(start_value, "start_date")[0] if start_value else None
    end = parse_w3c(end_value, "end_date")[1] if end_value else None
    if start is None and end is None:
        return clock.now() - MAX_SPAN, None
    if end is None:
        return start, start + MAX_SPAN
    if start is None:
        return end - MAX_SPAN, end
    if end <= start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start - dt.timedelta(microseconds=1) > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    return start, end


def _effective_status_q(statuses) -> Q:
    """Cases whose own status, or whose master's (two merges deep), is one of ``statuses``."""
    return (Q(status__in=statuses) | Q(status=Status.MERGED, merged_into__status__in=statuses)
            | Q(status=Status.MERGED, merged_into__status=Status.MERGED, merged_into__merged_into__status__in=statuses))


def _positive(params, name: str, default: int, most: int) -> int:
    value = _param(params, name)
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise Open311Error(400, _("%(name)s must be a whole number from 1 to %(most)s.") % {"name": name, "most": most})
    return int(value)


def search(district: Unit, params) -> list[Case]:
    """GET requests: ``service_request_id`` (a comma list) overrides the other filters;
    otherwise ``service_code`` and ``status`` (comma lists) and the date window apply. At most
    1000 requests, newest first; ``page`` and ``page_size`` (the pagination extension) page on."""
    cases = Case.objects.filter(district_code=district.code, open311_request__isnull=False)
    ids = _comma(params, "service_request_id")
    if ids:
        cases = cases.filter(code__in=ids[:MAX_RESULTS])
    else:
        service_codes = _comma(params, "service_code")
        if service_codes:
            cases = cases.filter(category__code__in=service_codes)
        start, end = _window(params)
        cases = cases.filter(reported_at__gte=start)
        if end is not None:
            cases = cases.filter(reported_at__lt=end)
        statuses = set(_comma(params, "status"))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status must be open or closed (or both, comma separated)."))
        if statuses == {"open"}:
            cases = cases.filter(_effective_status_q(OPEN_STATUSES))
        elif statuses == {"closed"}:
            cases = cases.filter(_effective_status_q(CLOSED_STATUSES))
    size = _positive(params, "page_size", MAX_RESULTS, MAX_RESULTS)
    page = _positive(params, "page", 1, 10**6)
    return list(_loaded(cases.order_by("-reported_at", "-pk"))[(page - 1) * size:page * size])


def one(district: Unit, code: str) -> Case:
    case = _loaded(Case.objects.filter(district_code=district.code, open311_request__isnull=False, code=code)).first()
    if case is None:
        raise Open311Error(404, _("service_request_id “%(id)s” was not found.") % {"id": code[:40]})
    return case


def _loaded(cases):
    """Cases with what their representation reads, in a fixed number of queries."""
    return cases.select_related("category", "unit", "queue", "handler_unit", "open311_request").prefetch_related(
        Prefetch("timeline", TimelineEntry.objects.filter(action__in=NOTE_ACTIONS).order_by("seq"), to_attr="notes"),
        handling.lead_prefetch(),
    ).annotate(last_change=Subquery(TimelineEntry.objects.filter(case=OuterRef("pk")).order_by("-seq")
                                    .values("at")[:1]))


def _masters(cases) -> dict[int, Case]:
    """Each case's master: the end of its chain of merges (itself when it was not merged)."""
    known = {case.pk: case for case in cases}
    wanted = {case.merged_into_id for case in cases if case.merged_into_id}
    while wanted - known.keys():
        for case in _loaded(Case.objects.filter(pk__in=wanted - known.keys())):
            known[case.pk] = case
            if case.merged_into_id:
                wanted.add(case.merged_into_id)
    masters = {}
    for case in cases:
        master, seen = case, set()
        while master.merged_into_id and master.pk not in seen:
            seen.add(master.pk)
            master = known[master.merged_into_id]
        masters[case.pk] = master
    return masters


def _notes(case) -> str:
    """status_notes: what explains the case's status to the public.

    Closed: what was done (the latest handling or verification note since the last reopening),
    else the closing note. Rejected: the note or the reason. Suspended: the reason. Otherwise the
    platform's finer status (accepted, dispatched, acknowledged, handled …)."""
    entries = case.notes
    if case.status == Status.CLOSED:
        since = entries[max((i for i, e in enumerate(entries) if e.action == CaseAction.REOPEN), default=-1) + 1:]
        done = [e.note for e in since
                if e.note and (e.action == CaseAction.HANDLE or (e.action == CaseAction.VERIFY and e.data.get("passed")))]
        closing = [e.note for e in since if e.note and e.action == CaseAction.CLOSE]
        return (done or closing or [Status.text(case.status)])[-1]
    if case.status == Status.REJECTED:
        note = next((e.note for e in reversed(entries) if e.action == CaseAction.REJECT and e.note), "")
        return note or _("Not accepted: %(reason)s.") % {"reason": REJECT_REASONS.get(case.reject_reason, "")}
    if case.status == Status.SUSPENDED:
        note = next((e.note for e in reversed(entries) if e.action == CaseAction.SUSPEND and e.note), "")
        return _("Suspended: %(reason)s") % {"reason": note} if note else Status.text(case.status)
    return Status.text(case.status)


def _notice(case) -> str:
    days = f"{deadlines.limit_days(case):g}"
    if case.small_loop:
        return _("A grid matter, handled within its grid (the small loop). Time limit: %(days)s working days.") % {
            "days": days}
    return _("%(queue)s dispatches it to the level or department that handles it. "
             "Time limit: %(days)s working days.") % {"queue": case.queue.name, "days": days}


def _expected(case) -> str | None:
    """The deadline; none for a rejected case, nor while one is suspended (its clock is stopped)."""
    return None if case.status in Status.CLOCK_STOPPED else w3c(case.resolution_due)


def represent(cases, extensions: bool = False) -> Arr:
    """``service_requests/request`` for each case, all fields in the spec's order."""
    masters = _masters(cases)
    names = handling.unit_names(list(cases) + list(masters.values()))
    rows = []
    for case in cases:
        master = masters[case.pk]
        request = case.open311_request
        notes = _notes(master)
        if master is not case:
            notes = _("Merged into case %(code)s as a duplicate. %(notes)s") % {"code": master.code, "notes": notes}
        if master.status == Status.CLOSED:
            updated = master.closed_at
        else:
            updated = max(c.last_change or c.reported_at for c in (case, master))
        location = [names[code] for code in reversed(handling.path_codes(case.unit.code)) if code in names]
        row = Obj(
            service_request_id=case.code,
            status="open" if master.status in OPEN_STATUSES else "closed",
            status_notes=notes,
            service_name=case.category.name,
            service_code=case.category.code,
            description=case.description,
            agency_responsible=handling.handled_by(master, names),
            service_notice=_notice(case),
            requested_datetime=w3c(case.reported_at),
            updated_datetime=w3c(updated),
            expected_datetime=_expected(master),
            address=case.address or ", ".join(location),
            address_id=request.address_id,
            zipcode=None,
            lat=case.lat,
            long=case.lng,
            media_url=request.media_urls[0] if request.media_urls else None,
        )
        if extensions:  # the "extensions=true" convention of the GeoReport v2 extensions page
            attributes = [Obj(code=code, value=", ".join(value) if isinstance(value, list) else value)
                          for code, value in request.attributes.items()]
            row["extended_attributes"] = Obj(title=case.title, platform_status=master.status,
                                             media_urls=Arr("media_url", request.media_urls),
                                             attributes=Arr("attribute", attributes))
        rows.append(row)
    return Arr("request", rows)
