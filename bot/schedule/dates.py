"""Dates and periods as people write them: 今天, 昨天, 上周五, 11月3日, 本月, 10月的…"""

from __future__ import annotations

import re
from datetime import date, timedelta

from knowledge.textnorm import cn_to_int

_WEEKDAY = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
    "末": 5,
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "6": 5,
    "7": 6,
}
_FUTURE = {"明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_RELATIVE = {
    "今天": 0,
    "今日": 0,
    "今早": 0,
    "今儿": 0,
    "刚才": 0,
    "刚刚": 0,
    "昨天": 1,
    "昨日": 1,
    "昨晚": 1,
    "昨个": 1,  # dialect: 昨个, 昨儿个
    "昨儿": 1,
    "前儿个": 2,  # dialect: 前儿个, 前儿, 前个 (not 前个月), 夜儿个
    "前儿": 2,
    "前日": 2,
    "前个": 2,
    "夜儿个": 1,
    "前天": 2,
    "前两天": 2,
    "大前天": 3,
}
_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
# A month and day at most this far ahead is a day still to come, never last year's, unless 去年
# is said (tuned+dev: no report of the 26th of November to the 31st of December 2025 among
# 22,000 messages; "12月28日" alone, five weeks ahead, is still last year's)
SOON = timedelta(days=21)
_FULL_DATE = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_PART_OF_DAY = "那天|当天|那日|上午|下午|晚上|早上|中午|傍晚"
_MONTH_DAY = re.compile(
    rf"(?<![\d.]){_NUM}\s*月\s*(?:{_NUM}\s*[日号]|([一二三四五六七八九十]{{1,3}})(?=\s|[，,。]|$|{_PART_OF_DAY})"
    rf"|(\d{{1,2}})(?=$|[，,。]|{_PART_OF_DAY}|\s+(?!\d*\s*(?:家|户|个|人|名|处|栋|份|次))))"
)  # "11月3日", "十一月十七 寻查了温泉村", "8月25 补登" (without 日, before a pause; not
# 11月20 家), "十一月十八那天巡查了菜市场" (before the words of a day)
_SHORT_MD = re.compile(
    r"(?<![\d.第])(1[0-2]|0?[1-9])[-/.](3[01]|[12]\d|0?[1-9])"
    # not 3.2栋 nor 5.2条 (but 11/24组织, 11.20条幅), nor a range of months or a count
    # ("今年1-10月事故起数", "3-5个人")
    r"(?![\d/.-]|\s*(?:栋|幢|号楼|号院|楼|单元|组(?!织)|户|家|层|队|条(?!幅)|款|项(?!目))"
    r"|月|个|岁|米|公里|吨)"
)
# "(11.16-11.22)", "11月16日至22日": a span of days, the period a record covers, never its day
_DAY_SPAN = re.compile(
    r"(?<![\d.])(\d{1,2})[.月](\d{1,2})[日号]?\s*[-~～至到]\s*(?:(\d{1,2})[.月])?(\d{1,2})[日号]?(?![\d.])"
)
_MONTH_NAMED_DAY = re.compile(
    rf"(?<![下两几个\d一二三四五六七八九十])(?:(上上|上|这|本)个?月(?:底|初|中)?|月(?:底|初|中))"
    rf"\s*{_NUM}\s*[日号]"
)  # "上个月25号", "月初3号补的" (this month's); not 下个月3号, 上上个月5号, 两个月前15号
_BARE_DAY = re.compile(r"(?<![\d.月])(\d{1,2})\s*[日号](?![\d楼院栋])")
_HAZARD_BEFORE = re.compile(r"(报|隐患|编号|单号|号)")  # "已上报19号和20号": hazards, not days
# a bare day of the month is a day only when the work's own verb follows it ("11号发的",
# "20号开了安全会", "24号那天巡查了", "20号我们也开了安全会"); alone ("12号清走了", "3号院") it
# may be a hazard or a place. Never when the verb only describes something ("区里11号发的文件",
# "传达了20号召开的会议精神"), nor when the message names a day in other words (今天, 周五:
# "区里30号组织检查 今天先把三组巡了"), nor a day still to come this month.
# where a number is a house's ("金方路2号", "南苑小区8号", "3组12号"), never a day
_ADDRESS = r"[路街巷道区苑院组村栋楼]"
_DONE_ON_DAY = re.compile(
    rf"(?<![\d.月年第号])(?<!编号)(?<!单号)(?<!隐患)(?<!报的)(?<!那个)(?<!月前)(?<!{_ADDRESS})"
    rf"{_NUM}\s*[号日]"
    r"(?:\s*(?:那天|当天|那次|那回|上午|下午|晚上|早上|中午|(?:周|星期|礼拜)[一二三四五六日天]))?"
    r"\s*(?:我们|咱们|我|村里|社区|街道)?\s*(?:也|又|还|都|就|才|已经|已)?\s*(?:把)?\s*"
    r"(?:发的|发了|开的|开了|开过|召开|组织|举办|开展|参加|去的|去了|克的|克了|搞的|搞了|做的|弄的|整的"
    r"|交的|交了|报送|上报|报上去|交上去|巡查|巡察|巡了|寻查|排查|检查了|走访|入户|演练|培训"
    r"|报的|报到|报给|报了|印发|修订|换了|补的|进了|跑了|全部(?:采|查|走|跑|搞)|采完"
    r"|(?:弄|搞|做|整)(?:好|完)了|办结|办完"  # "我们10号就弄好了", "14号就办结回复了"
    r"|把[\u4e00-\u9fff]{1,10}?(?:换|装|清|修|拆|搬|挪|补|贴|立|刷)"  # "23号我们把…全部换新了"
    r"|去看|去查|去复查|去跑"  # "18号去看12号隐患的时候 顺便把整条街都巡查了"
    r"|的(?:巡查|巡察|寻查|检查|排查|演练|培训)"  # "补登一条 20号的巡查"
    r"|去[\u4e00-\u9fff]{0,8}?(?:巡查|巡察|巡了|检查|走访|排查|跑了)"  # "23号去幸福路那片巡查了"
    r"|在[\u4e00-\u9fff]{1,8}?(?:摆|搞|开|放|组织|举办|开展)(?:了|的))"  # "8号在小区广场摆了"
)
# what "发的" / "召开的" describe when it is a paper passed on, not the work ("11号发的文件",
# "20号召开的会议精神"); "12号开的安办专题会 补登" is the meeting itself
_MODIFIER = re.compile(r"的?[\u4e00-\u9fff]{0,8}?(文件|通知|精神|指示|要求|纪要)")
_NAMED_OTHERWISE = re.compile(
    r"(今天|今早|今儿|昨天|昨晚|前天|大前天|前几天|前两天|(?:周|星期|礼拜)[一二三四五六日天末1-7])"
)
# a span of days the work took ("11月16号到18号 三天把…", "12号13号两天"), not the period a
# record covers ("巡查记录(11.16-11.22)已上传")
_DAYS_OF_WORK = re.compile(
    r"\s*(?:连着|连续|一共|共|用了)?\s*[两二三四五六七八九十\d]{1,2}\s*天(?!内|之内|以内|后|期限)"
)  # not "5天内整改到位": a deadline
# "9月25到29号 全部结束", "10月1号到7号一天没断": work over the span, done on its last day
_SPAN_DONE = re.compile(r"\s*(全部|都|已经|已|一天)?\s*(结束|完成|搞完|查完|没断|不断|圆满)")
_TWO_DAYS = re.compile(
    rf"(?<![\d.月]){_NUM}\s*(?:[号日]\s*(?:和|、|,|，)?|\s*(?:和|、|,|，|\s))\s*{_NUM}\s*[号日]\s*"
    r"(?:这)?(?:两|二|2)\s*天"
)  # "12号13号两天", "23 24号两天"
# "上周的巡查今天才去成": the work itself was today, whatever other day is named
_TODAY_AT_LAST = re.compile(
    r"(今天|今儿|今早)\s*才\s*(去成|去了|去的|克了|克的|跑了|巡查|巡了|出去|得空去|有空去|搞的|搞了"
    r"|开(?!始))"
)  # not 今天才开始整理, 今天才搞到照片: the work was earlier
# a day of the month that opens a report ("20号主要领导带队检查了…"), not a building (3号楼)
_OPENING_DAY = re.compile(
    rf"^\s*{_NUM}\s*[号日](?=\s|[，,、:：]|(?:那天|当天|上午|下午|晚上|早上|中午|我们|我|村里|社区|街道"
    r"|主要领导|领导|书记|主任|安办|带队|全体|组织|召开|开展))"
    r"(?!\s*(?:的|那个)?\s*隐患)(?!\s*(?:前|之前|以前|截止|到|至|-|—|~))"
)  # only before a pause, a time or who did it: not 3号网格, 7号厂房, nor a deadline (30号前)
# "清单已更新到11月24日": as of that day, not when the work was done
_AS_OF = re.compile(
    r"(更新到|更新至|截至|截止到|截止至|统计到|统计至)\s*(?:本月|这个月|本周|20\d\d\s*年)?\s*$"
)
_COMING = re.compile(r"(说|要|准备|打算|定在|等|将|会)\s*$")  # before a weekday still to come
# "11月30日前报送": a deadline; "5月12号那周的记录": a week's name; neither is the day done
# a deadline named before its day ("时限是9月30号"), never a day the work was done
_DEADLINE_BEFORE = re.compile(r"(时限|期限|截止|限期|到期|deadline)\s*(是|为|到|日期)?\s*$")
_BY = re.compile(r"\s*(前|之前|以前|截止|为止|那周|那一周|那个?星期|那个?礼拜|所在的?周)")
# "11.6宣传周活动都弄完了": the week's name (but "11月6号宣传周进社区…" is the 6th)
_WEEK_NAME = re.compile(r"\s*(宣传周|宣传日|减灾日|活动周)")
_NAMED_WEEKS = ("5.12", "11.6", "11.9")  # the weeks named by a day ("11.6宣传周"), not 11.10
_SAID_BARE_DAY = re.compile(rf"[\s，,:：]*(?:应该|应)?是\s*{_NUM}\s*[号日]")
_PLANNED = re.compile(r"(本来|原本|原来|原计划|原定|本打算)(说|打算|想|要|定|是)?\s*$")
# "3月8号 哦不对 是3月6号", "上周三 哦不是 上周四": the day after the correction
_CORRECTED = re.compile(r"(不对|不是|说错了|搞错了|记错了|错了)")
# "应该是11月23号 不是24号": a day denied at the end, after the day that was meant
_DAY_WORDS = (
    r"(大前天|前天|昨天|昨晚|今天|(上上|上|这|本)?(周|星期|礼拜)[一二三四五六日天1-7]|"
    r"(\d{1,2}\s*月\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[号日]|\d{1,2}[.\-/]\d{1,2})"
)
# "是前天不是昨天", "是17号周二，不是之前发的19号": the day denied after the one meant
_NOT_THAT_DAY = re.compile(
    rf"[\s，,。；;]*(而)?不是\s*((之前|刚才|上次)?(发|报|登|说|写)的)?\s*{_DAY_WORDS}"
    r"(?:(?![号日])[^\s，,。；;是]){0,6}"
)
_SAID_DAY = re.compile(r"(是|为)\s*(上|这|本)?(周|星期|礼拜|\d|[一二三四五六七八九十]|昨|前天|今)")
# a day with its weekday ("17号周二", "周三18号", "11号（周三）"): that day, when they agree
_DAY_AND_WEEKDAY = re.compile(
    rf"(?<![\d.月]){_NUM}\s*[号日]\s*[（(]?\s*(?:周|星期|礼拜)([一二三四五六日天1-7])"
    rf"|(?:周|星期|礼拜)([一二三四五六日天1-7])\s*[（(]?\s*(?<![\d.月]){_NUM}\s*[号日]"
)
# "上周五下了一天雨 第二天一早就克…巡了": the day after the one named
_PAPER_DAY = re.compile(r"(?<![\d.月])(\d{1,2})\s*[日号]\s*(?:发|下|来|转)的?(?:通知|文件)")
_NEXT_DAY = re.compile(r"(第二天|次日|隔天|第2天|当天|当日)")  # 当天: the day named itself
# a weekday, not "一直" / "一次" / "日常" after a week ("上周一直下雨" is no Monday)
_DAY_OF_WEEK = r"([二三四五六天末1-7]|一(?![直起样些共定般切次趟遍连])|日(?!常))"
_WEEK_DAY = re.compile(rf"(?<!下)(?:(上上|上|这|本)个?)?\s*(?:周|星期|礼拜)\s*{_DAY_OF_WEEK}")


