"""Message understanding: what a person means by a message (text and/or photo).

Intents: question (what does the rulebook require), done (a task was completed),
hazard (a new hidden danger), fix (a hazard was put right), checklist (what is still
open), help, unclear. The decision is made by rules over the words people use, in a
fixed order (commands, help, fix, checklist, hazard, done, question); the item of a
done report is matched against the person's own tasks. Nothing here writes anything.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from bot.chat import hazard_numbers
from bot.chat.asking_words import (
    CHECKLIST,
    GREETING,
    NOT_A_QUESTION,
    QUESTION,
    RULES_QUESTION,
    WHEN_ASKED,
    asks_help,
)
from bot.chat.intents import NUMBERED, Intent
from bot.chat.ledger_words import UNDO, fix_denied, ledger_intent, not_fixed
from bot.chat.report_words import (
    COMPLAINT_ANSWERED,
    DONE_WORDS,
    ENTERPRISE,
    FIX_ONLY,
    FIX_WORDS,
    FUTURE,
    GENERIC_DONE,
    HAZARD_WORDS,
    LATE_ENTRY,
    LATE_TOLD,
    MISSED_HAZARD,
    NEGATED,
    NO_HAZARD,
    REPAIR,
    REPORTED,
    SEVERE,
    SWAPPED,
    WEAK_HAZARD,
    told_before_plans,
)
from bot.schedule.dates import FutureDateError, day_of_month, opening_day, parse_day
from bot.schedule.deadline_words import parse_until
from bot.schedule.named_days import other_days
from bot.schedule.period_words import PeriodHint, parse_period, within
from bot.schedule.periods import period_for
from knowledge.model import Rulebook, Task, Unit
from knowledge.refs import find_refs
from knowledge.search import SearchIndex, SearchResult
from knowledge.textnorm import normalize

_COMMAND = re.compile(r"^/([a-z_]+)(?:@\w+)?(?:(?:\s+|(?=\d))(.*))?$", re.S)  # /fixed12 too
# "绑定 CODE": binding in words, for channels without a /start deep link (DingTalk)
_BIND = re.compile(r"^\s*绑定\s*[:：]?\s*([A-Za-z0-9]{6,12})\s*$")


def as_command(text: str) -> str:
    """A message that is a command in words, as the command (绑定 CODE → /start CODE)."""
    bind = _BIND.match(unicodedata.normalize("NFKC", text or ""))
    return f"/start {bind.group(1).upper()}" if bind else text


_HAZARD_REF = re.compile(
    r"(?:(?P<full>[\u4e00-\u9fff]{1,8}-20\d\d-\d{1,5})"
    r"|(?P<a>\d{1,4}|[一二三四五六七八九十]{1,3})\s*号\s*(?:隐患|问题)?"
    r"|第\s*(?P<b>\d{1,4}|[一二三四五六七八九十]{1,3})\s*(?:个|号|条|项|处)\s*(?:隐患|问题)?"
    r"|隐患\s*#?(?P<c>\d{1,4})\s*号?"
    r"|#(?P<d>\d{1,4}))"
)
# What a period named in the words ("上个月的", "这周的") adds to a task of that cadence when
# an item has tasks of several (4.2.3: the weekly patrol and the monthly record): more than
# the record's own words outscore the patrol's (巡查记录 + 记录 = 6 against 巡 + 巡查 = 3), so
# the period named decides: "上个月巡查台账忘了交" is October's record, "巡查记录(11.16-11.22)
# 已上传" and "5月12号那周的巡查记录" the patrol of that week (on tuned+dev, the 60 records
# that name a month are all labelled with that month, the 2 that name a past week with the
# week; with 0.5 the words decided and those 2 were read as November's record).
HINT_BONUS = 3.5
_FULL_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,8}-20\d\d-\d{1,5})")
# "前天报的7号 今天清走了", "就是昨天补报的58号": when the hazard was reported, not the day
# of the fix or the photo
_REPORTED_ON = re.compile(
    r"(大前天|前天|昨天|昨晚|前两天|前几天|上周[一二三四五六日天]?|今早|今天|刚才|"
    r"((上|这|本)个?月|\d{1,2}\s*月)?\s*\d{1,2}\s*[日号])\s*(补)?(报|上报|登记|发)的"
)  # unless the fix is of that day ("前天报的7号 当天就整改好了")
_FIXED_THAT_DAY = re.compile(r"当天.{0,3}(整改|改|修|弄|搞|整|清|拆|换|装|处理)(好|完|掉|走|了)")
# "巡查记录(11.16-11.22)已上传": a span of days, never a rulebook code
_DATE_RANGE = re.compile(
    r"\d{1,2}[.月]\d{1,2}[日号]?\s*[-~～至到]\s*(\d{1,2}[.月])?\d{1,2}[日号]?"
)


def _report_day(plain: str, today: date, command: bool) -> date:
    """The day a completion report names (dates.parse_day); in a slash command, words that are
    nothing but a day of the month (/done 4.2.3 24号); in words, a day it opens with
    (20号主要领导带队检查了…); else today. Raises FutureDateError for a day to come."""
    return (
        parse_day(plain, today)
        or (day_of_month(plain, today) if command else opening_day(plain, today))
        or today
    )


def days_offered(plain: str, today: date, day: date, hint: PeriodHint | None) -> tuple[str, ...]:
    """The other days a report names, offered beside ``day`` rather than chosen silently ("周一
    通知的 昨天就把物资盘完了"); when a period is named, the period is what counts and stays
    whichever the day, so only this week's days, when this week is named ("这周巡查寻了两次
    周一一次今天一次")."""
    if hint is not None and not (hint.every == "week" and within(hint, today)):
        return ()
    return tuple(
        d.isoformat() for d in other_days(plain, today, day) if hint is None or within(hint, d)
    )


def hint_anchor(hint: PeriodHint | None, task: Task, day: date) -> date:
    """The day whose period a report counts for: the period named when the task has that
    cadence, or a window ("6月安全生产月活动总结 今天才补交": June's), else the day done."""
    if hint and (hint.every == task.every or (task.window is not None and hint.every == "month")):
        return hint.anchor
    return day


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


# a place: a named village, road or estate, then the spot in it (楼道, 地下室, 3号楼, 门口 …)
_PLACE = re.compile(
    r"([\u4e00-\u9fff0-9]{1,10}?(村|社区|小组|组|路|街|巷|小区|园区|大道|市场|广场)"
    r"(?:[0-9一二三四五六七八九十]{1,3}(?:号楼|栋|幢|单元|号|楼|组)|东|西|南|北|"
    r"地下室|地下车库|车库|楼道|楼梯间?|门口|大门|旁边|后面|对面|里面|入口|出口|路口|"
    r"院子|院内|楼顶|天台|屋顶|巷子|停车场)*)"
)
_LEAD = re.compile(r"^(巡查|检查|今天|刚才|刚刚)?(发现|报告|反映)[:：,， ]*")
# the deadline as it was ("之前说月底前能改完的那个19号 … 得往后推推": fresh batch 197), not
# the one asked for
_OLD_DEADLINE = re.compile(
    r"(之前|原来|本来|原本|原定)(说|定|讲|是)?的?[^，,。\s]{0,3}"
    r"(月底|年底|周末|\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{1,2}\s*[号日])"
)
_BARE_WORDS = 8
MAX_CHOICES = 6  # choices offered at most (buttons on a phone)


@dataclass(frozen=True)
class Understanding:
    intent: Intent
    codes: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)  # candidate task ids, best first
    period: str | None = None
    date: str | None = None
    hazard: str | None = None
    confidence: float = 0.0
    text: str = ""
    command: str | None = None
    severity: str | None = None
    place: str = ""
    enterprise: str = ""
    error: str | None = None  # a texts.yaml key when the message cannot be taken as meant
    # other likely readings, best first, when the reader is not sure of this one
    alternatives: tuple[Intent, ...] = ()
    # a report's other days the work may have been done on (ISO, latest first), when the
    # message names several: offered beside ``date``, never chosen silently
    days: tuple[str, ...] = ()
    # other hazards named in one list with ``hazard`` ("26、27号…已完成整改"): all offered
    also: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "intent", Intent(self.intent))  # "done" → Intent.DONE

    max_choices = MAX_CHOICES

    @property
    def clarifies(self) -> bool:
        """Whether the reply is a question back (what do you mean? which item? which
        hazard?) rather than one proposed reading or a record."""
        if self.alternatives or self.also:
            return True
        if self.intent == Intent.DONE:
            return len(set(self.codes)) != 1
        if self.intent in NUMBERED:
            return self.hazard is None
        return False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in (
            "text",
            "place",
            "enterprise",
            "error",
            "command",
            "severity",
            "alternatives",
            "days",
        ):
            if not data[key]:
                data.pop(key)
        return data


