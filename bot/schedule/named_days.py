"""The other days a report names: when a message names several days the work may have been
done on, the reply offers each beside the one read (bot/chat/task_reports.py), so that no day is
chosen silently.

Invariant: a day offered is past or today, is not the day read, and is never one the rules
know is not the work's (a day denied or corrected, a day the work did not happen, a deadline,
an as-of day, a week's name, a day inside a span or run but its last, a day still to come,
when something else came, today only as when the report is written down or sent).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.schedule.dates import (
    _ADDRESS,
    _AS_OF,
    _BY,
    _CLAUSE_END,
    _CORRECTED,
    _DAY_SPAN,
    _DEADLINE_BEFORE,
    _DONE_BETWEEN,
    _FULL_DATE,
    _LOGGED_TODAY,
    _MISSED,
    _MISSED_WITHIN,
    _MONTH_DAY,
    _MONTH_NAMED_DAY,
    _NAMED_OTHERWISE,
    _NAMED_WEEK_DAY,
    _NOT_THE_WORKS,
    _NUM,
    _OPENING_DAY,
    _RELATIVE,
    _SHORT_MD,
    _TODAY_AT_LAST,
    _TOPIC,
    _TWO_DAYS,
    _WEEK_DAY,
    _WEEKDAY,
    _WEEKDAY_TO,
    _WEEKS_BACK,
    _WHEN_IT_CAME,
    _num,
    _valid,
    _week_name,
    _weekday_of_named_week,
    _without_missed_days,
    _work_day,
    blank,
    in_week,
    months_back,
    not_a_day,
)

# today only as when photos or papers are sent up ("今天把照片发上来", "今天上传记录")
_TODAY_SENDING = re.compile(
    r"(今天|今早|今儿)\s*(才)?\s*(把)?[\u4e00-\u9fff]{0,6}?(发上来|发上去|发过来|发给|补发|上传|传上来|传上去)"
)
OTHER_DAYS = 3  # days offered besides the one read, at most
# A day of the month no rule places ("疏散场地标识牌 十九号换了3块", "月头一号在业主群里转了…"):
# when nothing else names a day, it may be the work's or a hazard's number, so it is offered
# beside today. Never a hazard's (编号12, 12号隐患), a house's (金方路2号), a document's
# (〔2026〕35号), a range's (12号到40号) or a deadline's (30号前).
_LOOSE_DAY = re.compile(
    rf"(?<![\d.月年第号#〕\]])(?<!编号)(?<!单号)(?<!隐患)(?<!报的)(?<!那个)(?<!{_ADDRESS})"
    rf"{_NUM}\s*[号日](?![\d楼院栋])"
    r"(?!\s*(单元|门|的?隐患|那个隐患|前|之前|以前|截止|到|至|-|—|~|～|和|、|号|厂|仓|库|车间|棚|地块|井|机|线"
    r"|路|街|巷|口|店|铺|房|屋|户|床|位|窗|档|摊|区|片|网格|组|桩|塔|罐|柜|箱|池|点|场|馆|岗|台))"
)


def other_days(text: str, today: date, chosen: date) -> list[date]:
    """The other past days a report names that its work may have been done on, latest first
    (at most OTHER_DAYS), when the rules do not settle it ("周一通知的 昨天就把物资盘完了",
    "昨晚大风 今早巡查了"): the reply then offers each beside ``chosen`` (the day parse_day
    read). None when a day is corrected or denied; never a day the work is said not to have
    been done on, a day inside a span or run but its last, a deadline, an as-of day, a week's
    name, a day still to come, when something else came, or today named only as when the
    report is written down or sent."""
    if _CORRECTED.search(text) or _TODAY_AT_LAST.search(text):
        return []
    text = _without_missed_days(text)
    for pattern in (_DAY_SPAN, _TWO_DAYS):
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    found: set[date | None] = set()

    def named(m: re.Match[str]) -> bool:
        return not (
            _BY.match(text, m.end())
            or _AS_OF.search(text[: m.start()])
            or _DEADLINE_BEFORE.search(text[: m.start()])
        )

    for m in _NAMED_WEEK_DAY.finditer(text):  # "11.6宣传周那个周四": that week's, not this
        found.add(_weekday_of_named_week(m.group(0), today))
        text = blank(text, m.start(), m.end())
    dated = []  # spans of the dates found: no weekday or bare day inside them ("十一月十七号")
    for m in filter(named, _FULL_DATE.finditer(text)):
        found.add(_valid(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    for m in filter(named, _MONTH_NAMED_DAY.finditer(text)):
        of = months_back(today, {"上上": 2, "上": 1}.get(m.group(1) or "", 0))
        found.add(_valid(of.year, of.month, _num(m.group(2))))
    for m in filter(named, _MONTH_DAY.finditer(text)):
        found.add(_valid(today.year, _num(m.group(1)), _num(next(g for g in m.groups()[1:] if g))))
    for m in filter(named, _SHORT_MD.finditer(text)):
        if not _week_name(text, m):
            found.add(_valid(today.year, _num(m.group(1)), _num(m.group(2))))
    for pattern in (_FULL_DATE, _MONTH_NAMED_DAY, _MONTH_DAY, _SHORT_MD):
        dated += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for start, end in dated:
        text = blank(text, start, end)
    run_ends: set[int] = set()
    for m in _WEEK_DAY.finditer(text):
        if m.start() in run_ends or _NOT_THE_WORKS.match(text, m.end()):
            continue
        if _WHEN_IT_CAME.match(text, m.end()) or _DEADLINE_BEFORE.search(text[: m.start()]):
            continue
        to = _WEEKDAY_TO.match(text, m.end())  # a run of days: its last
        if to:
            run_ends |= {i for i in range(to.start(), to.end())}
        weekday = _WEEKDAY[to.group(1) if to else m.group(2)]
        found.add(in_week(today, _WEEKS_BACK.get(m.group(1) or "", 0), weekday))  # none to come
    if bare := _work_day(text) or _OPENING_DAY.match(text):
        found.add(_valid(today.year, today.month, _num(bare.group(1))))
    logged = _LOGGED_TODAY.search(text) or _TODAY_SENDING.search(text)
    for word, back in _RELATIVE.items():
        if (
            (at := text.find(word)) < 0
            or (back == 0 and logged)
            or _missed_after(text, at + len(word))
            or not_a_day(word, text, at)  # 前个月, 之前个别
        ):
            continue
        if not (word == "前天" and "大前天" in text):
            found.add(today - timedelta(days=back))
    days = sorted((d for d in found if d is not None and d <= today and d != chosen), reverse=True)
    if not days and chosen == today and not _NAMED_OTHERWISE.search(text):  # 今天 said
        loose = {
            _valid(today.year, today.month, _num(m.group(1))) for m in _LOOSE_DAY.finditer(text)
        }
        days = sorted((d for d in loose if d is not None and d < today), reverse=True)
    return days[:OTHER_DAYS]


def _missed_after(text: str, end: int) -> bool:
    """Whether the clause after a day says the work did not happen then ("昨天下雨没去成")."""
    after = text[end : end + _MISSED_WITHIN]
    if stop := _CLAUSE_END.search(after):
        after = after[: stop.start()]
    if (missed := _MISSED.search(after)) is None:
        return False
    return not _DONE_BETWEEN.search(_TOPIC.sub("", after[: missed.start()]))