class FutureDateError(ValueError):
    pass


# "上个月月尾最后一天", "上月底那个礼拜五": a day at the end of last month
_LAST_MONTH_END = re.compile(
    r"上个?月\s*(?:的)?\s*(?:月尾|月底|月末|底)\s*(?:的)?\s*(?:(最后一天|最后那天)|"
    r"(?:那个|那|的)?\s*(?:周|星期|礼拜)([一二三四五六日天1-7]))|上个?月\s*(?:的)?\s*(最后一天|最后那天)"
)


# "11.6宣传周当天", "11.6宣传周启动那天": the named day itself after all
_WEEKS_OWN_DAY = re.compile(r"\s*(宣传周|宣传日|减灾日|活动周)(的)?(当天|那天|那一天)")


def _week_name(text: str, m: re.Match[str]) -> bool:
    """ "11.6宣传周": a week named by its day, not the day the work was done (unless its own
    day is said: 11.6宣传周当天)."""
    return (
        m.group(0).strip() in _NAMED_WEEKS
        and bool(_WEEK_NAME.match(text, m.end()))
        and not _WEEKS_OWN_DAY.match(text, m.end())
    )


# "11.6宣传周那个周四", "5.12宣传周第一天": a day of the week the day names, as the rulebook's
# windows run (knowledge/rules: 5.12's is the Monday-to-Sunday week of 5.12; 11.6's the seven
# days from 11.6)
_NAMED_WEEK_DAY = re.compile(
    r"(?<![\d.])(5\.12|11\.6|11\.9)\s*(?:宣传周|宣传日|减灾日|活动周)(?:期间)?\s*(?:的|那个|那|里的?)?\s*"
    rf"(?:(?:周|星期|礼拜){_DAY_OF_WEEK}|(?:启动|开幕)(?:当天|那天|那一天)?|第一天|头一天)"
)
_MONDAY_WEEKS = ("5.12",)


