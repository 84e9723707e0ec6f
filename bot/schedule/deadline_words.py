"""New deadlines asked for or granted in words (到12月10日, 下周五, 月底, 宽限一周): the day a
hazard's fix is moved to.

Invariant: a deadline is today or later (a month-day already past is next year's); a span
counts from the present deadline when there is one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.schedule.dates import (
    _DAY_OF_WEEK,
    _FULL_DATE,
    _FUTURE,
    _MONTH_DAY,
    _NUM,
    _SHORT_MD,
    _WEEKDAY,
    _num,
    _valid,
)
from bot.schedule.periods import month_end

_SPAN = re.compile(rf"{_NUM}\s*(天|日|周|个星期|星期|礼拜|个月)")
_NEXT_WEEK_DAY = re.compile(rf"(下下|下|这|本)?\s*(?:周|星期|礼拜)\s*{_DAY_OF_WEEK}")


_MONTH_END = re.compile(rf"(?<![\d.]){_NUM}\s*月(?:份)?\s*底")
# a day of the month a deadline is moved to, with no month ("0040 可以延到30号"): the next such day
_TO_DAY = re.compile(
    rf"(?:延|延期|推|推迟|宽限|顺延|延长|放)\s*(?:到|至)\s*{_NUM}\s*[号日](?![楼院栋])"
)


def parse_until(text: str, today: date, base: date | None = None) -> date | None:
    """A day asked for as a new deadline (到12月10日, 下周五, 月底, 宽限一周), on or after
    today; a span (宽限一周, 再给3天) counts from ``base`` (the present deadline) when
    given. None if the words name none."""
    if m := _FULL_DATE.search(text):
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for pattern in (_MONTH_DAY, _SHORT_MD):
        if m := pattern.search(text):
            month, dom = _num(m.group(1)), _num(next(g for g in m.groups()[1:] if g))
            day = _valid(today.year, month, dom)
            if day and day < today:
                day = _valid(today.year + 1, month, dom)
            return day
    if m := _TO_DAY.search(text):
        dom = _num(m.group(1))
        day = _valid(today.year, today.month, dom)
        if day is None or day <= today:  # "延到25号" said on the 25th: next month's
            ahead = today.month % 12 + 1
            day = _valid(today.year + (today.month == 12), ahead, dom)
        return day
    if m := _NEXT_WEEK_DAY.search(text):
        weekday = _WEEKDAY[m.group(2)]
        monday = today - timedelta(days=today.weekday())
        ahead = {"下下": 2, "下": 1}.get(m.group(1) or "", 0)
        day = monday + timedelta(weeks=ahead, days=weekday)
        return day if day >= today else day + timedelta(weeks=1)
    if "年底" in text:
        return date(today.year, 12, 31)
    if m := _MONTH_END.search(text):  # "12月底", "1月底前": that month's end, this year or next
        month = _num(m.group(1))
        if 1 <= month <= 12:
            end = month_end(today.year, month)
            return end if end >= today else month_end(today.year + 1, month)
    if "月底" in text:
        month = today.month + (1 if "下个月" in text or "下月" in text else 0)
        return month_end(today.year + (month - 1) // 12, (month - 1) % 12 + 1)
    if m := _SPAN.search(text):
        n, unit = _num(m.group(1)), m.group(2)
        days = n * {"天": 1, "日": 1, "周": 7, "个星期": 7, "星期": 7, "礼拜": 7, "个月": 30}[unit]
        return max(base or today, today) + timedelta(days=days)
    for word in sorted(_FUTURE, key=len, reverse=True):
        if word in text:
            return today + timedelta(days=_FUTURE[word])
    return None