@functools.lru_cache(maxsize=1024)
def _task_words(keywords: tuple[str, ...], name: str) -> frozenset[str]:
    """The words a report of a task may say (its keywords and name), normalised: every
    task's are needed for every message, so they are kept."""
    return frozenset(normalize(w) for w in (*keywords, name) if w)


def _unscored(rulebook: Rulebook, role: str | None) -> list[TaskMatch]:
    """The tasks of ``role`` (every task for none), each with score 0."""
    return [TaskMatch(u, t, 0.0) for u, t in rulebook.tasks() if not role or role in t.roles]


# the item of a completion report that names none: (text, day, period hint) -> reading
Ranker = Callable[[str, date, "PeriodHint | None"], "Understanding"]


@dataclass(frozen=True)
class TaskMatch:
    unit: Unit
    task: Task
    score: float


def best_tasks(scored: list[TaskMatch]) -> list[TaskMatch]:
    """The single best candidate when it clearly leads, else all tied at the top."""
    if len(scored) <= 1:
        return scored
    if scored[0].score > scored[1].score:
        return scored[:1]
    return [c for c in scored if c.score >= scored[0].score]


def task_score(text: str, task: Task, hint: PeriodHint | None) -> float:
    """How well a report's words name a task: the length of its words found, and more when
    the period named is of the task's cadence."""
    words = _task_words(task.keywords, task.name)
    score = float(sum(len(w) for w in words if w in text))
    if score and hint and hint.every == task.every and task.window is None:
        score += HINT_BONUS
    return score