def _weekday_of_named_week(text: str, today: date) -> date | None:
    if not (m := _NAMED_WEEK_DAY.search(text)):
        return None
    month, day = (int(n) for n in m.group(1).split("."))
    named = _valid(today.year, month, day)
    if named is None or named > today:
        return None
    first = named - timedelta(days=named.weekday()) if m.group(1) in _MONDAY_WEEKS else named
    if m.group(2) is None:
        return first  # its first day
    weekday = _WEEKDAY[m.group(2)]
    found = first + timedelta(days=(weekday - first.weekday()) % 7)
    return found if found <= today else None


# a weekday of a month's numbered week ("11月第二周的巡查补登 那周周三去的"): a month's first week
# is the one from its first Monday (tuned+dev: "11月第一周的巡查 是4号周三搞的", "10月份第四周的
# 巡查 10月27号去的", "11月第三周…11月18号去的")
_MONTH_WEEK_DAY = re.compile(
    rf"(?<![\d.]){_NUM}\s*月份?\s*(?:的)?\s*第\s*([一二三四五1-5])\s*(?:个)?\s*(?:周|星期|礼拜)"
    rf"[^，,。\d上这本下]{{0,12}}?(?:那周|那个?星期|那个?礼拜)?的?\s*(?:周|星期|礼拜)\s*{_DAY_OF_WEEK}"
)


