"""Hazard reports: a new hazard, a fix, the street office's verification or rejection,
and the notices these send to the other side.

Invariants: every change goes through the ledger (which checks who may act on which unit
and audits it) and is stored before the reply says so; the same message is applied once.
"""

from __future__ import annotations

from datetime import date

from bot.chat import buttons
from bot.chat.ledger_words import PICTURE_MENTIONED
from bot.chat.payloads import NOTE_CHARS, files_json, files_of
from bot.chat.replies import Button, Incoming, Notice, Reply
from bot.chat.understand import Understanding
from bot.errors import UserError
from bot.records.evidence import EvidenceFile
from bot.records.hazards import AFTER, CLOSED, FIXED, OPEN, SITE, VOID, Hazard
from bot.records.org import Person
from bot.schedule.deadline_words import parse_until
from bot.schedule.wording import md
from bot.texts import t
from bot.workspace import Workspace

MAX_CHOICES = 6


# Prompts that wait for a photo: a fix's (hours: the photo is taken when the work is seen) and
# the one a "见图" without a picture leaves (the prompt's usual half hour: the picture was
# meant to go with the words). Anything else said meanwhile is read as itself.
PHOTO_WAITS = frozenset({"await_photo", "await_site_photo"})


class HazardReports:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def by_id(self, hazard_id: int) -> Hazard:
        hazard = self.ws.ledger.get(hazard_id)
        if hazard is None:
            raise UserError("hazard.unknown", ref=str(hazard_id))
        return hazard

    # ---- a new hazard -------------------------------------------------------------------

    def hazard(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        description = (u.text or "").strip()
        if not description:
            if msg.photos:
                payload = {"files": files_json(msg.photos), "source": msg.source}
                self.ws.pending.create(person.id, "await_hazard_text", payload, msg.source)
                return [Reply(t("hazard.ask_text"))]
            return [Reply(t("hazard.need_text"))]
        action = {"description": description, "day": u.date, "severity": u.severity,
                  "place": u.place, "enterprise": u.enterprise}  # fmt: skip
        return [self.report(person, action, list(msg.photos), msg.source)]

    def report_action(self, person: Person, action: dict, source: str | None) -> Reply:
        """A registration proposed from words and confirmed."""
        return self.report(person, action, files_of(action.get("files")), source)

    def report(
        self, person: Person, fields: dict, files: list[EvidenceFile], source: str | None
    ) -> Reply:
        """A new hazard; ``fields``: description (as written), day, severity, place,
        enterprise (each may be missing)."""
        day = date.fromisoformat(fields["day"]) if fields.get("day") else self.ws.today()
        result = self.ws.ledger.report(
            person,
            fields["description"],
            day,
            severity=fields.get("severity") or "一般",
            place=fields.get("place") or "",
            enterprise=fields.get("enterprise") or "",
            files=files,
            source=source,
            location=fields.get("location"),
        )
        h = result.hazard
        text = t(
            "hazard.recorded",
            code=h.code,
            number=h.number,
            severity=h.severity,
            deadline=md(h.deadline),
            seq=h.seq,
            photos=t("done.photos", n=len(files)) if files else "",
        )
        if not files and PICTURE_MENTIONED.search(h.description):
            # "见图" with no picture: the next picture sent with no words is this hazard's
            text += "\n" + t("hazard.photo_missing", number=h.number)
            payload = {"hazard_id": h.id, "stage": SITE}
            self.ws.pending.create(person.id, "await_site_photo", payload, f"{source}:photo")
        elif not files:
            text += "\n" + t("hazard.photo_hint", seq=h.seq)
        notify = self.notify_street(
            h,
            t("hazard.notify_new", number=h.number, what=h.description[:40], severity=h.severity),
        )
        return Reply(text, recorded=True, notices=notify, meta={"hazard_id": h.id})

    # ---- fixes --------------------------------------------------------------------------

    def fix(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        if u.hazard is None:
            return [self.choose(person, msg)]
        hazard = self.ws.ledger.find(person, u.hazard, self.ws.today())
        day = date.fromisoformat(u.date) if u.date else self.ws.today()
        return [self.fix_hazard(person, hazard, list(msg.photos), msg.source, day, u.text)]

    def choose(self, person: Person, msg: Incoming) -> Reply:
        """Which of the open hazards a fix report is about."""
        ws = self.ws
        hazards = ws.ledger.select(ws.org.visible_unit_ids(person), (OPEN,))
        if person.role == "officer":
            hazards = [h for h in hazards if h.unit_id == person.unit_id]
        if not hazards:
            return Reply(t("hazard.none_open"))
        shown = hazards[:MAX_CHOICES]
        payload = {
            "options": [h.id for h in shown],
            "files": files_json(msg.photos),
            "source": msg.source,
            "choices": [*map(str, range(len(shown))), "no"],
        }
        pending, _ = ws.pending.create(person.id, "choose_hazard", payload, msg.source)
        rows = [
            (
                buttons.choice(
                    t("btn.hazard", number=h.number, what=h.description[:12]), pending.id, i
                ),
            )
            for i, h in enumerate(shown)
        ]
        rows.append((buttons.choice(t("btn.cancel"), pending.id, "no"),))
        return Reply(t("hazard.which"), tuple(rows))

    def fix_chosen(self, person: Person, payload: dict, index: int) -> Reply:
        hazard = self.by_id(payload["options"][index])
        return self.fix_hazard(person, hazard, files_of(payload.get("files")), payload["source"])

    def fix_hazard(
        self,
        person: Person,
        hazard: Hazard,
        files: list[EvidenceFile],
        source: str | None,
        day: date | None = None,
        note: str = "",
    ) -> Reply:
        """A fix report; from the street office, a fix waiting for verification is verified."""
        if hazard.state == FIXED and person.role in ("street", "admin"):
            return self.verify(person, hazard, source)
        h = self.ws.ledger.fix(
            person, hazard, day or self.ws.today(), note=note[:NOTE_CHARS], files=files,
            source=source,
        ).hazard  # fmt: skip
        text = t(
            "hazard.closed" if h.state == CLOSED else "hazard.fixed", code=h.code, number=h.number
        )
        if not files and h.state != VOID:
            text += "\n" + t("hazard.fix_photo_hint")
            payload = {"hazard_id": h.id, "stage": AFTER}
            self.ws.pending.create(person.id, "await_photo", payload, f"{source}:photo")
        notify: tuple[Notice, ...] = ()
        if h.state == FIXED:
            notify = self.notify_street(h, t("hazard.notify_fixed", number=h.number), verify=True)
        return Reply(text, recorded=True, notices=notify, meta={"hazard_id": h.id})

    # ---- the street office's decision --------------------------------------------------

    def verify(self, person: Person, hazard: Hazard, source: str | None) -> Reply:
        h = self.ws.ledger.verify(person, hazard, self.ws.today(), source=source).hazard
        notify = self.notify_unit(h, t("hazard.notify_verified", number=h.number))
        return Reply(
            t("hazard.verified", code=h.code, number=h.number),
            recorded=True,
            notices=notify,
            meta={"hazard_id": h.id},
        )

    def verify_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        hazard = self.ws.ledger.find(person, args.split()[0], self.ws.today())
        return self.verify(person, hazard, msg.source)

    def reject_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        parts = args.split(maxsplit=1)
        if not parts:
            return Reply(t("hazard.reject_usage"))
        hazard = self.ws.ledger.find(person, parts[0], self.ws.today())
        reason = parts[1] if len(parts) > 1 else ""
        return self.reject(person, hazard, reason, msg.source)

    def reject(self, person: Person, hazard: Hazard, reason: str, source: str | None) -> Reply:
        """Back to 待整改 with the reason; the reporter's unit is told."""
        h = self.ws.ledger.reject(person, hazard, reason, source=source).hazard
        notify = self.notify_unit(h, t("hazard.notify_rejected", number=h.number, reason=reason))
        return Reply(
            t("hazard.rejected", code=h.code, number=h.number, reason=reason),
            recorded=True,
            notices=notify,
            meta={"hazard_id": h.id},
        )

    def reject_prompt(self, person: Person, hazard_id: int, source: str | None) -> Reply:
        """The 退回 button: the next message is the reason."""
        hazard = self.by_id(hazard_id)
        self.ws.ledger.check_verifier(person, hazard)
        payload = {"hazard_id": hazard.id, "do": "reject"}
        self.ws.pending.create(person.id, "await_reason", payload, source)
        return Reply(t("hazard.reject_ask_reason", number=hazard.number))

    def void_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        """/void N 原因 (the reporter before a fix, or the street office); without a reason,
        the next message is the reason."""
        parts = args.split(maxsplit=1)
        if not parts:
            return Reply(t("hazard.void_usage"))
        hazard = self.ws.ledger.find(person, parts[0], self.ws.today())
        if len(parts) > 1:
            return self.void(person, hazard, parts[1], msg.source)
        self.ws.ledger.check_unit(person, hazard)
        payload = {"hazard_id": hazard.id, "do": "void"}
        self.ws.pending.create(person.id, "await_reason", payload, msg.source)
        return Reply(t("hazard.void_ask_reason", number=hazard.number))

    def void(self, person: Person, hazard: Hazard, reason: str, source: str | None) -> Reply:
        h = self.ws.ledger.void(person, hazard, reason, source=source).hazard
        text = t("hazard.notify_voided", number=h.number, reason=reason)
        notify = tuple(
            n for n in self.notify_unit(h, text) + self.notify_street(h, text)
            if n.person_id != person.id
        )  # fmt: skip
        return Reply(
            t("hazard.voided", code=h.code, number=h.number, reason=reason),
            recorded=True,
            notices=notify,
            meta={"hazard_id": h.id},
        )

    # ---- more time, more photos -----------------------------------------------------------

    def extend_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        """/extend N 12月20日 [原因]: an officer asks for that deadline (the street office
        decides); the street office sets it at once. Without a day still to come, the usage."""
        parts = args.split(maxsplit=1)
        if not parts:
            return Reply(t("hazard.extend_usage"))
        today = self.ws.today()
        hazard = self.ws.ledger.find(person, parts[0].rstrip("号"), today)  # 12 or 12号
        rest = parts[1].strip() if len(parts) > 1 else ""
        until = parse_until(rest, today, hazard.deadline) if rest else None
        if until is None or until <= today:
            return Reply(t("hazard.extend_usage"))
        words = rest.split(maxsplit=1)  # the reason: what follows the day, when it comes first
        reason = words[1] if len(words) > 1 and parse_until(words[0], today) == until else rest
        if person.role in ("street", "admin"):
            return self.extend(person, hazard, until, msg.source)
        return self.ask_extension(person, hazard, until, reason, msg.source)

    def ask_extension(
        self, person: Person, hazard: Hazard, until: date, reason: str, source: str | None
    ) -> Reply:
        asked_before = source is not None and self.ws.deadlines.asked_from(source)
        request = self.ws.deadlines.ask(person, hazard, until, reason, source=source)
        text = t("hazard.notify_extend_ask", number=hazard.number, until=md(until), reason=reason)
        rows = (
            (
                buttons.button(t("btn.extend_grant"), buttons.Decide(request, True)),
                buttons.button(t("btn.extend_refuse"), buttons.Decide(request, False)),
            ),
        )
        people = [p for p in self.ws.org.people_of_unit(hazard.street_id) if p.role == "street"]
        # a repeated message records once and tells the street office once
        notices = () if asked_before else tuple(Notice(p.id, Reply(text, rows)) for p in people)
        return Reply(
            t("hazard.extend_asked", number=hazard.number, until=md(until)),
            recorded=True,
            notices=notices,
            meta={"hazard_id": hazard.id},
        )

    def decide_extension(
        self, person: Person, request_id: int, grant: bool, source: str | None
    ) -> Reply:
        result = self.ws.deadlines.decide(person, request_id, grant, source=source)
        h = result.hazard
        if result.duplicate:  # decided before (by someone else, or a second tap)
            state = (self.ws.deadlines.get(request_id) or {}).get("state", "")
            words = {"granted": t("btn.extend_grant"), "refused": t("btn.extend_refuse")}
            return Reply(t("hazard.extend_decided", number=h.number, deadline=md(h.deadline),
                           state=words.get(state, state)))  # fmt: skip
        key = "hazard.extend_granted" if grant else "hazard.extend_refused"
        text = t(key, number=h.number, deadline=md(h.deadline))
        return Reply(text, recorded=True, notices=self.notify_unit(h, text),
                     meta={"hazard_id": h.id})  # fmt: skip

    def extend(self, person: Person, hazard: Hazard, until: date, source: str | None) -> Reply:
        result = self.ws.deadlines.extend(person, hazard, until, source=source)
        h = result.hazard
        text = t("hazard.extend_granted", number=h.number, deadline=md(h.deadline))
        notices = () if result.duplicate else self.notify_unit(h, text)
        return Reply(text, recorded=True, notices=notices, meta={"hazard_id": h.id})

    def add_photos(
        self,
        person: Person,
        hazard: Hazard,
        files: list[EvidenceFile],
        stage: str,
        source: str | None,
    ) -> Reply:
        h = self.ws.ledger.add_photos(person, hazard, files, stage, source=source).hazard
        text = t("hazard.photos_added", number=h.number, n=len(files), stage=stage)
        return Reply(text, recorded=True, meta={"hazard_id": h.id})

    # ---- notices ------------------------------------------------------------------------

    def notify_street(self, hazard: Hazard, text: str, verify: bool = False) -> tuple[Notice, ...]:
        rows: tuple[tuple[Button, ...], ...] = ()
        if verify:
            rows = (
                (
                    buttons.button(t("btn.verify", seq=hazard.seq), buttons.Verify(hazard.id)),
                    buttons.button(t("btn.reject", seq=hazard.seq), buttons.Reject(hazard.id)),
                ),
            )
        people = [p for p in self.ws.org.people_of_unit(hazard.street_id) if p.role == "street"]
        return tuple(Notice(p.id, Reply(text, rows)) for p in people)

    def notify_unit(self, hazard: Hazard, text: str) -> tuple[Notice, ...]:
        return tuple(
            Notice(p.id, Reply(text))
            for p in self.ws.org.people_of_unit(hazard.unit_id)
            if p.role in ("officer", "street")
        )
