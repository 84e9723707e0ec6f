"""Follow-ups: answers to what the assistant asked — a choice among buttons (or its number),
the kind of a photo sent without words, the description of a hazard asked for — and the
reply to a message nobody could read.

Invariants: a prompt is answered once (a second tap gets "已处理过"); a prompt belongs to
the person it was asked of; nothing is recorded before the person has chosen.
"""

from __future__ import annotations

from dataclasses import replace

from bot.chat import buttons
from bot.chat.hazard_proposals import HazardProposals, describes, means_its_own
from bot.chat.hazard_reports import HazardReports
from bot.chat.intents import Intent
from bot.chat.ledger_words import about_one_unfixed, decision_words
from bot.chat.payloads import DonePayload, files_json, files_of
from bot.chat.questions import Questions
from bot.chat.reader import Reader
from bot.chat.replies import Incoming, Reply
from bot.chat.report_words import generic_done
from bot.chat.task_reports import TaskReports, on_other_day
from bot.chat.understand import Understanding
from bot.errors import UserError
from bot.records.hazards import CODE_BY_ROLE, OPEN
from bot.records.org import Person
from bot.records.pending import Pending
from bot.schedule.wording import md
from bot.texts import t
from bot.workspace import Workspace
from knowledge.textnorm import normalize

TAP_HOURS = 24  # a choice tapped later than this is stale: the reply asks to send again