def _weekday_of_month_week(text: str, today: date) -> date | None:
    if not (m := _MONTH_WEEK_DAY.search(text)) or m.group(3) not in _WEEKDAY:
        return None
    month, week = _num(m.group(1)), _num(m.group(2))
    first = _valid(today.year, month, 1) if 1 <= month <= 12 else None
    if first is None or not 1 <= week <= 5:
        return None
    monday = first + timedelta(days=(7 - first.weekday()) % 7)
    day = monday + timedelta(weeks=week - 1, days=_WEEKDAY[m.group(3)])
    return day if day <= today else None


def _end_of_last_month(text: str, today: date) -> date | None:
    if not (m := _LAST_MONTH_END.search(text)):
        return None
    last = today.replace(day=1) - timedelta(days=1)
    if m.group(2):  # the last such weekday of last month
        return last - timedelta(days=(last.weekday() - _WEEKDAY[m.group(2)]) % 7)
    return last


def _day_with_weekday(text: str, today: date) -> date | None:
    """A day of this or last month named with its own weekday ("17号周二")."""
    for m in _DAY_AND_WEEKDAY.finditer(text):
        dom, weekday = (
            (_num(m.group(1)), m.group(2)) if m.group(1) else (_num(m.group(4)), m.group(3))
        )
        last = today.replace(day=1) - timedelta(days=1)
        for of in (today, last):
            day = _valid(of.year, of.month, dom)
            if day and day <= today and day.weekday() == _WEEKDAY[weekday]:
                return day
    return None


def _next_day(text: str, today: date, bare_days: bool) -> date | None:
    """ "上周五下了一天雨 第二天一早就…巡了": the day after the day named before 第二天."""
    if not (m := _NEXT_DAY.search(text)):
        return None
    before = text[: m.start()]
    day = None
    if weekdays := list(_WEEK_DAY.finditer(before)):  # the day of the rain, say, is meant here
        last = weekdays[-1]
        day = in_week(today, _WEEKS_BACK.get(last.group(1) or "", 0), _WEEKDAY[last.group(2)])
    elif before.strip():
        day = parse_day(before, today, bare_days)
        if day is None and bare_days and (paper := _PAPER_DAY.findall(before)):
            day = _valid(today.year, today.month, int(paper[-1]))  # "街道18号发的通知…第二天"
    later = timedelta(days=0 if m.group(1) in ("当天", "当日") else 1)
    if day is None or day + later > today:
        return None
    return day + later


_WEEKS_BACK = {"上上": 2, "上": 1}  # 上周五, 上上周一; none: this week's


