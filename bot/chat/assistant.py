"""The assistant: one entry point for every channel. ``handle`` takes a message (text
and/or photos) from a person and returns replies; ``press`` takes a chosen button. It only
dispatches: who the person is, what the message means, which feature acts on it.

Every accepted report is written to the database before a reply says it is recorded;
the same message delivered twice (same source id) is stored once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from bot.chat import buttons
from bot.chat.commands import BY_NAME, help_reply, unknown_reply
from bot.chat.features import Features
from bot.chat.followups import TAP_HOURS
from bot.chat.hazard_reports import PHOTO_WAITS
from bot.chat.intents import NUMBERED, RECORDING, Intent
from bot.chat.ledger_words import asks_if_hazard, without_asking
from bot.chat.payloads import files_json, files_of
from bot.chat.replies import Incoming, Reply
from bot.chat.report_words import generic_done, names_unsafe
from bot.chat.todo import wants_all
from bot.chat.understand import Understanding
from bot.errors import UserError
from bot.library import Library
from bot.records.hazards import CODE_BY_ROLE
from bot.records.org import GUEST, Person
from bot.settings import Settings
from bot.texts import t
from bot.workspace import Workspace, build_workspace

# A bare number typed within this many hours of a question with buttons that has since been
# answered or gone stale is taken for a late choice, not for rulebook part N.
STALE_NUMBER_HOURS = 12


# a fix command naming several hazards ("/fixed 1、2", "/fixed3,4"): never the first alone
_COMMAND_LIST = re.compile(r"^/\w+\s*(\d{1,5}(?:\s*[、,，和]\s*\d{1,5})+)(?!\d)")


class Assistant:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.features = Features.build(ws)

    # ---- entry points ---------------------------------------------------------------

    def person_of(self, msg: Incoming) -> Person:
        return self.ws.org.person_for_account(msg.channel, msg.user_id) or GUEST

    def handle(self, msg: Incoming) -> list[Reply]:
        ws = self.ws
        if len(msg.text) > ws.settings.max_message_chars:
            return [Reply(t("msg.too_long", n=len(msg.text), max=ws.settings.max_message_chars))]
        person = self.person_of(msg)
        if person.id and not person.active:
            return [Reply(t("person.inactive"))]
        if person.id and ws.store.one(
            "SELECT 1 FROM accounts WHERE channel = ? AND external_id = ? "
            "AND blocked_at IS NOT NULL",
            [msg.channel, msg.user_id],
        ):
            ws.org.set_blocked(msg.channel, msg.user_id, False)
        lost = self._lost_files(msg) if person.id else []
        if lost and not msg.text.strip() and not msg.photos:
            return lost  # only a file came, and it did not arrive
        try:
            return self._handle(person, msg) + lost
        except UserError as error:
            return [Reply(error.text), *lost]

    def takes_files(self, channel: str, user_id: str) -> bool:
        """Whether a channel may download the files this account sends: only a bound,
        active person's (a stranger's files are never fetched)."""
        person = self.ws.org.person_for_account(channel, user_id)
        return person is not None and person.active

    def _lost_files(self, msg: Incoming) -> list[Reply]:
        """One line per reason a sent file was not taken, asking for it again."""
        mb = f"{self.ws.settings.max_file_mb:g}"
        return [Reply(t(f"files.{why}", mb=mb)) for why in dict.fromkeys(msg.lost_files)]

    def press(self, msg: Incoming, data: str) -> list[Reply]:
        """A button was chosen; ``data`` is the button's data."""
        person = self.person_of(msg)
        if person.id and not person.active:
            return [Reply(t("person.inactive"))]
        try:
            return self._press(person, msg, data)
        except UserError as error:
            return [Reply(error.text)]

    def understand(self, text: str, role: str, has_photo: bool = False) -> Understanding:
        return self.features.reader.understand(text, role, has_photo)

    # ---- dispatch -------------------------------------------------------------------

    def _handle(self, person: Person, msg: Incoming) -> list[Reply]:
        f = self.features
        text = msg.text.strip()
        if msg.location is not None and person.id and not text and not msg.photos:
            return [f.proposals.located(person, msg)]
        if not text and not msg.photos:
            return [Reply(t("msg.empty"))]
        dropped: list[Reply] = []
        if person.id and text.startswith("/"):
            self.ws.pending.close_open(person.id, "dropped")  # a command: nothing waits on
        elif person.id:
            if typed := self._typed_choice(person, msg, text):
                return typed
            settings = self.ws.settings
            awaiting = self.ws.pending.awaiting(
                person.id, self.ws.now(), settings.prompt_minutes,
                {"await_photo": settings.photo_wait_hours},
            )  # fmt: skip
            if awaiting is not None:
                replies = f.followups.awaited(person, msg, awaiting)
                if replies is not None:
                    return replies
                if awaiting.kind not in PHOTO_WAITS:
                    dropped = [Reply(t("prompt.dropped"))]
        return dropped + self._read(person, msg, text)

    def _typed_choice(self, person: Person, msg: Incoming, text: str) -> list[Reply] | None:
        """A number typed in answer to the latest question with buttons."""
        if not re.fullmatch(r"\d{1,2}", text):
            return None
        ws = self.ws
        pending = ws.pending.latest_choice(person.id, ws.now(), ws.settings.prompt_minutes)
        choices = pending.payload.get("choices") if pending else None
        if (
            pending is None
            and not msg.is_group
            and ws.pending.asked_choice_since(
                person.id, ws.now() - timedelta(hours=STALE_NUMBER_HOURS)
            )
        ):
            minutes = ws.settings.prompt_minutes
            return [Reply(t("choice.none_open", n=text, minutes=minutes))]
        if pending is None or not choices:
            return None
        if not 1 <= int(text) <= len(choices):
            return None if msg.is_group else [Reply(t("choice.out_of_range", n=len(choices)))]
        return self._choose(person, msg, pending.id, choices[int(text) - 1])

    def _read(self, person: Person, msg: Incoming, text: str) -> list[Reply]:
        f = self.features
        u = self.understand(text, person.role if person.id else "", bool(msg.photos))
        command = BY_NAME.get(u.command or "")
        if u.command and (u.intent == Intent.COMMAND or (command and command.run)):
            return self._command(person, msg, u.command, u.text)
        if u.command and (refusal := self._refusal(person, u.command)):
            return [Reply(refusal)]
        if u.intent == Intent.START:
            return self.features.admin.start(person, msg, u.text)
        if u.intent == Intent.HELP:
            return [help_reply(person)]
        private = bool(person.id) and not msg.is_group
        asks_hazard = asks_if_hazard(text, names_unsafe(text))
        if asks_hazard and not private:
            # a guest, or a group chat, asking "…算隐患吗": the answer, never an offer
            return [f.questions.hazard_answer(person, u.text or text, public=msg.is_group)]
        if u.intent == Intent.QUESTION:
            if asks_hazard and person.role in CODE_BY_ROLE:
                head = f.questions.is_it_a_hazard(person, u.text or text)
                described = without_asking(msg.text.strip())
                return [self._offer(person, msg, [Intent.HAZARD.value], head, described)]
            return [f.questions.answer(person, u.text or text, public=msg.is_group)]
        generic = generic_done(text)  # "弄完了": asks which item instead
        offered = u.intent in RECORDING or u.intent == Intent.UNCLEAR
        if person.id and u.alternatives and offered and not generic:
            return [self._ask_which(person, msg, u)]
        return self._route(person, msg, u)

    def _route(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        f = self.features
        text = msg.text.strip()
        if not person.id:
            # A guest can only ask, so a bare keyword ("安康杯") is a question to them, and
            # so is one about a topic the rulebook does not cover ("年假怎么请").
            if u.intent == Intent.UNCLEAR and not msg.photos and f.questions.asks_rulebook(text):
                return [f.questions.answer(person, text, public=msg.is_group)]
            return [Reply(t("guest.need_invite"))]
        if u.intent == Intent.CHECKLIST:
            if u.hazard and not u.command and person.role in CODE_BY_ROLE:
                # "27号现在改到哪一步了", "47号是不是已经销号了": that hazard, or why there is none
                return [Reply(f.followups.where_it_stands(person, u.hazard, quiet=False) or "")]
            return [f.todo.todo(person, full=wants_all(u.text or text), text=u.text or text)]
        if u.intent == Intent.DONE:
            return f.tasks.done(person, msg, u)
        if u.intent == Intent.HAZARD:
            return (f.hazards.hazard if u.command else f.proposals.new_hazard)(person, msg, u)
        if u.intent == Intent.FIX and u.command:
            if listed := _COMMAND_LIST.match(msg.text.strip()):  # "/fixed 1、2": which, asked
                numbers = re.findall(r"\d{1,5}", listed.group(1))
                u = replace(u, hazard=numbers[0], also=tuple(numbers[1:]))
                return f.proposals.about_one(person, msg, u)
            return f.hazards.fix(person, msg, u)
        if u.intent in NUMBERED:
            return f.proposals.about_one(person, msg, u)
        if u.intent == Intent.UNCLEAR and msg.photos and u.hazard and not u.command:
            # a picture naming a hazard in words nothing else reads ("1号 现在的样子"): its
            # photos are offered to that hazard, never lost
            return f.proposals.about_one(person, msg, replace(u, intent=Intent.PHOTO))
        if u.intent == Intent.UNDO:
            return [f.tasks.propose_undo(person, msg)]
        return f.followups.unclear(person, msg, u)

    def _ask_which(self, person: Person, msg: Incoming, u: Understanding) -> Reply:
        """Not sure what the message means: ask, the likeliest reading first."""
        options = [u.intent.value, *(i.value for i in u.alternatives if i != u.intent)]
        if Intent.UNCLEAR.value in options:
            options.remove(Intent.UNCLEAR.value)
        text = u.text if u.command else ""  # "/fixed 1 老板说明天弄": "1 老板说明天弄" read again
        if u.hazard and all(Intent(o) in NUMBERED for o in options):  # all about that hazard
            # a hazard the person cannot act on ("/fixed 9 还没改好" with no hazard 9) is said
            # at once (UserError), never asked about first
            self.ws.ledger.find(person, u.hazard, self.ws.today())
            ref = f"{u.hazard}号" if u.hazard.isdigit() else u.hazard
            return self._offer(person, msg, options, t("ask.which_intent_about", ref=ref), text)
        return self._offer(person, msg, options, t("ask.which_intent"))

    def _offer(
        self, person: Person, msg: Incoming, options: list[str], head: str, text: str = ""
    ) -> Reply:
        """The message (or ``text``, what it describes) offered as each of these readings,
        with 取消 last; a tap reads it again as the one chosen."""
        payload = {
            "options": options,
            "text": text or msg.text,
            "files": files_json(msg.photos),
            "source": msg.source,
            "choices": [*map(str, range(len(options))), "no"],
        }
        pending, _ = self.ws.pending.create(person.id, "which_intent", payload, msg.source)
        rows = [(buttons.choice(t(f"intent.{o}"), pending.id, i),) for i, o in enumerate(options)]
        rows.append((buttons.choice(t("btn.cancel"), pending.id, "no"),))
        return Reply(head, tuple(rows))

    def _choose(self, person: Person, msg: Incoming, pending_id: int, choice: str) -> list[Reply]:
        """A choice made: what the message meant is read again as chosen; every other
        prompt is answered by the follow-ups."""
        pending = self.ws.pending.get(pending_id)
        if (
            pending is None
            or pending.kind != "which_intent"
            or pending.person_id != person.id
            or (pending.older_than(self.ws.now(), TAP_HOURS))
        ):
            return self.features.followups.choice(person, msg, pending_id, choice)
        if (
            choice == "no"
            or not choice.isdigit()
            or int(choice) >= len(pending.payload["options"])
        ):
            return self.features.followups.choice(person, msg, pending_id, "no")
        if not self.ws.pending.resolve(pending, choice):
            return [Reply(t("choice.already"))]
        payload = pending.payload
        again = Incoming(msg.channel, msg.user_id, msg.chat_id, f"{payload.get('source')}:as",
                         payload["text"], tuple(files_of(payload.get("files"))))  # fmt: skip
        intent = Intent(payload["options"][int(choice)])
        u = self.features.reader.read_as(intent, payload["text"], person.role, bool(again.photos))
        return self._route(person, again, u)

    def _refusal(self, person: Person, name: str) -> str | None:
        command = BY_NAME.get(name)
        return command.refusal(person.role if person.id else "guest") if command else None

    def _command(self, person: Person, msg: Incoming, name: str, args: str) -> list[Reply]:
        command = BY_NAME.get(name)
        if command is None or command.run is None:
            return [unknown_reply(name, person.role if person.id else "guest")]
        if refusal := self._refusal(person, name):
            return [Reply(refusal)]
        return command.run(self.features, person, msg, args)

    # ---- buttons ----------------------------------------------------------------------

    def _press(self, person: Person, msg: Incoming, data: str) -> list[Reply]:
        f = self.features
        pressed = buttons.decode(data)
        if isinstance(pressed, buttons.ShowItem):
            return [f.questions.answer(person, pressed.code, public=msg.is_group)]
        if not person.id:
            return [Reply(t("guest.need_invite"))]
        source = f"button:{msg.chat_id}:{msg.message_id}"
        match pressed:
            case buttons.Choice(pending_id, choice):
                return self._choose(person, msg, pending_id, choice)
            case buttons.Verify(hazard_id):
                hazard = f.hazards.by_id(hazard_id)
                return [f.hazards.verify(person, hazard, f"{source}:v")]
            case buttons.Reject(hazard_id):
                return [f.hazards.reject_prompt(person, hazard_id, f"{source}:r")]
            case buttons.Decide(request_id, grant):
                return [f.hazards.decide_extension(person, request_id, grant, f"{source}:x")]
            case buttons.MarkDone(task_id, period):
                return [f.tasks.mark_done(person, task_id, period, f"{source}:{data[2:]}")]
            case buttons.Snooze(task_id, period):
                return [f.tasks.snooze(person, task_id, period)]
        return [Reply(t("choice.unknown"))]


def build_assistant(
    settings: Settings,
    library: Library | None = None,
    db_path: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Assistant:
    """The assistant over a new workspace (see :func:`bot.workspace.build_workspace`)."""
    return Assistant(build_workspace(settings, library, db_path, clock))
