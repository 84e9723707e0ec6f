"""Dates, periods and schedules in the words people use (11月25日, 本周, 每月1次)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.schedule.duty_words import describe_task, describe_window
from bot.schedule.periods import parse_period, period_for
from bot.texts import t

WEEKDAYS = "一二三四五六日"
QUARTERS = "一二三四"


def md(d: date) -> str:
    return t("fmt.md", m=d.month, d=d.day)


def day_label(d: date) -> str:
    return t("fmt.day", m=d.month, d=d.day, w=WEEKDAYS[d.weekday()])


def period_label(
    key: str,
    every: str,
    window: bool,
    today: date,
    start: date | None = None,
    end: date | None = None,
    absolute: bool = False,
) -> str:
    """本周 / 上周 / 本月 / 11月第4周 / 10月 / 第四季度 / 2026年, or a window's dates; the
    year is named when it is not today's (always when ``absolute``: for a file read later).
    Never a key such as 2026-W48; "" when the key is not a period."""
    if window:
        if not (start and end):
            return ""
        label = t("plabel.week_of", start=md(start), end=md(end))
        return _in_year(label, start.year, today, absolute)
    try:
        _, period = parse_period(key)
    except ValueError:
        return ""
    if not absolute and today in period:
        return t(f"plabel.this.{every}")
    following = period_for(every, period.end + timedelta(days=1))
    if not absolute and every != "year" and today in following:
        return t(f"plabel.last.{every}")
    if every == "week":
        thursday = period.start + timedelta(days=3)  # the month that holds most of the week
        label = t("plabel.week_n", m=thursday.month, n=(thursday.day - 1) // 7 + 1)
        return _in_year(label, thursday.year, today, absolute)
    if every == "month":
        return _in_year(t("plabel.month", m=period.start.month), period.start.year, today,
                        absolute)  # fmt: skip
    if every == "quarter":
        quarter = QUARTERS[(period.start.month - 1) // 3]
        return _in_year(t("plabel.quarter", q=quarter), period.start.year, today, absolute)
    return t("plabel.year", y=period.start.year)


def _in_year(label: str, year: int, today: date, absolute: bool) -> str:
    return t("plabel.in_year", y=year, label=label) if absolute or year != today.year else label


__all__ = ["day_label", "describe_task", "describe_window", "md", "period_label"]