def in_week(today: date, back: int, weekday: int) -> date:
    """The weekday (0 = Monday) of the week ``back`` weeks before today's."""
    return today - timedelta(days=today.weekday(), weeks=back) + timedelta(days=weekday)


def blank(text: str, start: int, end: int) -> str:
    """The text with ``start:end`` blanked out, every other index kept."""
    return text[:start] + " " * (end - start) + text[end:]


def months_back(today: date, n: int) -> date:
    """A day in the month ``n`` months before today's (today itself for 0)."""
    day = today
    for _ in range(n):
        day = day.replace(day=1) - timedelta(days=1)
    return day


def _num(text: str) -> int:
    """A day, month or count as written (3, 十一); 0 for a malformed one (十十), which no
    date or span accepts."""
    try:
        return cn_to_int(text)
    except (ValueError, KeyError):
        return 0


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# a late entry's day of the month said last ("打非治违 上周…查了两个无证加油点 补录一下 20号的")
_LATE_DAY = re.compile(
    r"(补录|补登|补报|补记)(一下)?[\s，,:：]*(是)?(\d{1,2})\s*[号日](的|那天|那次)?[\s。!！]*$"
)


def parse_day(text: str, today: date, bare_days: bool = True) -> date | None:
    """The day a report says the work was done, or None if it names none.

    A month-day or weekday without a year means the latest such day not after today.
    ``bare_days``: a bare day of the month before the work's verb ("20号开了安全会") counts;
    not in a message about a numbered hazard, where N号 is the hazard ("12号开的那家饭店…").
    Raises FutureDateError for a day after today.
    """
    for wrong in reversed(list(_NOT_THAT_DAY.finditer(text))):
        if _SAID_DAY.search(text, 0, wrong.start()):  # "是周五11月20号去的，不是周四"
            text = blank(text, wrong.start(), wrong.end())
    for fix in reversed(list(_CORRECTED.finditer(text))):  # the last correction naming a day
        tail = text[fix.end() :]
        if fix.group() == "不是" and (meant := re.search(r"[，,\s]*(而)?是", tail)):
            tail = tail[meant.end() :]  # "不是周四 是周三18号去的": what follows 是
        if (day := parse_day(tail, today, bare_days)) is not None:
            return day
        said = _SAID_BARE_DAY.match(tail)  # "日期不对 是18号不是16号": the 18th
        if said and (day := _valid(today.year, today.month, _num(said.group(1)))) and day <= today:
            return day
    if day := _day_with_weekday(text, today):
        return day
    if day := _weekday_of_named_week(text, today):
        return day
    if day := _weekday_of_month_week(text, today):
        return day
    if (day := _next_day(text, today, bare_days)) is not None:
        return day
    if day := _end_of_last_month(text, today):
        return day
    text = _without_missed_days(text)
    if _TODAY_AT_LAST.search(text):
        return today
    if (m := _FULL_DATE.search(text)) and not _AS_OF.search(text[: m.start()]):
        day = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _not_future(day, today)
    for m in _MONTH_NAMED_DAY.finditer(text):  # "上个月25号就把预案修订完了"
        if _AS_OF.search(text[: m.start()]):
            continue
        of = months_back(today, {"上上": 2, "上": 1}.get(m.group(1) or "", 0))
        day = _valid(of.year, of.month, _num(m.group(2)))
        if day and day <= today and not _BY.match(text, m.end()):
            return day  # never a deadline ("本月28号前报送") nor a day to come
    if (span := _DAY_SPAN.search(text)) and (day := _day_in_span(span, text, today)):
        return day  # "11月16到18号连着三天…18号下午全部采完": the 18th
    if (span := _DAY_SPAN.search(text)) and (
        _DAYS_OF_WORK.match(text, span.end()) or _SPAN_DONE.match(text, span.end())
    ):
        month = int(span.group(3) or span.group(1))  # "11月16号到18号 三天把…走了一遍": the 18th
        if (day := _valid(today.year, month, int(span.group(4)))) and day <= today:
            return day
    pair = _TWO_DAYS.search(text)
    if pair and _MISSED.search(text, pair.end(), pair.end() + _MISSED_WITHIN):
        pair = None  # "23号24号两天下雨没去成 今天补巡了": the days it was not done
    day = _valid(today.year, today.month, _num(pair.group(2))) if pair else None
    if day and day <= today:  # "12号13号两天 跑了18家出租屋": the 13th
        return day
    text = _DAY_SPAN.sub(lambda m: " " * len(m.group()), text)
    for pattern in (_MONTH_DAY, _SHORT_MD):
        if m := next(
            (
                m
                for m in pattern.finditer(text)
                if not _BY.match(text, m.end())
                and not (_WHEN_IT_CAME.match(text, m.end()) and _work_day(text[m.end() :]))
                and not _AS_OF.search(text[: m.start()])
                and not _DEADLINE_BEFORE.search(text[: m.start()])  # "时限是9月30号"
                and not (pattern is _SHORT_MD and _week_name(text, m))
            ),
            None,
        ):
            month, dom = _num(m.group(1)), _num(next(g for g in m.groups()[1:] if g))
            day = _valid(today.year, month, dom)
            if day and today < day <= today + SOON and "去年" not in text[: m.start()]:
                # a day to come ("12月10号的检查方案今天报给街道了"): the work's is another one
                # named, else there is none yet ("【巡查计划】11月26日…")
                rest = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
                if other := parse_day(rest, today, bare_days):
                    return other
                raise FutureDateError(day.isoformat())
            if day and day > today:
                day = _valid(today.year - 1, month, dom)
            return day
    if bare_days and (late := _LATE_DAY.search(text)):  # "…补录一下 20号的": the 20th
        day = _valid(today.year, today.month, int(late.group(4)))
        if not day or day > today:  # "补登 28号的" on the 25th: last month's
            before = months_back(today, 1)
            day = _valid(before.year, before.month, int(late.group(4)))
        if day:
            return day
    m = _work_day(text) if bare_days else None
    others = _LOGGED_TODAY.sub(" ", text[: m.start()] + " " + text[m.end() :]) if m else ""
    others = _NOTICE_DAY.sub(" ", others)  # "上礼拜三通知加密巡查 我20号就去跑了": the 20th
    if m and not _NAMED_OTHERWISE.search(others):  # "24号巡查了 今天才想起来登": the 24th
        day = _valid(today.year, today.month, _num(m.group(1)))
        if day and day <= today:  # "30号召开…" said on the 25th: a day to come, not it
            return day
    if found := _work_weekday(text):
        prefix, weekday, start = found
        back = _WEEKS_BACK.get(prefix, 0)
        if not prefix and (week := _LAST_WEEK.search(text[:start])) and "补上" not in text[start:]:
            # "上周的巡查其实周三就跑了", "上个礼拜的寻查 我是礼拜三克的", "上上周的巡查补登一下
            # 那天是周四": that week's
            back = _WEEKS_BACK[week.group(1)]
        day = in_week(today, back, weekday)
        if back == 0 and day > today:
            if prefix:
                raise FutureDateError(day.isoformat())
            if _COMING.search(text[:start]) and (relative := _relative(text, today)):
                return relative  # "昨天录完 说周五播": the bare weekday is still to come
            day -= timedelta(weeks=1)
        return day
    for word in sorted(_FUTURE, key=len, reverse=True):
        at = text.find(word)
        # not a day once planned ("本来说明天去巡查的 今天下午没事就提前跑了": fresh batch 199)
        if at >= 0 and not _PLANNED.search(text[max(0, at - 6) : at]):
            raise FutureDateError((today + timedelta(days=_FUTURE[word])).isoformat())
    return _relative(text, today)


