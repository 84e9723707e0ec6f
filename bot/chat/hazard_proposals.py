"""Hazard changes from free words: each is proposed and confirmed with one tap (choice 1 is
the proposed reading, the last is 取消); a slash command acts at once instead
(hazard_reports). A repeated tap records once: the chosen option carries its own source id.

Invariants: nothing is written before a tap; a refusal or a negation was never proposed as
the positive action (the reader sees to that); a prompt that waits for a reason, a date or
a description takes only words that mean that, and drops itself for anything else.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz

from bot.chat import buttons
from bot.chat.hazard_reports import PHOTO_WAITS, HazardReports
from bot.chat.intents import Intent
from bot.chat.ledger_words import PICTURE_MENTIONED
from bot.chat.payloads import files_json, files_of
from bot.chat.replies import Incoming, Reply
from bot.chat.understand import Understanding
from bot.errors import UserError
from bot.records.hazards import AFTER, CODE_BY_ROLE, FIXED, LIVE, OPEN, SITE, Hazard
from bot.records.org import Person
from bot.schedule.deadline_words import parse_until
from bot.schedule.wording import md
from bot.texts import t
from bot.workspace import Workspace

MAX_CHOICES = 6
SIMILAR = 85  # rapidfuzz ratio (of the words without 发现 and punctuation) from which two
# descriptions of one unit are asked about as "the same place"
_LEAD = re.compile(r"^(今天|刚才|刚刚|巡查|检查)?(发现|报告|反映|报个?)(了|一处|一个|个)?")
_ASKING = re.compile(
    r"^(我|我们)?(要|想|需要|准备)?(报|上报|登记|反映|报告|汇报)(一)?(个|一下|下)?(新的)?隐患[。.!！~]*$"
)
# which hazards each action can be about, for a choice when the message names none
STATES = {
    Intent.FIX: (OPEN,),
    Intent.VERIFY: (FIXED,),
    Intent.REJECT: (FIXED,),
    Intent.VOID: LIVE,
    Intent.EXTEND: (OPEN,),
    Intent.PHOTO: LIVE,
}


STATE_WORDS = {
    Intent.FIX: "hazard.not_open",
    Intent.VERIFY: "hazard.not_fixed",
    Intent.REJECT: "hazard.not_fixed",
}


class HazardProposals:
    def __init__(self, ws: Workspace, hazards: HazardReports) -> None:
        self.ws = ws
        self.hazards = hazards

    # ---- proposing ----------------------------------------------------------------------

    def propose(
        self, person: Person, msg: Incoming, head: str, options: list[tuple[str, dict[str, Any]]]
    ) -> Reply:
        """Ask with choices: each option is (button label, what to do when chosen)."""
        actions = [action for _, action in options]
        values = [str(i) for i in range(len(options))] + ["no"]
        payload = {"options": actions, "source": msg.source, "choices": values}
        pending, _ = self.ws.pending.create(person.id, "act", payload, msg.source)
        rows = [(buttons.choice(label, pending.id, i),) for i, (label, _) in enumerate(options)]
        rows.append((buttons.choice(t("btn.cancel"), pending.id, "no"),))
        return Reply(head, tuple(rows))

    def new_hazard(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        """A hazard described in words: a description is asked for when there is none,
        a likely duplicate is asked about, else the registration is proposed."""
        text = msg.text.strip()
        if person.role not in CODE_BY_ROLE or person.unit_id is None:
            return [Reply(t("hazard.cannot_report"))]  # said before a proposal, not after a tap
        if not describes(text) or _ASKING.match(re.sub(r"\s+", "", text)):
            payload = {"files": files_json(msg.photos), "source": msg.source}
            self.ws.pending.create(person.id, "await_hazard_text", payload, msg.source)
            return [Reply(t("hazard.ask_text"))]
        report: dict[str, Any] = {
            "do": "report",
            "description": text,
            "day": u.date,
            "severity": u.severity or "一般",
            "place": u.place,
            "enterprise": u.enterprise,
            "files": files_json(msg.photos),
        }
        same = self.similar(person, text)
        if same is not None:
            head = t("hazard.same_as", number=same.number, what=same.description[:30])
            same_action = {"do": "photo", "hazard_id": same.id, "stage": SITE,
                           "files": report["files"]}  # fmt: skip
            options = [
                (t("btn.same_hazard", seq=same.seq), same_action),
                (t("btn.new_hazard"), report),
            ]
            return [self.propose(person, msg, head, options)]
        days = self.ws.settings.hazard_days.get(u.severity or "一般", 7)
        day = date.fromisoformat(u.date) if u.date else self.ws.today()
        head = t(
            "hazard.propose",
            what=text,
            severity=report["severity"],
            deadline=md(day + timedelta(days=days)),
            photos=t("done.photos", n=len(msg.photos)) if msg.photos else "",
        )
        if not msg.photos and PICTURE_MENTIONED.search(text):
            head += "\n" + t("hazard.no_picture_yet")
        return [self.propose(person, msg, head, [(t("btn.confirm_hazard"), report)])]

    def similar(self, person: Person, text: str) -> Hazard | None:
        """A live hazard of the person's unit, reported in the last days, described alike."""
        if person.unit_id is None:
            return None
        since = self.ws.today() - timedelta(days=self.ws.settings.duplicate_days)
        best, score = None, 0.0
        wanted = _plain(text)
        for h in self.ws.ledger.select([person.unit_id], LIVE):
            if h.reported_on >= since:
                ratio = fuzz.ratio(_plain(h.description), wanted)
                if ratio >= SIMILAR and ratio > score:
                    best, score = h, ratio
        return best

    def about_one(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        """Fix, verify, send back, void, more time or photos for one hazard: proposed for
        the hazard named, or a choice among those it can be about."""
        intent = Intent(u.intent)
        if intent in (Intent.VERIFY, Intent.REJECT) and person.role not in ("street", "admin"):
            return [Reply(t("hazard.street_decides"))]
        if u.hazard is None:
            return [self.choose(person, msg, u, intent)]
        if u.also:
            return [self._several(person, msg, u, intent)]
        hazard = self.ws.ledger.find(person, u.hazard, self.ws.today())
        return [self.propose_for(person, msg, u, intent, hazard)]

    def _several(self, person: Person, msg: Incoming, u: Understanding, intent: Intent) -> Reply:
        """Hazards named as one list with one action ("26、27号隐患已完成整改"): which one, each
        a tap of its own (its notices and photos as for one); a number that cannot take the
        action gets one line of why, never sinks the others."""
        ready: list[Hazard] = []
        why: list[str] = []
        for number in dict.fromkeys((u.hazard or "", *u.also)):
            try:
                hazard = self.ws.ledger.find(person, number, self.ws.today())
            except UserError as e:
                why.append(e.text)
                continue
            if hazard.state in STATES[intent]:
                ready.append(hazard)
            else:
                why.append(self.propose_for(person, msg, u, intent, hazard).text)
        if not ready:
            return Reply("\n".join(why))
        if len(ready) == 1 and not why:
            return self.propose_for(person, msg, u, intent, ready[0])
        options = [(t("btn.hazard", number=h.number, what=h.description[:12]),
                    self._action(intent, h, u, msg)) for h in ready[:MAX_CHOICES]]  # fmt: skip
        head = "\n".join([t(f"hazard.which_named.{intent.value}"), *why])
        return self.propose(person, msg, head, options)

    def choose(self, person: Person, msg: Incoming, u: Understanding, intent: Intent) -> Reply:
        ws = self.ws
        hazards = ws.ledger.select(ws.org.visible_unit_ids(person), STATES[intent])
        if person.role == "officer":
            hazards = [h for h in hazards if h.unit_id == person.unit_id]
        if not hazards:
            return Reply(t(f"hazard.none_for.{intent.value}"))
        options = []
        for h in hazards[:MAX_CHOICES]:
            label = t("btn.hazard", number=h.number, what=h.description[:12])
            options.append((label, self._action(intent, h, u, msg)))
        return self.propose(person, msg, t(f"hazard.which.{intent.value}"), options)

    def propose_for(
        self, person: Person, msg: Incoming, u: Understanding, intent: Intent, hazard: Hazard
    ) -> Reply:
        what = hazard.description[:20]
        if hazard.state not in STATES[intent]:  # e.g. sending back a fix never reported
            key = (
                "hazard.not_fixed"
                if intent in (Intent.VERIFY, Intent.REJECT)
                else "hazard.not_open"
            )
            return Reply(t(key, number=hazard.number, state=hazard.state))
        action = self._action(intent, hazard, u, msg)
        if intent == Intent.EXTEND:
            return self._propose_extension(person, msg, u, hazard, action)
        if intent == Intent.PHOTO and not msg.photos:
            payload = {"hazard_id": hazard.id, "stage": SITE}
            self.ws.pending.create(person.id, "await_photo", payload, msg.source)
            return Reply(t("hazard.send_photo", number=hazard.number))
        if intent == Intent.PHOTO:
            after = {**action, "stage": AFTER}
            head = t("hazard.propose.photo", number=hazard.number, what=what, n=len(msg.photos))
            options = [(t("btn.photo_site"), action), (t("btn.photo_after"), after)]
            return self.propose(person, msg, head, options)
        head = t(f"hazard.propose.{intent.value}", number=hazard.number, what=what,
                 reason=msg.text.strip())  # fmt: skip
        return self.propose(person, msg, head, [(t(f"btn.do.{intent.value}"), action)])

    def _propose_extension(
        self, person: Person, msg: Incoming, u: Understanding, hazard: Hazard, action: dict
    ) -> Reply:
        office = person.role in ("street", "admin")
        request = self.ws.store.one(
            "SELECT * FROM extensions WHERE hazard_id = ? AND state = 'asked' "
            "ORDER BY id DESC LIMIT 1",
            [hazard.id],
        )
        if office and request is not None:
            grant = not re.search(r"(不同意|不批准|驳回|不予|不行)", msg.text)
            decide = {"do": "decide", "request_id": request["id"], "grant": grant}
            word = "grant" if grant else "refuse"
            head = t(f"hazard.propose.{word}", number=hazard.number,
                     until=md(date.fromisoformat(request["until"])))  # fmt: skip
            return self.propose(person, msg, head, [(t(f"btn.do.{word}"), decide)])
        until_text = _until(msg.text, self.ws.today(), hazard.deadline)
        if until_text is not None:
            action = {**action, "until": until_text}
        else:
            payload = {**action, "do": "extend"}
            self.ws.pending.create(person.id, "await_date", payload, msg.source)
            return Reply(t("hazard.ask_until", number=hazard.number, deadline=md(hazard.deadline)))
        until = date.fromisoformat(until_text)
        key = "set_deadline" if office else "extend"
        head = t(f"hazard.propose.{key}", number=hazard.number, deadline=md(hazard.deadline),
                 until=md(until), reason=msg.text.strip())  # fmt: skip
        return self.propose(person, msg, head, [(t(f"btn.do.{key}"), action)])

    @staticmethod
    def _action(intent: Intent, hazard: Hazard, u: Understanding, msg: Incoming) -> dict:
        action: dict[str, Any] = {"do": intent.value, "hazard_id": hazard.id}
        if intent == Intent.FIX:
            action.update(note=msg.text.strip(), day=u.date, files=files_json(msg.photos))
        elif intent in (Intent.REJECT, Intent.VOID):
            action.update(reason=msg.text.strip())
        elif intent == Intent.EXTEND:
            action.update(until=u.date, reason=msg.text.strip())
        elif intent == Intent.PHOTO:
            action.update(stage=SITE, files=files_json(msg.photos))
        return action

    def located(self, person: Person, msg: Incoming) -> Reply:
        """A shared location: it goes with the hazard being proposed, or the person's own
        hazard reported in the last half hour."""
        assert msg.location is not None
        where = f"{msg.location[0]:.6f},{msg.location[1]:.6f}"
        ws = self.ws
        open_ = ws.pending.latest_choice(person.id, ws.now(), ws.settings.prompt_minutes)
        if open_ is not None and open_.kind == "act":
            options = open_.payload["options"]
            if any(o.get("do") == "report" for o in options):
                for o in options:
                    o["location"] = where
                ws.pending.update(open_, {**open_.payload, "options": options})
                return Reply(t("hazard.location_pending"))
        since = ws.today()
        own = [h for h in ws.ledger.select([person.unit_id or 0], LIVE)
               if h.reporter_id == person.id and h.reported_on >= since]  # fmt: skip
        if not own:
            return Reply(t("hazard.location_which"))
        newest = max(own, key=lambda h: h.id)
        hazard = ws.ledger.set_location(person, newest, where)
        return Reply(t("hazard.location_set", number=hazard.number), recorded=True)

    # ---- carrying out what was chosen -------------------------------------------------------

    def carry_out(self, person: Person, action: dict[str, Any], source: str | None) -> Reply:
        do, h = action["do"], self.hazards
        if do == "report":
            return h.report_action(person, action, source)
        if do == "decide":
            return h.decide_extension(person, action["request_id"], action["grant"], source)
        hazard = h.by_id(action["hazard_id"])
        if do == "fix":
            day = date.fromisoformat(action["day"]) if action.get("day") else None
            files = files_of(action.get("files"))
            return h.fix_hazard(person, hazard, files, source, day, action.get("note", ""))
        if do == "verify":
            return h.verify(person, hazard, source)
        if do == "reject":
            return h.reject(person, hazard, action["reason"], source)
        if do == "void":
            return h.void(person, hazard, action["reason"], source)
        if do == "photo" and not action.get("files"):
            return Reply(t("hazard.not_again", number=hazard.number))
        if do == "photo":
            return h.add_photos(person, hazard, files_of(action.get("files")), action["stage"],
                                source)  # fmt: skip
        until = date.fromisoformat(action["until"])
        if person.role in ("street", "admin"):
            return h.extend(person, hazard, until, source)
        return h.ask_extension(person, hazard, until, action.get("reason", ""), source)

    def chosen(self, person: Person, pending: Any, index: int) -> list[Reply]:
        options = pending.payload["options"]
        if not 0 <= index < len(options):
            return [Reply(t("choice.unknown"))]
        if not self.ws.pending.resolve(pending, str(index)):
            return [Reply(t("choice.already"))]
        source = f"{pending.payload.get('source') or f'pending:{pending.id}'}:{index}"
        return [self.carry_out(person, options[index], source)]

    # ---- the answer to a question asked -------------------------------------------------------

    def answered(
        self, person: Person, msg: Incoming, pending: Any, u: Understanding
    ) -> list[Reply] | None:
        """A reason (send back, void), a date (more time) or a photo asked for; None when
        the message is something else (the caller handles it as itself)."""
        text = msg.text.strip()
        kind, payload = pending.kind, pending.payload
        if kind in PHOTO_WAITS:
            if not msg.photos or (text and u.intent not in (Intent.UNCLEAR, Intent.PHOTO)):
                return None
            hazard = self.hazards.by_id(payload["hazard_id"])
            if _names_another(u, hazard.seq):  # "这是11号整改后的照片" while 12's is awaited
                return None
            self.ws.pending.resolve(pending, "photo")
            files = list(msg.photos)
            return [self.hazards.add_photos(person, hazard, files, payload["stage"], msg.source)]
        if not text or text.startswith("/"):
            return None
        if kind == "await_reason":
            if means_its_own(u) or u.intent == Intent.QUESTION:
                return None
            self.ws.pending.resolve(pending, "reason")
            return [self.carry_out(person, {**payload, "reason": text}, msg.source)]
        if kind == "await_date":
            if means_its_own(u):  # another hazard's number, a report of its own …
                return None
            deadline = self.hazards.by_id(payload["hazard_id"]).deadline
            until = _until(text, self.ws.today(), deadline)
            if until is None:
                return None
            self.ws.pending.resolve(pending, "date")
            return [self.carry_out(person, {**payload, "until": until}, msg.source)]
        return None


def describes(text: str) -> bool:
    """Words that can describe a hazard: at least two Chinese characters or letters (not a
    bare number, not punctuation)."""
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z]", text)) >= 2


def _plain(text: str) -> str:
    return _LEAD.sub("", re.sub(r"[\W_]+", "", text))


def _names_another(u: Understanding, seq: int) -> bool:
    """Whether the message names a hazard other than the one with this number."""
    named = re.search(r"(\d+)$", u.hazard or "")
    return named is not None and int(named.group(1)) != seq


def means_its_own(u: Understanding) -> bool:
    """A message that plainly means something of its own, whatever was asked before: a
    command, a report that names its item, an action on a numbered hazard, a to-do list."""
    if u.command:
        return True
    if u.intent == Intent.DONE:
        return bool(u.codes)
    if u.intent in STATES:
        return u.hazard is not None
    return u.intent in (Intent.CHECKLIST, Intent.HELP, Intent.UNDO)


def _until(text: str, today: date, deadline: date) -> str | None:
    found = parse_until(text, today, deadline)
    return found.isoformat() if found and found >= today else None
