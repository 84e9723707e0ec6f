"""Hazard numbers as people write them: 3号, 第12号, #7, 十一号, 三十七号, 【9】, No.4, 编号26,
序号17, 隐患单号38, 0012, 连然-2026-0012, "前天报的7号", "那个12".

Invariant: a number that is part of a date (11月3号, 3号那天), a count (跑了5家, 3个) or an
address (12号楼, 5号院) is never taken for a hazard number. ``find`` returns the reference
as a string the ledger resolves: the full number when written in full, else the digits.
"""

from __future__ import annotations

import re

from knowledge.textnorm import cn_to_int

_CN = "零〇一二两三四五六七八九十百"
_NUM = rf"(\d{{1,5}}|[{_CN}]{{1,4}})"
_FULL = re.compile(
    r"([\u4e00-\u9fff]{1,8})(?:\s*-\s*(20\d\d)\s*-\s*(\d{1,5})|(20\d\d)\s*-\s*(0\d{3}))"
)  # 连然-2026-0012, and 连然2026-0057 with its number padded (never 今天2026-11)
# a word that names what follows as a hazard number
_KEYED = re.compile(
    r"(?:隐患(?:单|编)?号|整改单号|单号|编号|序号|[Nn][Oo]\s*[.．:：]?|[#＃]|隐患|"
    # a bare 号 said to be a number ("木料全部挪开了 号是50")
    r"(?<![\u4e00-\u9fff\w])号(?=\s*(?:应该|应当)?\s*(?:是|为)))\s*[:：]?\s*"
    r"(?:(?<=号)\s*(?:应该|应当)?\s*(?:是|为)\s*)?"  # "编号是26", "单号为 12", "编号应该是51"
    rf"{_NUM}(?![\d{_CN}]|\s*[个家处人次份条日天年点时分]|月|\s+月(?![底初中末]))"  # No.50 月底前
)
_BRACKET = re.compile(rf"[【\[［]\s*{_NUM}\s*号?\s*[】\]］]")
# 第12号, 第12个隐患, and a bare 第39 before a space or a stop ("第39 仓库的货码好了")
_ORDINAL = re.compile(rf"第\s*{_NUM}(?:\s*(?:号|个|条|处)(?:隐患|问题)?|(?=\s|[,，:：、。]|$))")
# words after N号 that make it a day (3号那天, 5号前, 10号上午, 8号到12号)
_DAY_AFTER = (
    r"\s*(?:那天|当天|之前|以前|{before}|之后|以后|后|上午|下午|晚上|早上|中午|左右|开始|"
    r"到|至|-|—|~)"
)
# a day a deadline is moved to ("0040 可以延到30号", "推迟到15号"): never the hazard's number
_DEADLINE_TO = r"(?<![延推限]到)(?<!期到)(?<!迟到)(?<![延期推]至)"
# N号 that is a hazard: not a date (月/日 before, 那天/前/之前 after) nor an address
_HAO = re.compile(
    rf"(?<![月年\d{_CN}路街巷])(?<!周)(?<!星期)(?<!\d[.．]){_DEADLINE_TO}{_NUM}\s*号"
    r"(?!(?:楼|院|门|线|地块|铺|床|机|库|仓|车|厂|棚|桩|柜|箱|位|房(?!东)|台|井|杆|窗|口|巷|街|路)|"
    + _DAY_AFTER.format(before="前")
    + ")"
)
# "57号楼顶的纸箱子清走了", "43号厂房 申请延期": at the start of a message about a numbered
# hazard (a fix, a decision, more time, more photos), N号 before a place word is the hazard;
# "46号前几天就弄好了" too, while "23号前一天" and "3号前" stay dates
_LEADING_HAO = re.compile(
    rf"^\s*(?:那个|那条|前天报的|昨天报的|之前报的)?{_NUM}\s*号"
    + "(?!"
    + _DAY_AFTER.format(before="前(?![几两]天)").replace("当天|", r"当天(?!\s*就)|")
    + ")"
)  # ... and "7号 当天就整改好了": fixed the day it was reported
_THAT = re.compile(
    rf"那(?:个|条|处)\s*(\d{{1,4}}(?!\d)(?![个家处人次份条月日天年点时分楼栋组户村队层米])"
    rf"|[{_CN}]{{1,4}}(?=号(?!楼|院|线|地块|门)|\s|[,，。:：、]|$))"
)  # "那个12 清走了", "那个十七 护栏装好了", "那个48 楼梯间…"; not 那个三组, 那个5楼
# a zero-padded number standing alone ("同意销号 0017"): a hazard's, as numbers are shown
_PADDED = re.compile(
    r"(?:^|(?<=[\s,，:：、]))(0\d{2,4})(?=$|[\s,，。:：、的号])(?!\s*(房|室|号房|单元))"
)
_PADDED_00 = re.compile(
    r"(?<![\d.:：/-])(?<!门牌)(?<!房号)(00\d{2})(?![\d.:：/-])"
)  # 补一张0018的照片
# a padded number said digit by digit by voice ("零零四四复核没问题 销掉": 0044), read as 0044 is:
# four digits, the first two zeros, as numbers are shown; never a time (九点零五), a length (一米
# 零五), a room or a building (零三室, 零二号楼)
_SPOKEN_DIGITS = "零〇一二三四五六七八九"
_PADDED_SPOKEN = re.compile(
    rf"(?<![{_CN}\d点米])([零〇]{{2}}(?:[零〇][一二三四五六七八九]|[一二三四五六七八九][{_SPOKEN_DIGITS}]))"
    r"(?![零〇一二三四五六七八九十百\d]|\s*[个家处人次份条日天年点时分月楼栋组户层米室幢单期]|\s*号\s*[楼院房室栋])"
)
_LEADING = re.compile(rf"^\s*(?:(0\d{{1,4}})(?!\d)|(\d{{1,3}}|[{_CN}]{{1,4}})(?=\s|[,，:：、]|$))")
_DATE_AFTER = re.compile(r"^\s*[./月-]\s*\d")


