"""Working days and festival dates.

Working days come from ``chinese_calendar`` (official holidays and 调休 working weekends) for
the years it knows; for later years they fall back to Monday–Friday, and the admin's extra
holidays / working days override both. Festival dates always come from the lunar calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunar_python import Lunar, Solar

from knowledge.calendar_names import FESTIVALS

log = logging.getLogger("gridsafe.calendar")

_FIXED = {"元旦": (1, 1), "五一": (5, 1), "国庆": (10, 1)}
_LUNAR = {"春节": (1, 1), "端午": (5, 5), "中秋": (8, 15)}


@cache
def festival_day(name: str, year: int) -> date:
    """The festival's own day in ``year`` (春节 = lunar 1/1, 清明 = the solar term)."""
    if name not in FESTIVALS:
        raise ValueError(f"未知节日：{name!r}（可用：{'、'.join(FESTIVALS)}）")
    if name in _FIXED:
        return date(year, *_FIXED[name])
    if name in _LUNAR:
        solar = Lunar.fromYmd(year, *_LUNAR[name]).getSolar()
    else:
        solar = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()[name]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def warm(year: int) -> None:
    """Work out the festivals of the years around ``year`` now (the lunar tables take some
    milliseconds the first time), so that no message pays for it."""
    for y in (year - 1, year, year + 1):
        for name in FESTIVALS:
            festival_day(name, y)


class WorkCalendar:
    def __init__(
        self, extra_holidays: Iterable[date] = (), extra_workdays: Iterable[date] = ()
    ) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self._covered: dict[int, bool] = {}
        self._warned: set[int] = set()

    def covered(self, year: int) -> bool:
        """Whether chinese_calendar has the official holidays of ``year``."""
        if year not in self._covered:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
            except NotImplementedError:
                self._covered[year] = False
            else:
                self._covered[year] = True
        return self._covered[year]

    def is_workday(self, d: date) -> bool:
        # An extra working day wins over an extra holiday ("minus holidays, plus workdays").
        if d in self.extra_workdays:
            return True
        if d in self.extra_holidays:
            return False
        if self.covered(d.year):
            return bool(chinese_calendar.is_workday(d))
        self._warn_fallback(d.year)
        return d.weekday() < 5

    def _warn_fallback(self, year: int) -> None:
        if year not in self._warned:
            self._warned.add(year)
            log.warning(
                "chinese_calendar has no holiday data for %s: using Monday-Friday "
                "plus the configured extra holidays and working days",
                year,
            )

    def festival_day(self, name: str, year: int) -> date:
        return festival_day(name, year)

    def holiday_start(self, name: str, year: int) -> date:
        """First day of the official holiday around the festival (the day itself if worked)."""
        day = festival_day(name, year)
        if self.is_workday(day):
            return day
        while not self.is_workday(day - timedelta(days=1)):
            day -= timedelta(days=1)
        return day