_DAY_OF_MONTH = re.compile(rf"\s*{_NUM}\s*[号日]\s*(的|那天|完成的?|做的|搞的|去的)?\s*")


def day_of_month(text: str, today: date) -> date | None:
    """The day of this month that words which are nothing but a day name ("24号", the rest of
    ``/done 4.2.3 24号``); never a number among other words (3号院, 看了12号隐患). Raises
    FutureDateError for a day still to come."""
    if not (m := _DAY_OF_MONTH.fullmatch(text)):
        return None
    day = _valid(today.year, today.month, _num(m.group(1)))
    return _not_future(day, today)


# the work did not happen that day: "上周五下雨没去成 今天巡查了", "20号那次没能去"
_MISSED = re.compile(
    r"(?:没|莫|未|没有)\s*(?:能|得)?\s*(?:去|出去|空|时间|搞成|弄成|开成|办成|巡(?!查?出|查?到|查?发现))"
    r"|去不(?:成|了)|取消|改期|(?:推迟|改|挪)到"
)
_CLAUSE_END = re.compile(r"[，,。;；!！?？]")
_NAMED_DAYS = (_FULL_DATE, _MONTH_NAMED_DAY, _MONTH_DAY, _SHORT_MD, _WEEK_DAY)
_MISSED_WITHIN = 10  # characters from the day to the words that say it did not happen
# the day's own work or another day between ("上周五巡查了 二组没去", "上周五巡查的 没空报",
# "11月20日已复核合格 今天没去"): what did not happen is something else; not the work the day
# names ("上周五的巡查没能去")
_DONE_BETWEEN = re.compile(
    r"(已|过|今天|昨天|前天|现在|巡|检查|查看|去|克|开|搞|走访|入户|演练|培训|清|改|修|整|弄|做|交|报)"
)
_TOPIC = re.compile(r"^的[\u4e00-\u9fff]{1,4}")