class FollowUps:
    def __init__(
        self,
        ws: Workspace,
        reader: Reader,
        questions: Questions,
        tasks: TaskReports,
        hazards: HazardReports,
        proposals: HazardProposals,
    ) -> None:
        self.ws = ws
        self.reader = reader
        self.questions = questions
        self.tasks = tasks
        self.hazards = hazards
        self.proposals = proposals

    # ---- a choice was made ----------------------------------------------------------------

    def choice(self, person: Person, msg: Incoming, pending_id: int, choice: str) -> list[Reply]:
        ws = self.ws
        pending = ws.pending.get(pending_id)
        if pending is None or pending.person_id != person.id:
            return [Reply(t("choice.unknown"))]
        if pending.resolved:
            return [Reply(t("choice.already"))]
        if pending.older_than(ws.now(), TAP_HOURS):
            ws.pending.resolve(pending, "expired")
            return [Reply(t("choice.expired"))]
        if choice == "no":
            ws.pending.resolve(pending, "cancel")
            return [Reply(t("choice.cancelled"))]
        if pending.kind == "act":
            index = int(choice) if choice.isdigit() else -1
            return self.proposals.chosen(person, pending, index)
        if pending.kind == "undo":
            if not ws.pending.resolve(pending, choice):
                return [Reply(t("choice.already"))]
            kind, row_id = pending.payload.get("kind"), pending.payload.get("id")
            return [self.tasks.undo(person, (str(kind), int(row_id)) if row_id else None)]
        if pending.kind == "confirm_done":
            payload = DonePayload.from_json(pending.payload)
            if choice == "other":
                ws.pending.resolve(pending, "other")
                return [self.tasks.ask_task(person, payload.base(), msg.again(pending.id))]
            if choice.startswith("day"):  # another day the message named
                payload = on_other_day(payload, pending.payload, choice)
            elif choice != "ok":
                return [Reply(t("choice.unknown"))]
            reply = self.tasks.record(person, payload)
            ws.pending.resolve(pending, choice)
            return [reply]
        index = int(choice) if choice.isdigit() else -1
        if pending.kind == "choose_task":
            payload = DonePayload.from_json(pending.payload)
            if not 0 <= index < len(payload.options):
                return [Reply(t("choice.unknown"))]
            task_id, _, period = payload.options[index].partition("|")
            reply = self.tasks.record(person, payload.for_task(task_id, period or None))
            ws.pending.resolve(pending, task_id)
            return [reply]
        if pending.kind == "choose_hazard":
            if not 0 <= index < len(pending.payload["options"]):
                return [Reply(t("choice.unknown"))]
            ws.pending.resolve(pending, str(pending.payload["options"][index]))
            return [self.hazards.fix_chosen(person, pending.payload, index)]
        if pending.kind == "photo_kind":
            return self.photo_kind(person, msg, pending, choice)
        return [Reply(t("choice.unknown"))]

    def photo_kind(
        self, person: Person, msg: Incoming, pending: Pending, choice: str
    ) -> list[Reply]:
        files = files_of(pending.payload.get("files"))
        source = pending.payload.get("source")
        self.ws.pending.resolve(pending, choice)
        follow = msg.with_photos(files, f"{source}:{choice}" if source else None)
        if choice == "hazard":
            payload = {"files": pending.payload.get("files"), "source": follow.source}
            self.ws.pending.create(person.id, "await_hazard_text", payload, follow.source)
            return [Reply(t("hazard.ask_text"))]
        if choice == "fix":
            return [self.hazards.choose(person, follow)]
        base = DonePayload.of(self.ws.today(), "", follow.source, files)
        return [self.tasks.ask_task(person, base, follow)]

    # ---- the next message was asked for ---------------------------------------------------

    def awaited(self, person: Person, msg: Incoming, pending: Pending) -> list[Reply] | None:
        """The answer to a prompt that waits for the next message; None when the message
        means something of its own (the prompt is dropped, except a wait for a photo)."""
        u = self.reader.understand(msg.text, person.role, bool(msg.photos))
        if pending.kind == "await_hazard_text":
            text = msg.text.strip()
            other = u.intent not in (Intent.HAZARD, Intent.UNCLEAR)
            if not text or other or means_its_own(u) or decision_words(normalize(text)):
                self.ws.pending.resolve(pending, "dropped")
                return None
            if not describes(text):
                return [Reply(t("hazard.ask_text"))]  # still waiting for the words
            if not self.ws.pending.resolve(pending, "text"):
                return [Reply(t("choice.already"))]
            files = files_of(pending.payload.get("files")) + list(msg.photos)
            described = msg.with_photos(files, msg.source)
            described = replace(described, text=text)
            return self.proposals.new_hazard(person, described, u)
        replies = self.proposals.answered(person, msg, pending, u)
        if replies is None and pending.kind != "await_photo":
            # a fix's photo may come hours later; anything else that means something of its
            # own ends the wait (the 见图 photo among them: it was meant to come next)
            self.ws.pending.resolve(pending, "dropped")
        return replies

    # ---- nobody could read it ---------------------------------------------------------------

    def where_it_stands(self, person: Person, ref: str, quiet: bool = True) -> str | None:
        """ "1号改好了一半", "27号现在改到哪一步了": nothing recorded; where the hazard stands and
        what to send when it is put right or needs more time. ``quiet``: None for a number
        that is not one of theirs (it may be a day: "24号去看了一下 老板还没整改"); else the
        UserError that says so."""
        try:
            hazard = self.ws.ledger.find(person, ref, self.ws.today())
        except UserError:
            if quiet:
                return None
            raise
        if hazard.state != OPEN:
            return t("hazard.still_state", number=hazard.number, state=hazard.state)
        key = "hazard.still_open" if person.role == "officer" else "hazard.still_open_office"
        return t(key, number=hazard.number, seq=hazard.seq, what=hazard.description[:20],
                 deadline=md(hazard.deadline))  # fmt: skip

    def unclear(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        ws = self.ws
        if msg.photos and not msg.text.strip():
            payload = {
                "files": files_json(msg.photos),
                "source": msg.source,
                "choices": ["done", "hazard", "fix"],
            }
            pending, _ = ws.pending.create(person.id, "photo_kind", payload, msg.source)
            kinds = tuple(
                (buttons.choice(t(f"btn.photo_{kind}"), pending.id, kind),)
                for kind in ("done", "hazard", "fix")
            )
            return [Reply(t("unclear.photo"), kinds)]
        today = ws.today()
        if (
            u.hazard
            and person.role in CODE_BY_ROLE
            and about_one_unfixed(normalize(msg.text))
            and (line := self.where_it_stands(person, u.hazard)) is not None
        ):
            return [Reply(t("hazard.nothing_recorded") + line)]
        if generic_done(msg.text) and person.role in (
            "officer",
            "street",
        ):
            base = DonePayload.of(today, msg.text, msg.source, msg.photos)
            return [self.tasks.ask_task(person, base, msg)]
        result = ws.library.search(msg.text)
        if result.found:
            code = result.codes[0]
            unit = ws.rulebook.unit(code)
            assert unit is not None
            rows = [(buttons.button(t("btn.show_item_code", code=code), buttons.ShowItem(code)),)]
            tasks = [x for x in unit.tasks if person.role in x.roles]
            if tasks:
                base = DonePayload.of(today, msg.text, msg.source, msg.photos)
                options = [f"{code}:{x.key}" for x in tasks]
                pending, _ = ws.pending.create(
                    person.id, "choose_task", base.offering(options).to_json(), msg.source
                )
                rows.append((buttons.choice(t("btn.report_done", code=code), pending.id, 0),))
            return [Reply(t("unclear.about", code=code, name=unit.name), tuple(rows))]
        if result.offtopic:  # "专干可以请两天假吗": say the rulebook does not cover it
            return [self.questions.answer(person, msg.text, public=msg.is_group)]
        return [Reply(t("unclear.hint"))]
