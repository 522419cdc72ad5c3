"""Assessment periods: a day, a month, a quarter or a year (月调度、季通报、年考核), with the one before."""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock

KINDS = ("day", "month", "quarter", "year")
#: Periods outside these years are refused: nothing was recorded before, and the previous or next
#: period of an extreme year would overflow the date type.
FIRST_YEAR, LAST_YEAR = 2000, 2999


def _month_start(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, 1)


@dataclass(frozen=True)
class Period:
    """A day, month, quarter or year from ``start``. ``cut`` (a comparison period only, see
    :meth:`comparison`) ends it early: the first day no longer in it."""

    kind: str
    start: dt.date
    cut: dt.date | None = None

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        if kind == "day":
            return cls(kind, day)
        if kind == "month":
            return cls(kind, day.replace(day=1))
        if kind == "quarter":
            return cls(kind, dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1))
        if kind == "year":
            return cls(kind, dt.date(day.year, 1, 1))
        raise ValidationError(_("A period is a day, a month, a quarter or a year."), code="period")

    @classmethod
    def parse(cls, value: str | None, kind: str | None = None) -> "Period":
        """``2026-11-23`` (day), ``2026-11`` (month), ``2026-Q4`` (quarter), ``2026`` (year); empty
        means the current month."""
        value = (value or "").strip()
        try:
            if not value:
                return cls.containing(kind or "month", timezone.localdate())
            if "Q" in value.upper():
                year, quarter = value.upper().split("-Q")
                if not 1 <= int(quarter) <= 4:
                    raise ValueError
                period = cls("quarter", dt.date(int(year), int(quarter) * 3 - 2, 1))
            else:
                parts = value.split("-")
                if len(parts) == 1:
                    period = cls("year", dt.date(int(parts[0]), 1, 1))
                elif len(parts) == 2:
                    period = cls("month", dt.date(int(parts[0]), int(parts[1]), 1))
                else:
                    period = cls("day", dt.date.fromisoformat(value))
        except ValueError:
            raise ValidationError(_("Not a period: “%(value)s” (use 2026-11-23, 2026-11, 2026-Q4 or 2026).")
                                  % {"value": value}, code="period")
        if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
            raise ValidationError(_("Choose a period between the years %(first)s and %(last)s.")
                                  % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="period")
        return period

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        if self.cut is not None:
            return self.cut
        if self.kind == "day":
            return self.start + dt.timedelta(days=1)
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return _month_start(self.start.year, self.start.month + months)

    def previous(self) -> "Period":
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def comparison(self, today: dt.date | None = None) -> "Period":
        """What this period's figures are compared with: the previous period, or — while this one is
        still running — the same number of its first days (1–7 November beside 1–7 December), so a
        month so far is never set against a whole month. A day is compared with the day before."""
        before = self.previous()
        today = today or timezone.localdate(clock.now())
        if self.kind == "day" or not self.start <= today < self.end:
            return before
        cut = before.start + dt.timedelta(days=(today - self.start).days + 1)
        return Period(before.kind, before.start, cut) if cut < before.end else before

    def next(self) -> "Period":
        return Period(self.kind, self.end)

    def __str__(self) -> str:
        if self.cut is not None:
            return f"{self.start.isoformat()}..{(self.cut - dt.timedelta(days=1)).isoformat()}"
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware datetimes [start, end) at local midnight."""
        tz = timezone.get_current_timezone()
        return (dt.datetime.combine(self.start, dt.time(), tz), dt.datetime.combine(self.end, dt.time(), tz))