def _without_missed_days(text: str) -> str:
    """The text with every named day blanked out that the same clause says the work did not
    happen on: the day is the reason, not when it was done ("11月20号那次没去成 今天去巡查了")."""
    days = sorted((m.start(), m.end()) for p in _NAMED_DAYS for m in p.finditer(text))
    for start, end in days:
        if _PLANNED.search(text[max(0, start - 6) : start]):  # "本来说上周五去巡查 下雨莫去成"
            text = blank(text, start, end)
            continue
        after = text[end : end + _MISSED_WITHIN]
        if stop := _CLAUSE_END.search(after):
            after = after[: stop.start()]
        missed = _MISSED.search(after)
        # not when another day comes first ("上周五巡查了 周六没去成")
        if (
            missed
            and not any(end <= other < end + missed.start() for other, _ in days)
            and not _DONE_BETWEEN.search(_TOPIC.sub("", after[: missed.start()]))
        ):
            text = blank(text, start, end)
    return text


# last week's work named before its weekday ("上周的巡查其实周三就跑了"), not last week as what
# kept it from being done ("上周请假了 周一回来才巡查的": this Monday)
_LAST_WEEK = re.compile(r"(上上|(?<!上)上)(个)?(周|星期|礼拜)的(巡查|寻查|巡察)")
# a day someone else's thing came ("上周一转来的举报件 前天办结了") or a day to come ("有人传周末
# 要地震"): not the work's
_NOT_THE_WORKS = re.compile(
    r"\s*(转来|转过来|报来|发来|下发|收到|交办|布置|派)的|\s*(要|将|会(?![议上后前场]))"
    # a deadline with the task after it ("请各社区周五前把巡查记录交上来": batch 213); not 前往,
    # nor a deed done before it ("上周三之前就巡查过了")
    r"|\s*(前|之前|以前)(?=\s*(把|要|得|须|需|务必|重新|报|交|完成|提交|上报|整改|改完|弄好|搞好|搞定|落实))"
    r"|\s*截止"
    # "上周五那场大雨过后，礼拜六去…" (not 上周五下了趟村)
    r"|\s*(那场|那天)?的?(大雨|暴雨|下雨|下了(一天|一夜|场)?(大)?雨|刮(大)?风|大风)"
)
# when a thing came or was taken in, with the work's own day after it ("上周三受理的那个举报件
# 今天办结回复群众了", "上周五街道发通知要更新名单 今天弄好交上去了")
_WHEN_IT_CAME = re.compile(
    r"\s*((受理|收到|接到|转来|交办|派来|发来|举报|投诉|反映)的那(个|份|件|张|批|起)"
    r"|(受理|收到|接到|接|转来|交办|派来|发来)的(举报|投诉|件|通知|文件|任务|单子)"
    r"|(接到|收到)[^，,。\s]{0,4}(举报|投诉|通知|电话)"
    r"|(街道|区里|市里|县里|镇里|上面|上级|领导)?\s*(发|下|转|来)?(了|的)?(个|份)?(通知|文件))"
)
_DAY_AFTER = re.compile(r"(今天|今早|今儿|昨天|昨晚|昨个|昨儿|夜儿个|前天|前儿)")
_NOTICE_DAY = re.compile(
    r"(上上|上|这|本)?\s*(周|星期|礼拜)[一二三四五六日天末1-7]\s*(街道|区里|上面)?\s*(通知|发通知)"
)
# "上周一到周三 三天把…采完": the last day of a run of days
_WEEKDAY_TO = re.compile(
    rf"\s*(?:到|至|-|—|~)\s*(?:(?:上|这|本)?(?:周|星期|礼拜))?\s*{_DAY_OF_WEEK}(?![组户家号村队栋楼个])"
)  # not "周二到五组入户走访了": went to group 5


def _work_weekday(text: str) -> tuple[str, int, int] | None:
    """The weekday the work was done on, as (上 / 上上 / 这 / "", weekday, where it is said):
    the end of a run of days; never one that only tells when something else came, nor one
    still to come."""
    for m in _WEEK_DAY.finditer(text):
        if _NOT_THE_WORKS.match(text, m.end()):
            continue
        if _WHEN_IT_CAME.match(text, m.end()) and (
            _DAY_AFTER.search(text, m.end()) or _WEEK_DAY.search(text, m.end())
        ):
            continue  # "上周二接的举报件 周四就办结了": Thursday
        prefix = m.group(1) or ""
        to = _WEEKDAY_TO.match(text, m.end())
        return prefix, _WEEKDAY[to.group(1) if to else m.group(2)], m.start()
    return None