def _value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if _PADDED_SPOKEN.fullmatch(text):
        return int("".join(str("零一二三四五六七八九".index(c.replace("〇", "零"))) for c in text))
    try:
        return cn_to_int(text)
    except (ValueError, KeyError):
        return None


# what is done to a hazard, by the action: the number right before it is the one meant
# ("…跟50号是一个 52作废", "2号退回 1号复核通过")
_ACTION_WORDS = {
    "void": "作废|删|不要了|撤销|撤掉|撤了|撤回|报重复",
    "verify": "销号|复核通过|复查通过|验收|合格|通过",
    "reject": "退回|打回|驳回|重新整改|重改|不合格|不通过",
    "extend": "延期|延到|宽限|推迟",
}


# hazards named as a list with one action ("26、27号隐患已完成整改", "3号和5号都复核通过"): not
# a month's days (11月3、4号), nor buildings (3、4号楼)
_LISTED = re.compile(
    rf"(?<![月年\d{_CN}.])(?:{_NUM}\s*号?\s*(?:、|和|跟|及|与)\s*)+{_NUM}\s*号"
    r"(?!\s*(?:楼|栋|院|组|门|线|床|房|车间|仓库|厂房|地块|铺|商铺|店|门面|摊|两天|那两天|这两天|几天|做|搞|弄|整|去|来))"
)  # nor days (23、24号两天…, 20、21号做完了)
_OTHER_HAZARD = re.compile(rf"{_NUM}\s*号?\s*隐患|隐患\s*{_NUM}")


def listed(text: str) -> list[str]:
    """The hazards a message names as one list with a single action, in order; [] when
    there is no such list."""
    m = _LISTED.search(text)
    if m is None:
        return []
    rest = text[: m.start()] + " " + text[m.end() :]
    if _OTHER_HAZARD.search(rest):  # "23、24号两天把3号隐患整改完了": 3 is the hazard
        return []
    numbers = re.findall(rf"\d{{1,5}}|[{_CN}]{{1,4}}", m.group(0))
    values = [v for n in numbers if (v := _value(n)) and 0 < v < 100000]
    return [str(v) for v in dict.fromkeys(values)] if len(set(values)) > 1 else []


def acted_on(text: str, action: str) -> str | None:
    """When a message names more than one hazard ("29号和31号是同一家，31号作废"), the one
    that the action's own word follows; None when it names one, or the words do not tell."""
    words = _ACTION_WORDS.get(action)
    if words is None:
        return None
    seen = {_value(m.group(1)) for m in _HAO.finditer(text)}
    seen |= {_value(m.group(1)) for m in _KEYED.finditer(text)}
    seen |= {_value(m.group(1)) for m in _BRACKET.finditer(text)}
    if len(seen - {None, 0}) < 2:
        return None
    after = re.compile(rf"(?<![\d{_CN}]){_NUM}\s*号?\s*(?:隐患)?\s*(?:{words})")
    # a void's word before its number ("…重复了 删掉20号"); for the others it may end the
    # clause of the number before ("2号退回 1号复核通过")
    before = re.compile(rf"(?:删掉|删除|作废|撤销|撤掉)(?:第)?{_NUM}(?:\s*号|(?=\s*$))")
    patterns = (after, before) if action == "void" else (after,)
    found = [(m.start(), _value(m.group(1))) for p in patterns for m in p.finditer(text)]
    acted = [v for _, v in sorted(found) if v in seen]
    return str(acted[-1]) if acted else None


# a number that opens a clause ("18号改好了 20号还没动"), not one inside it ("上次23号去",
# "昨天24号复查", "已于24号整改"), nor one followed by a visit ("26号去看还没改"): a date
_CLAUSE_START = re.compile(r"(?:^|(?<=[\s,，。;；、!！?？]))")
_VISIT_AFTER = re.compile(r"^\s*(?:去|来|再|又|复查|检查|查看|看|到|那天|当天|上午|下午)")


