"""Item references as people write them: 二、1（5）, 2.1.5, 2-1-5, 第二部分第1项第5条, 五（3）…

A reference names up to three numbers (section, item, clause). Which number is which is
decided by the rulebook's own structure: section 五 has clauses but no items, so 五（3）
and 5.3 are both clause 3 of section 5.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.textnorm import cn_to_int, normalize

_N = r"(?:\d{1,2}(?!\d)|[一二三四五六七八九十]{1,3})"
_SEP = r"[.\-_、,，。·\s]"
REF_RE = re.compile(
    rf"""
    (?<![\d.])
    (?P<pre>第)?(?P<a>{_N})(?P<amark>部分|大项|项|条|{_SEP})?
    (?:\s*第?(?P<b>{_N})(?P<bmark>小项|项|条|款|[.\-_、,，。·])?)?
    (?:(?:\s+(?=[(第]))?第?(?P<copen>\()?(?P<c>{_N})(?P<cclose>\)|条|款)?)?
    """,
    re.VERBOSE,
)
_REF_ONLY_NOISE = re.compile(r"[是啥什么讲的说内容要求条款规定请问一下吗呢?？!！:：\s]+")


@dataclass(frozen=True)
class Ref:
    """A reference found in a text: the code it names and whether that code exists."""

    code: str
    exists: bool
    explicit: bool  # written so that it can only be a reference (e.g. 2.1.5, 二、1（5）)
    start: int
    end: int


def _numbers(m: re.Match[str]) -> list[int]:
    values = [m.group(g) for g in ("a", "b", "c")]
    return [cn_to_int(v) for v in values if v]


def _strength(m: re.Match[str], whole: bool) -> int:
    """2: can only be a reference; 1: a reference if such a code exists; 0: not one."""
    a, amark, b, c = m.group("a"), m.group("amark"), m.group("b"), m.group("c")
    marked = bool(amark and amark.strip())
    chinese_head = not a.isdigit()
    if whole or (b and c) or (m.group("copen") and (b or chinese_head)):
        return 2
    if m.group("pre") and amark in ("部分", "项", "大项"):
        return 2
    if chinese_head and (amark == "、" or (b and (marked or amark is None))):
        return 2
    if b and marked:
        return 1
    return 0


def find_refs(text: str, is_code: Callable[[str], bool]) -> list[Ref]:
    """All references in ``text``, each mapped to a code and checked with ``is_code``.

    The document numbers only the levels it has, so the numbers joined by dots are the
    code itself (五（3） → 5.3). Two bare Arabic numbers (5.12, 11.6) are often dates:
    they count only when such a code exists.
    """
    norm = normalize(text)
    whole_noise = _REF_ONLY_NOISE.sub("", norm)
    refs: list[Ref] = []
    pos = 0
    while m := REF_RE.search(norm, pos):
        pos = m.end()
        if _a_count(norm, m):  # "补报一条 8.2.1的": the count, then what follows it
            pos = m.start("b")
            continue
        if _not_a_ref(norm, m):
            continue
        whole = _REF_ONLY_NOISE.sub("", m.group(0)) == whole_noise
        strength = _strength(m, whole)
        if not strength:
            continue
        try:
            code = ".".join(str(n) for n in _numbers(m))
        except ValueError:  # no number (二二, 十十): no reference
            continue
        exists = is_code(code)
        if exists or strength == 2:
            refs.append(Ref(code, exists, strength == 2, m.start(), m.end()))
    return refs


_WEEK = re.compile(r"(周|星期|礼拜)$")
_AGENDA = re.compile(r"\s*(议题|议程)")
_DATE_AFTER = re.compile(r"\s*(月|号|日)")  # "补报一条8月20号的巡查": a count, then a date
# "预案…里面第5.2条", "合同中第3条": a clause of another document, not of the rulebook
_INSIDE_DOC = re.compile(
    r"(预案|方案|制度|办法|规程|合同|协议|手册|责任书|承诺书)([^，。,;；!！?？]{0,8}(中|里)|"
    r".*(里面|里头|里边|当中|其中))\s*$"
)
_RULEBOOK_WORDS = re.compile(r"(考核|考评|评分|细则|要点|标准)")


def _a_count(text: str, m: re.Match[str]) -> bool:
    """ "补报一条 8月20号", "补登一条 10月22号": a count of entries (一条, 一项) before a
    number of its own, no reference."""
    a, amark = m.group("a"), m.group("amark")
    if m.group("pre") or a != "一" or amark not in ("条", "项") or not m.group("b"):
        return False
    between = text[m.end("amark") : m.start("b")]
    return between.isspace() or (not between and bool(_DATE_AFTER.match(text, m.end("b"))))


def _not_a_ref(text: str, m: re.Match[str]) -> bool:
    """A weekday and a day (周四11月19号, 星期三12号) or a number said twice (一条一条核过了,
    一项一项): no reference."""
    if not m.group("a").isdigit() and not m.group("pre") and _WEEK.search(text[: m.start()]):
        return True
    if _AGENDA.match(text, m.end()):  # "安全生产列为第一项议题": the agenda's first item
        return True
    inside = m.group("pre") and not m.group("c") and _INSIDE_DOC.search(text[: m.start()])
    if inside and not _RULEBOOK_WORDS.search(text[max(0, inside.start() - 6) : m.start()]):
        return True
    a, amark = m.group("a"), m.group("amark")
    same = a == m.group("b") and amark == m.group("bmark")
    return same and not a.isdigit() and amark in ("条", "项")