class Understander:
    def __init__(
        self,
        rulebook: Rulebook,
        index: SearchIndex,
        search: Callable[[str], SearchResult] | None = None,
        commands: Mapping[str, Intent] | None = None,
    ) -> None:
        """``commands`` maps a slash command to the intent its words are read as (the
        command table's); any other command acts at once (Intent.COMMAND)."""
        self.rulebook = rulebook
        self.index = index
        self.search = search or index.search
        self.commands = dict(commands or {})
        self._owned: dict[str | None, list[TaskMatch]] = {}  # never changed once made

    def understand(
        self, text: str, role: str, has_photo: bool, today: date, period_of: Any = None
    ) -> Understanding:
        """``period_of(task, day) -> key`` maps a day to the task's period key (the
        schedule); without it the period is left out."""
        raw = (text or "").strip()
        norm = normalize(raw)
        if command := _COMMAND.match(norm):
            return self._command(
                command.group(1),
                (command.group(2) or "").strip(),
                role,
                has_photo,
                today,
                period_of,
            )
        if not norm:
            return Understanding(Intent.UNCLEAR, confidence=0.2 if has_photo else 0.0)
        return self.read_as(self.intent(norm, role, has_photo), raw, norm, role, today,
                             period_of)  # fmt: skip

    def read_as(
        self,
        intent: Intent,
        raw: str,
        norm: str,
        role: str,
        today: date,
        period_of: Any,
        ranked: Ranker | None = None,
    ) -> Understanding:
        """The message read as ``intent``: its item, day, hazard number, description.
        ``ranked`` finds the item of a completion report that names none."""
        if intent in NUMBERED:
            return self._numbered(intent, raw, norm, today)
        if intent == Intent.UNDO:
            return Understanding(Intent.UNDO, confidence=0.8, text=raw)
        if intent == Intent.HAZARD:
            return hazard_reading(raw, norm, today)
        if intent == Intent.DONE:
            return self._done(norm, role, today, period_of, explicit=False, ranked=ranked)
        if intent == Intent.QUESTION:
            found = self.search(raw)
            return Understanding(
                Intent.QUESTION, found.codes[:3], confidence=0.9 if found.found else 0.4, text=raw
            )
        return Understanding(intent, confidence=0.8 if intent != Intent.UNCLEAR else 0.2, text=raw)

    def intent(self, norm: str, role: str, has_photo: bool) -> Intent:
        content = re.sub(r"[\W_]+", "", norm)
        if not content or GREETING.match(norm):
            return Intent.UNCLEAR
        question = bool(QUESTION.search(NOT_A_QUESTION.sub("", norm)))
        if UNDO.search(norm) and not question:
            return Intent.UNDO
        if len(norm) <= 25 and asks_help(norm):
            return Intent.HELP
        if ledger := ledger_intent(norm, role, has_photo, question):
            return ledger
        if (
            (FUTURE.search(norm) or REPORTED.search(norm))
            and "已" not in norm
            and not (question and RULES_QUESTION.search(norm))  # "要地震了 这种谣言…咋个处理"
            and told_before_plans(norm) is None
        ):
            return Intent.UNCLEAR
        found = norm.startswith(("发现", "检查发现", "巡查发现")) or bool(
            re.search(r"发现(一|个|有|了)", norm)
        )
        unfixed = re.search(r"(没|未|还没)(有)?(销号|整改|改)", norm) or not_fixed(norm)
        if (
            FIX_WORDS.search(norm)
            and not question
            and not unfixed
            and not (found and not _HAZARD_REF.search(norm))
            and (_HAZARD_REF.search(norm) or "隐患" in norm or FIX_ONLY.search(norm))
        ):
            return Intent.FIX
        if (
            SWAPPED.search(norm)
            and not (question or unfixed or found)
            and not self.task_candidates(norm, None)
            and not self.search(norm).found
        ):
            return Intent.FIX
        late_hazard = LATE_TOLD.search(norm) and HAZARD_WORDS.search(norm)
        if (
            (found or MISSED_HAZARD.search(norm) or late_hazard)
            and not question
            and not NO_HAZARD.search(norm)
        ):
            return Intent.HAZARD
        if question and WHEN_ASKED.search(norm):
            return Intent.QUESTION  # "有震感的时候我们专干要做哪些": what the rules ask then
        if CHECKLIST.search(norm):
            return Intent.CHECKLIST
        negated = NEGATED.search(norm) and not LATE_ENTRY.search(norm)
        if negated:
            return (
                Intent.QUESTION if question and RULES_QUESTION.search(norm) else Intent.CHECKLIST
            )
        done = (DONE_WORDS.search(norm) or LATE_ENTRY.search(norm)) and not question
        no_hazard = bool(NO_HAZARD.search(norm)) and not re.search(r"(就是|但是|不过|只是)", norm)
        if done and COMPLAINT_ANSWERED.search(norm):
            return Intent.DONE  # "投诉 说鱼塘边没护栏的 已经回复办结": the complaint's handling
        if HAZARD_WORDS.search(norm) and not no_hazard and not question:
            return Intent.HAZARD
        if found and not question:
            return Intent.HAZARD
        if done or no_hazard:
            if GENERIC_DONE.match(content) and not has_photo:
                return Intent.UNCLEAR
            if REPAIR.search(norm) and not self.task_candidates(norm, None):
                return Intent.FIX
            return Intent.DONE
        if WEAK_HAZARD.search(norm) and not question and len(content) > 4:
            return Intent.HAZARD
        if question or find_refs(_DATE_RANGE.sub(_blank, norm), self.rulebook.is_code):
            return Intent.QUESTION
        if has_photo:
            return Intent.DONE if self.task_candidates(norm, None) else Intent.UNCLEAR
        return Intent.UNCLEAR

    def _command(
        self, name: str, args: str, role: str, has_photo: bool, today: date, period_of: Any
    ) -> Understanding:
        intent = self.commands.get(name, Intent.COMMAND)
        if intent == Intent.START and not args:
            intent = Intent.HELP
        if intent == Intent.DONE:
            return self._done(normalize(args), role, today, period_of, explicit=True, command=name)
        if intent in NUMBERED:
            u = self._numbered(intent, args, normalize(args), today, command=name)
            # /fixed N words: the words are the note; a command that acts at once (/verify,
            # /reject) is handed its arguments as typed
            if intent != Intent.FIX:
                return replace(u, text=args)
            if fix_denied(normalize(args)):  # "/fixed 22 老板说明天弄": the words deny it, so ask
                # (the words as typed, its number first, are what a tap reads again)
                return replace(u, alternatives=(Intent.UNCLEAR,), confidence=0.5, text=args)
            return u
        if intent == Intent.HAZARD:
            return hazard_reading(args, normalize(args), today, command=name)
        if intent == Intent.QUESTION:
            found = self.search(args) if args else None
            codes = found.codes[:3] if found else []
            return Understanding(Intent.QUESTION, codes, confidence=0.9, text=args, command=name)
        return Understanding(intent, confidence=1.0, text=args, command=name)

    # ---- done -------------------------------------------------------------------------

    def _done(
        self,
        norm: str,
        role: str,
        today: date,
        period_of: Any,
        explicit: bool,
        command: str | None = None,
        ranked: Ranker | None = None,
    ) -> Understanding:
        refs = find_refs(_DATE_RANGE.sub(_blank, norm), self.rulebook.is_code)
        plain = norm
        for ref in refs:  # a code such as 2-1-8 is not a date
            plain = plain[: ref.start] + " " * (ref.end - ref.start) + plain[ref.end :]
        if not command and (plans := told_before_plans(plain)) is not None:
            plain = plain[:plans]  # "…这周的巡查就算整完了 明天还要克街道开会": today's
        try:
            day = _report_day(plain, today, bool(command))
        except FutureDateError:
            return Understanding(
                Intent.DONE, confidence=0.5, text=norm, command=command, error="done.future_date"
            )
        hint = parse_period(plain, today)
        days = () if command else days_offered(plain, today, day, hint)
        unknown = next((r.code for r in refs if r.explicit and not r.exists), None)
        if unknown:
            return Understanding(
                Intent.DONE,
                [unknown],
                confidence=0.9,
                text=norm,
                command=command,
                error="done.unknown_code",
            )
        codes = list(
            dict.fromkeys(
                u.code for r in refs if r.exists for u in self.rulebook.units_under(r.code)
            )
        )
        if codes:
            units = [u for c in codes if (u := self.rulebook.unit(c))]
            candidates = [
                TaskMatch(u, t, 1.0) for u in units for t in u.tasks if role in t.roles or not role
            ]
            candidates = self.best(self.scored(norm, candidates, hint, day, period_of))
            if hint and len(of := [c for c in candidates if c.task.every == hint.every]) == 1:
                candidates = (
                    of  # "/done 4.2.3 10月": October's monthly record, not a week's patrol
                )
            confidence = 0.95 if len(candidates) <= 1 else 0.6
        elif ranked is not None:
            return replace(ranked(norm, day, hint), days=days)
        else:
            candidates = self.task_candidates(norm, role, hint, day, period_of)
            codes = list(dict.fromkeys(c.unit.code for c in candidates))
            best = candidates[0].score if candidates else 0
            clear = len(candidates) == 1 or (len(candidates) > 1 and candidates[1].score < best)
            confidence = 0.8 if clear else (0.5 if candidates else 0.3)
            if clear:
                candidates, codes = candidates[:1], [candidates[0].unit.code]
        tasks = [f"{c.unit.code}:{c.task.key}" for c in candidates]
        period = None
        if candidates and period_of is not None:
            anchor = hint_anchor(hint, candidates[0].task, day)
            period = period_of(candidates[0].unit, candidates[0].task, anchor)
        elif codes and not candidates and hint is not None:
            # evidence for an item with no task of the person's: the period named
            # ("/done 9.4 10月"), as for a report in words
            period = period_for(hint.every, hint.anchor).key
        return Understanding(
            Intent.DONE,
            codes,
            tasks,
            period,
            day.isoformat(),
            confidence=confidence,
            text=norm,
            command=command,
            days=days,
        )

    def _expanded(self, norm: str) -> str:
        """The text plus the rulebook words its homophone typos stand for (带对 → 带队)."""
        corrected = norm
        for span, word in self.index._homophones(norm):
            corrected = corrected.replace(span, word)
        return norm + " " + corrected

    def scored(
        self,
        norm: str,
        candidates: list[TaskMatch],
        hint: PeriodHint | None,
        day: date | None,
        period_of: Any,
    ) -> list[TaskMatch]:
        text = self._expanded(norm)
        out = []
        for c in candidates:
            score = c.score + task_score(text, c.task, hint)
            if c.task.window is not None and day and period_of is not None:
                score += 1.0 if period_of(c.unit, c.task, day) else 0.0
            out.append(c if score == c.score else TaskMatch(c.unit, c.task, score))
        return sorted(out, key=lambda c: -c.score)

    best = staticmethod(best_tasks)

    def task_candidates(
        self,
        norm: str,
        role: str | None,
        hint: PeriodHint | None = None,
        day: date | None = None,
        period_of: Any = None,
    ) -> list[TaskMatch]:
        """The person's tasks that the report names, best first: by the words people use
        for each task, else by the rulebook unit the text is about."""
        if role not in self._owned:  # the same for every message: kept per role
            self._owned[role] = _unscored(self.rulebook, role)
        owned = self._owned[role]
        scored = [m for m in self.scored(norm, owned, hint, day, period_of) if m.score >= 1]
        if not scored or scored[0].score < 2:
            found = self.search(norm)
            codes = found.codes[:3] if found.found else []
            for rank, code in enumerate(codes):
                bonus = 2.0 - rank * 0.5
                scored += [TaskMatch(m.unit, m.task, bonus) for m in owned if m.unit.code == code]
            scored = self.scored(norm, scored, hint, day, period_of) if scored else []
        if not scored:
            return []
        top = scored[0].score
        return [m for m in scored if m.score >= top - 0.5]

    def _numbered(
        self,
        intent: Intent,
        raw: str,
        norm: str,
        today: date,
        command: str | None = None,
    ) -> Understanding:
        """A message about one hazard: its number (a full number 连然-2026-0012 wins over a
        bare one, which is never part of a date), and for more time the day asked for."""
        ref = hazard_numbers.find_acted(norm)
        note = raw
        if command:
            m = re.match(r"^\s*(\S+)\s*(.*)$", norm, re.S)
            lead = hazard_numbers.find(m.group(1), leading=True) if m else None
            note = (m.group(2) or norm) if m and lead else norm
            # "/fixed 18 改好了 20号还没动": the command's own number, unless the words
            # correct it ("/fixed 21 打错了 是12")
            ref = hazard_numbers.corrected(note) or lead or ref
        when: date | None = None
        if intent == Intent.EXTEND:
            asked = _OLD_DEADLINE.sub(" ", norm.replace(ref or "\0", " ", 1))
            when = parse_until(asked, today)
        else:
            try:
                same_day = _FIXED_THAT_DAY.search(norm)
                plain = norm if same_day else _REPORTED_ON.sub(" ", norm)
                if ref and ref.isdigit():  # "打错了 是12号": the hazard, not the 12th
                    plain = re.sub(rf"(?<![\d.月/-])0*{ref}\s*号", " ", plain)
                when = parse_day(plain, today, bare_days=False)
            except FutureDateError:
                when = None
        return Understanding(
            intent,
            hazard=ref,
            date=when.isoformat()
            if when
            else (None if intent == Intent.EXTEND else today.isoformat()),
            confidence=0.9 if ref else 0.5,
            text=note,
            command=command,
        )


def hazard_reading(raw: str, norm: str, today: date, command: str | None = None) -> Understanding:
    """A new hazard as its words tell it: the description without its lead (发现…), the day
    found (today when none is said, or one still to come), the place, the enterprise and how
    severe."""
    description = _LEAD.sub("", raw.strip()) or raw.strip()
    enterprise = ENTERPRISE.search(description)
    place = _PLACE.search(description)
    try:
        day = parse_day(norm, today) or today
    except FutureDateError:
        day = today
    return Understanding(
        Intent.HAZARD,
        date=day.isoformat(),
        confidence=0.8 if description else 0.3,
        text=description,
        command=command,
        severity="重大" if SEVERE.search(norm) else "一般",
        place=place.group(1) if place else "",
        enterprise=enterprise.group(1) if enterprise else "",
    )
