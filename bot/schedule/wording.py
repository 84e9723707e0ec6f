"""Dates, periods and schedules in the words people use (11月25日, 本周, 每月1次)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.schedule.duty_words import describe_task, describe_window
from bot.schedule.periods import parse_period, period_for
from bot.texts import t

WEEKDAYS = "一二三四五六日"


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
) -> str:
    """本周 / 上周 / 本月 / 10月 / 本季度 / 2026年, or a window's dates."""
    if window:
        return t("plabel.week_of", start=md(start), end=md(end)) if start and end else ""
    try:
        _, period = parse_period(key)
    except ValueError:
        return key
    if today in period:
        return t(f"plabel.this.{every}")
    if (
        every != "year"
        and period_for(every, period.end + timedelta(days=1)).start
        <= today
        <= period_for(every, period.end + timedelta(days=1)).end
    ):
        return t(f"plabel.last.{every}")
    if every == "week":
        return t("plabel.week_of", start=md(period.start), end=md(period.end))
    if every == "month":
        return t("plabel.month", m=period.start.month)
    if every == "quarter":
        return t("plabel.quarter", y=period.start.year, q=(period.start.month - 1) // 3 + 1)
    return t("plabel.year", y=period.start.year)


__all__ = ["day_label", "describe_task", "describe_window", "md", "period_label"]
