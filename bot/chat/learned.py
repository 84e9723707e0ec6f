"""The message reader with its learned model: the rules' signals and the words go into a
linear model (bot/chat/intent_model.py) that chooses the intent, and a second one that ranks
the item of a completion report; the rules read everything else (numbers, dates, places).

Invariants: a refusal or a negation is never read as the positive action (整改不了 is never a
fix, 退回 never a verification); only the street office verifies or sends back; when the
model is not sure of a recording intent, the likely readings go along and the reply asks.
Slash commands and guests are read by the rules alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from bot.chat import hazard_numbers
from bot.chat.asking_words import CHECKLIST, NOT_A_QUESTION, QUESTION, asks_help
from bot.chat.doubts import _NOT_YET, second_reading
from bot.chat.intent_model import LinearModel, ReaderModel, features
from bot.chat.intents import NUMBERED, RECORDING, Intent
from bot.chat.item_cues import ITEM_CUES
from bot.chat.ledger_words import (
    NOT_EXTEND,
    NOT_SENT_BACK,
    NOT_VOID,
    fixed_apart,
    ledger_signals,
    not_fixed,
)
from bot.chat.report_words import (
    DONE_WORDS,
    FIX_WORDS,
    FUTURE,
    HAZARD_WORDS,
    LATE_ENTRY,
    NEGATED,
    NO_HAZARD,
    REPAIR,
    REPORTED,
    WEAK_HAZARD,
    generic_done,
)
from bot.chat.understand import (
    _COMMAND,
    TaskMatch,
    Understander,
    Understanding,
    hint_anchor,
)
from bot.records.hazards import CODE_BY_ROLE
from bot.schedule.dates import work_on_day
from bot.schedule.period_words import PeriodHint
from bot.schedule.periods import period_for
from knowledge.textnorm import normalize

# Below this probability of its best intent the reader asks (a recording intent) or leaves
# the choice to the rules (anything else); readings at least ALTERNATIVE likely are offered
# beside it; an item at least ITEM_SURE likely is proposed alone, else up to ITEM_CHOICES
# are offered. Chosen by cross-validation on tuned+dev (README, "Message understanding").
# ITEM_SURE was 0.5 until the leave-batches-out dev dump of batches 1-143: its reports whose
# item was 0.5-0.6 likely were 40, 6 of them the wrong item (15 %; 0.13 % of those above
# 0.95), so they are asked about, the likely items offered, for 34 right ones asked.
INTENT_SURE = 0.6
ALTERNATIVE = 0.1
ITEM_SURE = 0.6
# ... and a report whose second item is at least this likely is asked about too, both offered
# ("请市融媒体拍了岁末年初隐患排查的片子 昨晚市台播了": 3.3.2 0.63 against 2.2.5 0.37, fresh batch
# 211, dev). Read before use by each session's starting reader, the dev rows of batches 112-199
# had 15 such sure reports among 2,898, 2 of them the wrong item (of 9 wrong items in all).
ITEM_RIVAL = 0.3
# A report or a hazard less likely than this is offered with the next readings even when the
# rules read it too: on the cross-validated dev dump, 0.7 turned 7 wrong proposals (all a
# report read as a hazard or the reverse) into questions for 5 items lost at rank 1.
PROPOSE_SURE = 0.7
_DONE_OR_HAZARD = frozenset({Intent.DONE, Intent.HAZARD})
# A fix, photo, decision, void or extension of a numbered hazard less likely than this is
# asked about even when the rules read it too. Read before use by the readers of the time,
# the fresh batches' dev rows (18-39, 3,082 messages) had 48 such readings under 0.9, 11 of
# them wrong (a half-done fix, more photos read as the fix, a promise read as done), against 5
# wrong of 714 above it; asking there cut their wrong records 56 -> 44 for no item lost at rank 1
# (leave-batches-out dev: 20 -> 15). PROPOSE_SURE raised to 0.9 as well cut 4 more for 2
# points of item@1, so it stays.
NUMBERED_SURE = 0.9
# A hazard whose next reading is a report of work (a round that saw things) is asked about
# below this: on the leave-batches-out dev dump of batches 1-115, hazards under 0.9 with a
# report next were 8 wrong proposals (rounds read as hazards) against 35 right ones; hazards
# with any other reading next, 1 against 35, so those stay as they are.
HAZARD_OR_REPORT = 0.9
ITEM_CHOICES = 4
# The confidence of an item found in a slash command's words: below what makes the command
# act at once (0.9, bot/chat/task_reports.py), so the reading is confirmed with one tap.
COMMAND_WORDS = 0.6

# the work a report corrects itself to ("刚才说的应急物资 说错了 是志愿者队伍名单 更新好了": fresh
# batch 181, dev): its item is read from the words after the correction
_ITEM_CORRECTED = re.compile(r"(说错了|搞错了|记错了|弄错了|打错了|不对)[\s，,。]*(应该)?是")
_DAY_CHARS = re.compile(r"[\d\s.月日号周年前昨今天不是的那一二三四五六七八九十礼拜星期上下]")
# the last entry kept, not taken back ("刚才那条不用撤回 是对的")
_KEEP_IT = re.compile(r"(不用|不要|别|不|莫|无需|不必)\s*(撤回|撤销|撤|删除|删掉|删)")


# The weekly patrol is what most of an officer's reports are about, so the item model leans to
# it: it is proposed alone only when the words tell of a patrol, a check or its record; else
# the likely items are offered (cross-validated dev: 5 of 16 wrong items asked back instead,
# for 2 of 639 right ones; items among the choices 0.972 -> 0.980).
_PATROL = re.compile(
    r"(巡查|巡检|寻查|巡察|检查|查了|查看|看了|跑了|走了|转了|走访|排查|巡了|巡逻|查一|查过|摸排|巡山|"
    r"入户|上门|巡查记录|台账|记录表)"
)
# A patrol named as one: beside an item's own words it keeps the report the officer's patrol
# ("今天巡查了… 电视台的记者跟着拍了"); a plain 看了 does not ("宏观观测 今天看了 温泉水温42度"
# is 9.4's observation: fresh batch 177, dev).
_NAMED_PATROL = re.compile(r"(巡查|巡检|寻查|巡察|巡了|巡逻|排查|摸排|巡山|检查了|跑了|走访|入户)")
# A patrol of geological-hazard points is 6.2's, not the weekly grid patrol's (fresh-batch dev:
# 3 地灾点巡查 proposed as 4.2.3 alone).
_GEOHAZARD = re.compile(r"(地灾|地质灾害|崩塌|滑坡|泥石流|塌方)")
# A check named for a key period or festival is 3.3.2's (重点时段和节日隐患排查, its list of
# periods): on tuned+dev, of 94 reports with such a word none is the weekly patrol alone.
_KEY_PERIOD = re.compile(
    r"(汛期|汛前|主汛|节前|节后|岁末年初|春节|元旦|国庆|中秋|端午|五一|清明|两会|重点时段|重大节日)"
    r"(?!(村|路|街|社区|小区|组|巷|广场|大道|桥|市场|公园))"  # not 五一村, 国庆路
)
# The earthquake publicity weeks (9.3) draw every kind of 宣传 and drill: proposed alone only
# when the words name earthquakes or disaster prevention (cross-validated dev: 2 wrong items,
# a fire drill and a vague 宣传活动, asked back instead, no right one lost).
# Action against unlicensed or illegal business is 3.4.3's (打非治违): on tuned+dev, 17 of 19
# reports with these words are 3.4.3's and none the weekly patrol's.
_ILLEGAL = re.compile(
    r"(无照|无证|非法|黑作坊|打非|取缔|违法经营|私自经营|违规经营|"
    r"偷挖|盗挖|私挖|盗采|乱采|滥挖)"  # "跟派出所一起把后山偷挖石头的那个点端了" (batch 198)
)
_NOT_THE_PATROL = re.compile(f"{_KEY_PERIOD.pattern}|{_ILLEGAL.pattern}")
_QUAKE = re.compile(
    r"(震|防灾|减灾|救灾|灾害|5\.12|5·12|5月12|11\.6|11月6|(?<![\d.])(512|116)(?![\d份户人家个名张块次]))"
)


_HAZARD_ITEMS = frozenset(CODE_BY_ROLE.values())
# one action for all of a list ("5号和9号都整改完了"); never a void, which is of duplicates
# ("52号跟50号是一个地方 报重复了 作废": 52 alone)
_LISTABLE = frozenset({Intent.FIX, Intent.VERIFY, Intent.REJECT})


class LearnedReader:
    def __init__(self, rules: Understander, model: ReaderModel) -> None:
        self.rules = rules
        self.model = model

    def understand(
        self, text: str, role: str, has_photo: bool, today: date, period_of: Any = None
    ) -> Understanding:
        raw = (text or "").strip()
        norm = normalize(raw)
        if not norm or not role or _COMMAND.match(norm):  # learned from people with a role
            u = self.rules.understand(text, role, has_photo, today, period_of)
            if u.command == "done" and not u.codes and not u.error and u.text:
                return self._done_words(u, role, has_photo, today, period_of)
            return u
        return self._learned(self.model, raw, norm, role, has_photo, today, period_of)

    def _done_words(
        self, u: Understanding, role: str, has_photo: bool, today: date, period_of: Any
    ) -> Understanding:
        """ "/done 应急物资盘点完了": the command names no item, so the words are ranked like a
        report's; what they find is proposed, never recorded at once (the command acts at
        once only on a code)."""
        norm = normalize(u.text)
        if (
            not role
            or generic_done(u.text)
            or NEGATED.search(norm)
            or _NOT_YET.search(norm)
            or not_fixed(norm)
        ):
            return u  # a guest, no item named, or work not done ("/done 演练还没搞"): as before
        feats = self._features(norm, role, has_photo)
        ranked = self._items(self.model.item, feats, role)
        if not ranked or ranked[0][1] < ITEM_SURE:
            return u  # words that name no item the model knows ("/done 。"): which item, asked
        found = self.rules.read_as(Intent.DONE, u.text, norm, role, today, period_of,
                                   self._ranker(feats, role, period_of, ranked))  # fmt: skip
        if not found.codes:
            return u
        return replace(found, command=u.command, confidence=min(found.confidence, COMMAND_WORDS))

    def signals(self, norm: str, role: str, has_photo: bool) -> list[str]:
        return signals(self.rules, norm, role, has_photo)

    def explain(self, text: str, role: str, has_photo: bool) -> dict[str, Any]:
        """The models' five likeliest intents and items and the rules' signals (for the
        benchmark's error analysis)."""
        feats = self._features(normalize((text or "").strip()), role, has_photo)
        top = {
            name: sorted(((round(p, 3), k) for k, p in m.probabilities(feats).items()))[::-1][:5]
            for name, m in (("intent", self.model.intent), ("item", self.model.item))
        }
        return {**top, "signals": [f[2:] for f in feats if f.startswith("s:") and "|" not in f]}

    def read_as(
        self, intent: Intent, text: str, role: str, has_photo: bool, today: date, period_of: Any
    ) -> Understanding:
        """The message read as the intent the person chose (after a question back)."""
        raw = (text or "").strip()
        norm = normalize(raw)
        feats = self._features(norm, role, has_photo)
        return self.rules.read_as(intent, raw, norm, role, today, period_of,
                                  self._ranker(feats, role, period_of))  # fmt: skip

    def _features(self, norm: str, role: str, has_photo: bool) -> list[str]:
        words = self.rules.index.segmenter.words(norm)
        return features(norm, words, role, has_photo, self.signals(norm, role, has_photo))

    def _ranker(
        self,
        feats: list[str],
        role: str,
        period_of: Any,
        items: list[tuple[str, float]] | None = None,
    ) -> Any:
        if items is None:
            items = self._items(self.model.item, feats, role)

        def rank(norm: str, day: date, hint: PeriodHint | None) -> Understanding:
            return self._done_ranked(norm, role, day, hint, period_of, items)

        return rank

    def _learned(
        self,
        model: ReaderModel,
        raw: str,
        norm: str,
        role: str,
        has_photo: bool,
        today: date,
        period_of: Any,
    ) -> Understanding:
        """The learned model's reading, kept away from what it must never be: a refusal or
        a negation is never the positive action, only the street office verifies or sends
        back. When it is not sure, the next likely readings go along (the reply asks)."""
        feats = self._features(norm, role, has_photo)
        signals = [f[2:] for f in feats if f.startswith("s:") and "|" not in f]
        probs = model.intent.probabilities(feats)
        barred = set()
        office = role in ("street", "admin")
        if not_fixed(norm) or ("reject_s" in signals and office) or "void" in signals:
            barred |= {Intent.FIX.value, Intent.VERIFY.value}
        if fixed_apart(norm):  # "18号改好了 20号还没动": the fix of 18, never a verification
            barred.add(Intent.VERIFY.value)
        if NOT_VOID.search(norm) and "void" not in signals:
            barred.add(Intent.VOID.value)  # "19号不是误报哈 确实是隐患"
        if NOT_EXTEND.search(norm) and not {"extend", "extend_dec"} & set(signals):
            barred.add(Intent.EXTEND.value)  # "33号不用延期了 … 直接通过"
        if NOT_SENT_BACK.search(norm) and not {"reject_s", "reject_w"} & set(signals):
            barred.add(Intent.REJECT.value)  # "本来想退回的 … 其实改好了 13号通过"
        if "reject_w" in signals and office and "verify" not in signals:  # the office's 不合格
            barred |= {Intent.FIX.value, Intent.VERIFY.value}
        if not office:
            barred |= {Intent.VERIFY.value, Intent.REJECT.value}
        if _KEEP_IT.search(norm):
            barred.add(Intent.UNDO.value)  # "刚才那条不用撤回 是对的"
        if "help" not in signals:  # asking how to use the assistant is in the help words
            barred.add(Intent.HELP.value)
        ranked = sorted((p, i) for i, p in probs.items() if i not in barred)[::-1]
        intent = Intent(ranked[0][1])
        rule = next(Intent(f[7:]) for f in feats if f.startswith("s:rule:") and "|" not in f)
        if (
            ranked[0][0] < INTENT_SURE
            and (intent not in RECORDING or rule not in RECORDING)
            and rule.value not in barred
        ):
            intent = rule  # not sure, and the rules read no record into it: theirs, unless barred
        items = None
        if (fix := _ITEM_CORRECTED.search(norm)) and len(
            _DAY_CHARS.sub("", norm[fix.end() :])
        ) >= 4:
            # "刚才说的应急物资 说错了 是志愿者队伍名单 更新好了": the work corrected to
            # (only when those words name one: not "日期不对 是前天不是今天")
            corrected = self._features(norm[fix.end() :], role, has_photo)
            tail = self._items(model.item, corrected, role)
            items = tail if tail and tail[0][1] >= ITEM_SURE else None
        u = self.rules.read_as(intent, raw, norm, role, today, period_of,
                               self._ranker(feats, role, period_of, items))  # fmt: skip
        if u.hazard is None and (ref := hazard_numbers.find(norm)):
            u = replace(u, hazard=ref)  # named, though the message may be about something else
        if u.intent in NUMBERED and (acted := hazard_numbers.acted_on(norm, u.intent.value)):
            u = replace(u, hazard=acted)  # two numbers named: the one the action word follows
        elif u.intent in _LISTABLE and len(named := hazard_numbers.listed(norm)) > 1:
            u = replace(u, hazard=named[0], also=tuple(named[1:]))  # "26、27号…已完成整改"
        if u.intent == Intent.FIX and (apart := fixed_apart(norm)):
            u = replace(u, hazard=apart, also=())  # "18号改好了 20号还没动": 18
        if u.intent == Intent.DONE and generic_done(raw):
            u = replace(u, codes=[], tasks=[], period=None)  # "材料交了": which item is asked
        p = ranked[0][0]
        unsure = intent in RECORDING and (
            (p < INTENT_SURE and intent != rule)
            or (p < PROPOSE_SURE and intent in _DONE_OR_HAZARD)
            or (p < NUMBERED_SURE and intent in NUMBERED)
        )
        round_or_hazard = (
            u.intent == Intent.HAZARD
            and p < HAZARD_OR_REPORT
            and len(ranked) > 1
            and ranked[1][1] == Intent.DONE.value
        )
        if round_or_hazard and not unsure:
            return replace(u, alternatives=(Intent.DONE,), confidence=p)
        if unsure:
            others = tuple(Intent(i) for q, i in ranked[1:3] if q >= ALTERNATIVE)
            if u.intent == Intent.FIX and work_on_day(norm) and Intent.DONE not in others:
                others = (Intent.DONE, *others)  # "20号开了安全会": the day's meeting, surely
            return replace(u, alternatives=others or (Intent.UNCLEAR,), confidence=p)
        hazard_p = probs.get(Intent.HAZARD.value, 0.0)
        other = second_reading(u, norm, role, set(signals), hazard_p)
        if other is None:
            return replace(u, confidence=p)
        return replace(u, alternatives=(other,), confidence=p)

    def _weekly(self, code: str, role: str) -> bool:
        """Whether the item has a weekly task of the role (an officer's patrol, 4.2.3)."""
        unit = self.rules.rulebook.unit(code)
        return unit is not None and any(t.every == "week" and role in t.roles for t in unit.tasks)

    def _items(self, items: LinearModel, feats: list[str], role: str) -> list[tuple[str, float]]:
        """Rulebook items a completion report may be about, best first, with the learned
        model's probability: the person's own items and, for an officer, the street's items
        that communities work towards."""
        probs = items.probabilities(feats)
        allowed = [(code, p) for code, p in probs.items() if self._allowed(code, role)]
        return sorted(allowed, key=lambda x: -x[1])

    def _allowed(self, code: str, role: str) -> bool:
        """The person's own items and, for an officer, the street's items communities work
        towards."""
        unit = self.rules.rulebook.unit(code)
        return unit is not None and (
            not role or role in unit.roles or (role == "officer" and "street" in unit.roles)
        )

    def _done_ranked(
        self,
        norm: str,
        role: str,
        day: date,
        hint: PeriodHint | None,
        period_of: Any,
        ranked: list[tuple[str, float]],
    ) -> Understanding:
        """A completion report whose item the learned model ranked: the best one when it is
        sure, else the likely ones to choose from."""
        sure = bool(ranked) and ranked[0][1] >= ITEM_SURE
        if sure and len(ranked) > 1 and ranked[1][1] >= ITEM_RIVAL:
            sure = False  # two items alike: both offered
        if ranked and self._weekly(ranked[0][0], role) and _NOT_THE_PATROL.search(norm):
            ranked = [*ranked[1:2], ranked[0], *ranked[2:]]  # a festival's check: that first
            sure = False
        if (
            sure
            and self._weekly(ranked[0][0], role)
            and (not _PATROL.search(norm) or _GEOHAZARD.search(norm))
        ):
            sure = False  # the default item, without a word of a patrol or of a 地灾点's: asked
        if sure and ranked[0][0] in _HAZARD_ITEMS and ranked[0][0] != CODE_BY_ROLE.get(role):
            sure = False  # the other role's hazard item ("我报的11条都销号了" is 4.2.4's): asked
        if sure and ranked[0][0] == "9.3" and not _QUAKE.search(norm):
            sure = False  # earthquake publicity, without a word of earthquakes: asked
        cue_at = next(((c, m) for c, cue in ITEM_CUES if (m := cue.search(norm))), None)
        cued = cue_at[0] if cue_at else None
        # the patrol words outside the cue's own ("去砖厂看了他们的应急演练" checks a drill)
        rest = norm[: cue_at[1].start()] + " " + norm[cue_at[1].end() :] if cue_at else norm
        if (
            ranked
            and cued
            and ranked[0][0] != cued
            and self._allowed(cued, role)
            # an officer's patrol, said so, stays theirs ("今天巡查了… 电视台的记者跟着拍了")
            and not (self._weekly(ranked[0][0], role) and _NAMED_PATROL.search(rest))
        ):
            # words that name an item ("震情值班表" is 9.4's) against the model: asked, it first
            ranked = [(cued, 0.0), *((c, p) for c, p in ranked if c != cued)]
            sure = False
        shown = ranked[:1] if sure else [(c, p) for c, p in ranked[:ITEM_CHOICES] if p >= 0.05]
        if not sure and len(shown) < 2:
            shown = ranked[:2]  # not sure: always a choice, never one item alone
        if cued and not sure and shown and shown[0][0] != cued:
            shown = ranked[:2]  # the model put it below 0.05: it and the model's item
        codes = [c for c, _ in shown]
        tasks: list[str] = []
        period = None
        for code in codes:
            unit = self.rules.rulebook.unit(code)
            assert unit is not None
            own = [t for t in unit.tasks if not role or role in t.roles]
            matches = [TaskMatch(unit, t, 1.0) for t in own]
            scored = self.rules.best(self.rules.scored(norm, matches, hint, day, period_of))
            tasks += [f"{unit.code}:{m.task.key}" for m in scored] or [unit.code]
            if period is None and scored and period_of is not None:
                anchor = hint_anchor(hint, scored[0].task, day)
                period = period_of(scored[0].unit, scored[0].task, anchor)
            elif period is None and not own and hint is not None:
                # evidence for an item with no task of the person's (a community's part of a
                # street item, a standing duty): the period the message names ("三季度的")
                period = period_for(hint.every, hint.anchor).key
        return Understanding(
            Intent.DONE,
            codes,
            tasks,
            period if len(codes) == 1 else None,
            day.isoformat(),
            confidence=ranked[0][1] if ranked else 0.0,
            text=norm,
        )


def signals(rules: Understander, norm: str, role: str, has_photo: bool) -> list[str]:
    """What the rules see in a message, as features for the learned model."""
    out = [f"rule:{rules.intent(norm, role, has_photo).value}"]
    flags = {
        "num": hazard_numbers.find(norm) is not None,
        "num_lead": hazard_numbers.find(norm, leading=True) is not None,
        "q": bool(QUESTION.search(NOT_A_QUESTION.sub("", norm))),
        "future": bool(FUTURE.search(norm)),
        "reported": bool(REPORTED.search(norm)),
        "done_w": bool(DONE_WORDS.search(norm)),
        "late": bool(LATE_ENTRY.search(norm)),
        "haz_w": bool(HAZARD_WORDS.search(norm)),
        "weak_haz": bool(WEAK_HAZARD.search(norm)),
        "nohaz": bool(NO_HAZARD.search(norm)),
        "checklist": bool(CHECKLIST.search(norm)),
        "negated": bool(NEGATED.search(norm)),
        "repair": bool(REPAIR.search(norm)),
        "fix_w": bool(FIX_WORDS.search(norm)),
        "help": asks_help(norm),
        "command": norm.startswith("/"),
    }
    flags.update(ledger_signals(norm))
    out += [name for name, on in flags.items() if on]
    result = rules.search(norm)
    if result.found:
        out += ["sfound", *(f"scode:{c}" for c in result.codes[:2])]
    if result.offtopic:
        out.append("soff")
    out += [f"kw:{m.unit.code}" for m in rules.task_candidates(norm, role or None)[:3]]
    return out
