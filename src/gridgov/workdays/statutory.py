"""The days off the law fixes for any year: a provisional calendar for a year whose official
schedule (with its 调休 make-up working weekends) the State Council has not published yet.

《全国年节及纪念日放假办法》 as revised in 2024 (in force from 2025) gives every citizen 13 days:
元旦 1 (1 January), 春节 4 (除夕 and the first three days of the first lunar month), 清明节 1 (the day
of the 清明 solar term), 劳动节 2 (1–2 May), 端午节 1 (the 5th of the fifth lunar month), 中秋节 1 (the
15th of the eighth lunar month), 国庆节 3 (1–3 October). Which weekends are worked in exchange, and
which weekdays bridge a holiday to a weekend, is decided each year by the State Council and cannot
be computed: those days stay as the Monday–Friday rule says until the schedule is entered.

Lunar dates come from ``cnlunar`` (its tables cover 1901–2100), the solar term from
``chinese-calendar``.
"""
import datetime as dt
from functools import cache

import chinese_calendar
import cnlunar

ONE_DAY = dt.timedelta(days=1)


def _lunar_day(year: int, month: int, day: int, search_from: dt.date, days: int = 60) -> dt.date:
    """The Gregorian date of ``month``/``day`` (not of a leap month) of the lunar year that starts
    in ``year``, searched forward from ``search_from``."""
    for offset in range(days):
        candidate = search_from + offset * ONE_DAY
        lunar = cnlunar.Lunar(dt.datetime.combine(candidate, dt.time(12)), godType="8char")
        if (lunar.lunarYear, lunar.lunarMonth, lunar.lunarDay, lunar.isLunarLeapMonth) == (year, month, day, False):
            return candidate
    raise LookupError(f"lunar {year}-{month}-{day} not found from {search_from}")  # pragma: no cover


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Every statutory day off of ``year``: date → the holiday's Chinese name."""
    spring = _lunar_day(year, 1, 1, dt.date(year, 1, 20))  # 春节 falls between 21 January and 20 February
    qingming = next(day for day, name in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
                    if name == "清明")
    days = {dt.date(year, 1, 1): "元旦", qingming: "清明节", dt.date(year, 5, 1): "劳动节", dt.date(year, 5, 2): "劳动节",
            _lunar_day(year, 5, 5, dt.date(year, 5, 25)): "端午节",
            _lunar_day(year, 8, 15, dt.date(year, 9, 5)): "中秋节"}
    days.update({spring + offset * ONE_DAY: "春节" for offset in range(-1, 3)})  # 除夕 to 初三
    for day in (1, 2, 3):  # 中秋 can fall inside 国庆 (3 October 2028): the day carries both names
        october = dt.date(year, 10, day)
        days[october] = "中秋节、国庆节" if days.get(october) == "中秋节" else "国庆节"
    return dict(sorted(days.items()))
