"""The hotline's layout: its columns (the same for the import, the push API and the answer-back),
its words for our states and ratings, its clock, and what a batch reports row by row."""
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from gridgov.cases.models import Rating, Status
from gridgov.catalogue.models import Category
from gridgov.core.geo import Datum
from gridgov.structure.models import Unit

#: The hotline's clock: a time written without a zone is Beijing time, whatever the server runs in.
HOTLINE_TZ = ZoneInfo("Asia/Shanghai")
#: How far down a file the header row may be (exports often start with a title line).
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    """One column of the hotline layout: the English key (push API, code) and the header the
    hotline's export uses, with the other headers seen for the same thing in 12345 exports."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


#: The order columns a hotline export has; a file must have the required ones, may have the others
#: in any order, and may have more (they are ignored).
ORDER_COLUMNS = (
    Column("order_no", "工单编号", ("工单号", "工单编码", "工单流水号"), required=True),
    Column("reported_at", "来电时间", ("来电日期", "诉求时间", "来话时间"), required=True),
    Column("contact_name", "来电人", ("来电人姓名", "诉求人", "联系人")),
    Column("contact_phone", "联系电话", ("来电号码", "联系方式", "诉求人电话")),
    Column("title", "诉求标题", ("工单标题", "标题")),
    Column("description", "诉求内容", ("问题描述", "工单内容"), required=True),
    Column("category", "事项分类", ("诉求分类", "问题分类", "事项类别"), required=True),
    Column("address", "发生地址", ("事发地址", "诉求地址", "问题地址"), required=True),
    Column("lng", "经度"),
    Column("lat", "纬度"),
    Column("street", "所属街道", ("街道", "所属镇街")),
    # The datum of 经度/纬度 (wgs84, gcj02, bd09); empty is WGS-84, see Checker._datum. Last, so
    # files written to the layout before it keep their places.
    Column("datum", "坐标系", ("坐标类型",)),
)
#: The answer-back columns the export appends to the order columns.
ANSWER_COLUMNS = (
    Column("case", "平台编号"),
    Column("status", "办理状态"),
    Column("closed_at", "办结时间"),
    Column("result", "办理结果"),
    Column("handled_by", "承办单位"),
    Column("rating", "满意度评价"),
    Column("rated_at", "评价时间"),
)
LAYOUT = ORDER_COLUMNS + ANSWER_COLUMNS
HEADERS = {column.key: column.header for column in LAYOUT}
#: Row checks that concern more than one column are reported under this name.
HEADERS["location"] = "经度/纬度"
BY_HEADER = {name: column for column in ORDER_COLUMNS for name in (column.header, *column.aliases)}

# The hotline's own words for our states and ratings (its layout is Chinese whatever our UI speaks).
STATUS_WORDS = {
    Status.REPORTED: "待受理", Status.ACCEPTED: "已受理", Status.DISPATCHED: "已派遣", Status.ACKNOWLEDGED: "办理中",
    Status.HANDLED: "已办理待核查", Status.CLOSED: "已办结", Status.REJECTED: "不予受理", Status.SUSPENDED: "挂起",
    Status.MERGED: "已并案",
}
RATING_WORDS = {Rating.SATISFIED: "满意", Rating.BASICALLY: "基本满意", Rating.UNSATISFIED: "不满意"}
REJECT_WORDS = {"duplicate": "重复诉求", "out_of_scope": "不属于受理范围", "invalid": "无效诉求"}


class Outcome(TextChoices):
    ACCEPTED = "accepted", pgettext_lazy("hotline row", "Imported")
    ALREADY = "already", pgettext_lazy("hotline row", "Already imported")
    REFUSED = "refused", pgettext_lazy("hotline row", "Refused")


@dataclass
class Order:
    """A checked order, ready for intake."""

    order_no: str
    reported_at: dt.datetime
    category: Category
    title: str
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""
    lat: float | None = None
    lng: float | None = None
    datum: Datum = Datum.WGS84  # of lat/lng, as given: filing converts them to WGS-84
    unit: Unit | None = None  # without coordinates: the place the address names, if it names one


@dataclass
class RowResult:
    """What became of one row: imported as ``case``, already imported as ``case``, or refused with
    ``reasons`` (column header → messages) and ``messages`` (the same as row-numbered sentences)."""

    row: int
    order_no: str
    outcome: str = ""
    case: str = ""
    reasons: dict[str, list[str]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class BatchReport:
    """The row-by-row report of a batch. ``errors`` are about the file itself (unreadable, no
    header): then no row was looked at and nothing was written."""

    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def accepted(self) -> int:
        return self.count(Outcome.ACCEPTED)

    @property
    def already(self) -> int:
        return self.count(Outcome.ALREADY)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def refused_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.outcome == Outcome.REFUSED]

    def summary(self) -> str:
        if self.errors:
            return _("The file was not imported.")
        return _("%(rows)s rows: %(accepted)s imported, %(already)s already imported, %(refused)s refused.") % {
            "rows": len(self.rows), "accepted": self.accepted, "already": self.already, "refused": self.refused}


def status_word(status: str) -> str:
    """A case status in the hotline's words (its export's 办理状态, the API's ``status_label``)."""
    return STATUS_WORDS.get(status, status)


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """A moment as the hotline writes it: naive Beijing time, to the second."""
    return moment.astimezone(HOTLINE_TZ).replace(tzinfo=None, microsecond=0) if moment else None


def show(moment: dt.datetime | None) -> str:
    return f"{local(moment):%Y-%m-%d %H:%M:%S}" if moment else ""


def start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=HOTLINE_TZ)