def mentions(text: str) -> list[tuple[int, int]]:
    """Where clauses of the message open with a hazard number (N号, 编号N, 【N】), as
    (start, number), in the order written; numbers that may be days are left out."""
    spots = {
        m.start(): value
        for pattern in (_HAO, _KEYED, _BRACKET)
        for m in pattern.finditer(text)
        if (value := _value(m.group(1)))
        and _CLAUSE_START.match(text, m.start())
        and not _DATE_AFTER.match(text[m.end() :])
        and not _VISIT_AFTER.match(text[m.end() :])
    }
    return sorted(spots.items())


def find(text: str, leading: bool = False) -> str | None:
    """The hazard a message names, or None. ``leading``: a bare number at the start
    ("12 已处理好") counts too (only when the message is known to be about a hazard)."""
    if m := _FULL.search(text):
        return f"{m.group(1)}-{m.group(2) or m.group(4)}-{int(m.group(3) or m.group(5)):04d}"
    for pattern in (_KEYED, _BRACKET, _ORDINAL, _HAO, _THAT, _PADDED, _PADDED_00, _PADDED_SPOKEN):
        for m in pattern.finditer(text):
            if _DATE_AFTER.match(text[m.end() :]) and pattern is not _BRACKET:
                continue
            value = _value(m.group(1))
            if value is not None and 0 < value < 100000:
                return str(value)
    if leading and (m := _LEADING.match(text)) and not _DATE_AFTER.match(text[m.end() :]):
        value = _value(m.group(1) or m.group(2))
        return str(value) if value else None
    return None


# what may come before a number that opens a message: "前天报的7号", "之前登记的那个12号"
_REPORTED_LEAD = re.compile(
    r"\s*(?:(?:前天|昨天|之前|上次|上周|刚才|今天)?\s*(?:报|登记)的\s*(?:那个|那处)?\s*)?"
)


def opens_with(text: str) -> bool:
    """Whether the message opens with a hazard's number, in any form ``find`` knows
    ("1号…", "前天报的7号…", "第12号", "【9】", "No.8", "隐患单号12", "连然-2026-0012")."""
    at = lead.end() if (lead := _REPORTED_LEAD.match(text)) else 0
    return any(
        (m := pattern.match(text, at)) is not None and not _DATE_AFTER.match(text[m.end() :])
        for pattern in (_FULL, _KEYED, _BRACKET, _ORDINAL, _HAO)
    )


_CORRECTED = re.compile(
    r"((不对|不是不是|说错了|搞错了|记错了|打错了)[\s,，。]*(是|应该是)?|(哦|噢|喔)[\s,，。]*(是|应该是)|"
    r"我说的是|更正[\s,，。:：]*(是|应该是)?)"  # "十一号没改 我说的是十号整该好了": 10
)
# the hazard named as the one reported ("老村5号那户的软管换了 就是前天报的二十一号"): that one
_NAMED_AS_REPORTED = re.compile(
    rf"就是\s*(?:前天|昨天|之前|上次|上周|刚才)?\s*(?:报|登记|上报)的\s*(?:那个)?\s*{_NUM}\s*号"
)


# a place in a list of one's reports ("两条里第二条"), then the number it is
_LIST_PLACE = re.compile(rf"第\s*{_NUM}\s*(?:条|个)(?!隐患)")
_IS_NUMBER = re.compile(
    rf"是\s*{_NUM}\s*号(?![楼院栋幢单元层室户门铺])(?!\s*(?:报|发现|那天|当天|登记|上报|前|之前))"
)  # not "是20号报的": the day it was reported


def corrected(text: str) -> str | None:
    """The number a message corrects to ("二十号 不对 二十一号 卖散装油那家…": 21; "/fixed 21
    打错了 是12": 12), else None (not "哦是17号楼的那家": a building)."""
    if (fixed := _CORRECTED.search(text)) and (found := find(text[fixed.end() :], leading=True)):
        return found
    return None


def find_acted(text: str) -> str | None:
    """The hazard a message about a numbered hazard acts on: as ``find`` with a leading bare
    number, and a leading N号 even before a place word ("57号楼顶的纸箱子清走了")."""
    if found := corrected(text):
        return found
    if (named := _NAMED_AS_REPORTED.search(text)) and (value := _value(named.group(1))):
        return str(value)
    if _LIST_PLACE.search(text) and (named := _IS_NUMBER.search(text)):
        return str(_value(named.group(1)))  # "前天报的两条里第二条报重复了 是56号": 56
    if found := find(text, leading=True):
        return found
    if (m := _LEADING_HAO.match(text)) and not _DATE_AFTER.match(text[m.end() :]):
        value = _value(m.group(1))
        return str(value) if value and 0 < value < 100000 else None
    return None