def work_on_day(text: str) -> bool:
    """Whether a bare day of the month comes before the work's own verb ("20号开了安全会"), as
    ``parse_day`` reads one (so N号 there may be a day rather than a hazard)."""
    return _work_day(text) is not None


# a day with its time of day ("19日上午在连然小学操场…"): a day, whatever follows
_DAY_AT_TIME = re.compile(
    rf"(?<![\d.月年第号]){_NUM}\s*[号日]\s*(?:上午|下午|晚上|早上|中午|傍晚)(?!\s*(?:前|之前|以前))"
)
_THAT_DAY = re.compile(rf"(?<![\d.月年第号]){_NUM}\s*[号日]\s*(?:那天|当天)(?!\s*就)")


def _work_day(text: str) -> re.Match[str] | None:
    m = _DONE_ON_DAY.search(text) or _THAT_DAY.search(text) or _DAY_AT_TIME.search(text)
    if m and (m.group(0).endswith("的") or text.startswith("的", m.end())):
        return None if _MODIFIER.match(text, m.end()) else m  # "11号发的文件": the file's day
    return m


def opening_day(text: str, today: date) -> date | None:
    """The day of this month a completion report opens with ("20号主要领导带队检查了…"); None
    when it names none, or a day still to come ("30号召开…" is no report of the 30th)."""
    if not (m := _OPENING_DAY.match(text)):
        return None
    day = _valid(today.year, today.month, _num(m.group(1)))
    return day if day and day <= today else None


# 前个 as the day before yesterday only on its own before a deed ("前个整了一趟巡查"), not
# 前个月, 之前个别, 目前个, 门前个体户, 前个阶段
_DEED_AFTER = re.compile(r"[整搞去克巡就把开弄做交报]|晚上|下午|上午|早上")


def not_a_day(word: str, text: str, at: int) -> bool:
    """Whether a day word found at ``at`` is part of other words (前个月, 之前个别)."""
    if word != "前个":
        return False
    alone = at == 0 or text[at - 1] in " \t，,。我就是也"
    return not (alone and _DEED_AFTER.match(text, at + 2))


def _relative(text: str, today: date) -> date | None:
    """昨天, 前天, 今天 …: today's word wins ("昨天下雨没去成 今天巡查了"), unless today is
    only when it is logged ("前天补交了…今天才想起来登", "昨天巡查看到的 今天补报"); then the
    past one, except 昨晚, which tells when something happened ("昨晚大风…今早报了")."""
    found = []
    logged_today = bool(_LOGGED_TODAY.search(text))
    for word in sorted(_RELATIVE, key=len, reverse=True):
        while (at := text.find(word)) >= 0:
            if not_a_day(word, text, at):
                pass  # 前个月, 前个星期: no day
            elif not (word == "前两天" and _BEFORE_SOMETHING.search(text)):
                back = _RELATIVE[word]
                past_first = logged_today and back and word != "昨晚"
                found.append((0 if past_first else 1, back != 0 and not past_first, at, back))
            text = text[:at] + " " * len(word) + text[at + len(word) :]  # 大前天 is not 前天
    return today - timedelta(days=min(found)[3]) if found else None


# today named only as when it is written down: "今天才想起来登", "今天补报", "今天才有空报"
_LOGGED_TODAY = re.compile(
    r"(今天|今早|今儿|刚才|刚刚)\s*才?\s*(想起|有空|补报|补登|补录|来报|来登|登记|录入|拍照|拍的)"
)  # not "今天才去巡查的", "今天补上了", "今天才改好": the work itself is today's


def _day_in_span(span: re.Match[str], text: str, today: date) -> date | None:
    """A bare day named after a span of days and inside it: the day the work was finished."""
    month = int(span.group(3) or span.group(1))
    first = _valid(today.year, int(span.group(1)), int(span.group(2)))
    for m in _BARE_DAY.finditer(text, span.end()):
        day = _valid(today.year, month, int(m.group(1)))
        if (
            day
            and first
            and first <= day <= today
            and day.day <= int(span.group(4))
            and not _BY.match(text, m.end())  # "30号前交": a deadline
            and not _HAZARD_BEFORE.search(text[max(span.end(), m.start() - 4) : m.start()])
        ):
            return day
    return None


# "国庆前两天", "检查前两天": two days before something, not two days ago
_BEFORE_SOMETHING = re.compile(r"[\u4e00-\u9fff](?<![我们就是在都也了的])前两天")


def _not_future(day: date | None, today: date) -> date | None:
    if day and day > today:
        raise FutureDateError(day.isoformat())
    return day
