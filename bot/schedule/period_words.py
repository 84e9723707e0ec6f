"""Periods as people name them in a report: 本周, 上个月, 10月的, 第三季度, 今年, 2027年度, 47周,
11.16-11.22; a period named ahead of its time (12月份的…提前到今天) counts for that period.

Invariant: a period named without its year is the latest such period not after today,
unless the work is said to be done ahead of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.schedule.dates import _DAY_OF_WEEK, _DAY_SPAN, _NUM, _num, _valid
from bot.schedule.periods import month_end

_WEEK_OF = re.compile(
    rf"(?<![\d.]){_NUM}\s*月\s*{_NUM}\s*[日号]?\s*(那周|那一周|那个?星期|那个?礼拜|所在的?周)"
)
_LAST_WEEK_OF = re.compile(
    rf"(?<![\d.]){_NUM}\s*月(?:份)?的?\s*"
    r"(?:(?:最后|最末)(?:一|那)?个?|(?:底|末)的?(?:那|最后)?(?:一)?个?)(?:周|星期|礼拜)"
)  # 10月最后那周, 10月底那周
_PERIOD_WORDS = [
    # 上周 / 这周, not 上周五 (a day: the period is the one that day falls in)
    (re.compile(rf"上上(个)?(周|星期|礼拜)(?!{_DAY_OF_WEEK})"), "week", -2),
    (re.compile(rf"(?<!上)上(个)?(周|星期|礼拜)(?!{_DAY_OF_WEEK})"), "week", -1),
    (re.compile(rf"(本|这|这个|这一)(周|星期|礼拜)(?!{_DAY_OF_WEEK})"), "week", 0),
    (re.compile(r"上(个)?月"), "month", -1),
    # (not 本月3号, a day: "10月份监管行业安全形势分析 本月3号才补做完" is October's)
    (re.compile(rf"(本|这个|这一个?|当)月(?!\s*(初|中|底)?\s*{_NUM}\s*[日号])"), "month", 0),
    (re.compile(r"上(个)?季度"), "quarter", -1),
    (re.compile(r"(本|这个|这一个?)季度?"), "quarter", 0),
    (re.compile(r"(今年|本年度?|全年|年度)"), "year", 0),
    (re.compile(r"(去年|上一?年)"), "year", -1),
    # "明年的执法检查计划定下来了", not "明年再搞演练" (a plan for later)
    (
        re.compile(
            r"(明年|下一?年)度?的?(?=[\u4e00-\u9fff]{0,10}(计划|方案|预算|要点|安排|任务))"
        ),
        "year",
        1,
    ),
]
_NAMED_MONTH = re.compile(rf"(?<![\d.月]){_NUM}\s*月(?:份)?(?!\s*{_NUM}\s*[日号])")
_LAST_YEAR_MONTH = re.compile(
    rf"(去年|上一?年)\s*(?:的)?\s*{_NUM}\s*月(?:份)?(?!\s*{_NUM}\s*[日号])"
)
# a week by its number ("第46周", "47周那次"), not a count of weeks ("3周内", "两周后")
_WEEK_NUMBER = re.compile(
    r"第\s*(\d{1,2})\s*周(?!内|之内|以内|后|前)|(?<![\d.第续共近前这来])([1-5]\d)\s*周(?=\s*那)|"
    r"(?<![A-Za-z])[Ww](\d{1,2})(?![\d.])"  # "W47那次今天才补上"
)
_NAMED_QUARTER = re.compile(r"(?:第)?([一二三四1-4])\s*季度")
# "2025年四季度的党工委会 今年1月6号补开的": that year's quarter
_YEAR_QUARTER = re.compile(
    r"(?<!\d)(20\d\d)\s*年\s*(?:度)?\s*(?:的)?\s*(?:第)?([一二三四1-4])\s*季度"
)
_NAMED_YEAR = re.compile(
    r"(?<!\d)(20\d\d)\s*(?:年度|年(?!\s*([\d一二三四五六七八九十]{1,3}\s*[月.\-/]|前|上半|下半)))"
)


@dataclass(frozen=True)
class PeriodHint:
    every: str  # week | month | quarter | year
    anchor: date  # a day inside the period meant


def within(hint: PeriodHint, day: date) -> bool:
    """Whether ``day`` falls in the period ``hint`` names (本周 and 周一, 本月 and 3号)."""
    a = hint.anchor
    if hint.every == "week":
        return day.isocalendar()[:2] == a.isocalendar()[:2]
    if hint.every == "month":
        return (day.year, day.month) == (a.year, a.month)
    if hint.every == "quarter":
        return (day.year, (day.month - 1) // 3) == (a.year, (a.month - 1) // 3)
    return hint.every == "year" and day.year == a.year


# a period denied ("是10月份的，别算成11月", "不是上个月的"): not the one meant
_DENIED_PERIOD = re.compile(
    rf"(别|不要|不能|不是|莫)\s*(算|记|登)?\s*(成|到|在|为|进)?\s*"
    rf"({_NUM}\s*月(份)?|上个?月|这个?月|本月|上个?(周|星期|礼拜)|这个?(周|星期|礼拜)|本周)(的)?"
)


def parse_period(text: str, today: date) -> PeriodHint | None:
    """A period named in a report (本周, 上个月, 10月的, 第三季度, 今年, 2027年度), if any; the
    one the work is said to count for first ("…拖到这个月2号才开，算10月的"); never one denied
    ("别算成11月")."""
    text = _DENIED_PERIOD.sub(lambda m: " " * len(m.group()), text)
    if (at := text.rfind("算")) >= 0 and (counted := _named_period(text[at + 1 :], today)):
        return counted
    return _named_period(text, today)


def _named_period(text: str, today: date) -> PeriodHint | None:
    if (
        (m := _NAMED_YEAR.search(text))
        and today.year - 5 <= int(m.group(1)) <= today.year + 1  # "力争2030年…": no record
        and not (_NAMED_QUARTER.search(text) or _NAMED_MONTH.search(text))
    ):
        return PeriodHint("year", date(int(m.group(1)), 6, 30))  # "2027年度执法计划"
    if (m := _YEAR_QUARTER.search(text)) and today.year - 5 <= int(m.group(1)) <= today.year:
        return PeriodHint("quarter", date(int(m.group(1)), 3 * _num(m.group(2)) - 2, 1))
    if (m := _DAY_SPAN.search(text)) and (span := _span_period(m, today)):
        return span
    if (m := _LAST_WEEK_OF.search(text)) and 1 <= (month := _num(m.group(1))) <= 12:
        end = month_end(today.year, month)  # "算10月最后那周的": Oct 31's
        if end > today and month != today.month:  # this month's last week may be ahead
            end = month_end(today.year - 1, month)
        # the week holding the month's last day, unless it is still to come and the month's
        # last Thursday is not ("11月最后一周" said on 2026-11-25: Nov 23-29, not Nov 30-Dec 6)
        monday = end - timedelta(days=end.weekday())
        if end.weekday() < 3 and monday > today:
            end = monday - timedelta(days=1)
        return PeriodHint("week", end)
    if (m := _WEEK_OF.search(text)) and (
        day := _valid(today.year, _num(m.group(1)), _num(m.group(2)))
    ):
        return PeriodHint("week", day if day <= today else day.replace(year=day.year - 1))
    if (m := _WEEK_NUMBER.search(text)) and 1 <= (
        week := int(m.group(1) or m.group(2) or m.group(3))
    ) <= 52:
        monday = date.fromisocalendar(today.year, week, 1)  # "47周那次巡查今天才补去"
        if monday > today:
            monday = date.fromisocalendar(today.year - 1, week, 1)
        return PeriodHint("week", monday)
    if m := _LAST_YEAR_MONTH.search(text):
        month = _num(m.group(2))
        if 1 <= month <= 12:
            return PeriodHint("month", date(today.year - 1, month, 1))
    if (m := _NEXT_WEEKS.search(text)) and _AHEAD.search(
        text, m.end(), _clause_end(text, m.end())
    ):
        return PeriodHint("week", today + timedelta(days=7))  # "下周的巡查我今天先跑了"
    named = [
        (m.start(), text.startswith("的", m.end()), PeriodHint(every, _shift(every, today, shift)))
        for pattern, every, shift in _PERIOD_WORDS
        for m in pattern.finditer(text)
    ]
    if named:  # "去年的述职 今年1月12号才述": the one the work is of (…的), else the first
        months = [  # "10月份的专题会拖到这个月4号才开": October's
            (m.start(), True, PeriodHint("month", anchor))
            for m in _NAMED_MONTH.finditer(text)
            if text.startswith("的", m.end()) and (anchor := _month_anchor(m, today))
        ]
        return min(named + months, key=lambda x: (not x[1], x[0]))[2]
    if m := _NAMED_QUARTER.search(text):
        quarter = _num(m.group(1))
        anchor = date(today.year, 3 * quarter - 2, 1)
        return PeriodHint(
            "quarter", anchor if anchor <= today else anchor.replace(year=anchor.year - 1)
        )
    said = sorted(  # the month whose work it is (…的) first
        _NAMED_MONTH.finditer(text), key=lambda n: not text.startswith("的", n.end())
    )
    if said and (anchor := _month_anchor(said[0], today)):
        return PeriodHint("month", anchor)
    return None


# work done ahead of its period ("12月份的带队检查提前到今天搞了", "下周的巡查我今天先跑了")
# (not 不用提前, 提前不了)
_AHEAD = re.compile(
    r"(?<!不用)(?<!不要)(?<!不必)(?<!别)(提前(?!不)|先(跑|搞|做|整|弄|查|巡|开|交|报))"
)
_CLAUSE = re.compile(r"[，,。；;!！?？]")
_NEXT_WEEKS = re.compile(r"下(个)?(周|星期|礼拜)的?\s*(巡查|巡察|寻查|巡检|检查|排查)")


def _month_anchor(m: re.Match[str], today: date) -> date | None:
    """The first day of the month named (the latest such month not after today, unless the
    work is said to be done ahead of it: 12月份的…提前到今天)."""
    month = _num(m.group(1))
    if not 1 <= month <= 12:
        return None
    anchor = date(today.year, month, 1)
    own = m.string.startswith("的", m.end())  # 12月份的…: the month's own work
    if anchor > today and own and _AHEAD.search(m.string, m.end(), _clause_end(m.string, m.end())):
        return anchor
    return anchor if anchor <= today else anchor.replace(year=today.year - 1)


def _span_period(m: re.Match[str], today: date) -> PeriodHint | None:
    """The week or the month a span of days lies in (11.16-11.22 → that week)."""
    first_month, first_day = int(m.group(1)), int(m.group(2))
    last_month = int(m.group(3)) if m.group(3) else first_month
    first = _valid(today.year, first_month, first_day)
    last = _valid(today.year, last_month, int(m.group(4)))
    if first is None or last is None or last < first:
        return None
    if first > today:
        first, last = first.replace(year=first.year - 1), last.replace(year=last.year - 1)
    if first.isocalendar()[:2] == last.isocalendar()[:2]:
        return PeriodHint("week", first)
    if (first.year, first.month) == (last.year, last.month):
        return PeriodHint("month", first)
    return None


def _shift(every: str, today: date, shift: int) -> date:
    if shift == 0:
        return today
    if every == "week":
        return today + timedelta(weeks=shift)
    if every == "month":
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if every == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return (first - timedelta(days=1)).replace(day=1)
    return date(today.year + shift, 6, 30)


def _clause_end(text: str, at: int) -> int:
    """Where the clause that goes on at ``at`` ends (its own work: 12月份的…提前到今天搞了)."""
    end = _CLAUSE.search(text, at)
    return end.start() if end else len(text)
