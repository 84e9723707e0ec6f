"""The console chat: the same assistant in a terminal, so the product runs with no token.

Choices are shown numbered and answered by typing the number; ``/photo PATH [caption]``
stands in for sending a picture; works with piped input (one message per line).
"""

from __future__ import annotations

import shutil
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.chat.assistant import Assistant
from bot.chat.replies import Button, Incoming, Reply
from bot.errors import UserError
from bot.records.evidence import EvidenceFile
from bot.records.org import Person
from bot.texts import t

CHANNEL = "console"


class ConsoleChat:
    def __init__(self, assistant: Assistant, out: TextIO = sys.stdout) -> None:
        self.assistant = assistant
        self.out = out
        self.user_id = f"guest-{uuid.uuid4().hex[:8]}"
        self.choices: list[Button] = []
        self.counter = 0

    # ---- identity -----------------------------------------------------------------

    def act_as(self, person_id: int) -> Person:
        org = self.assistant.ws.org
        person = org.person(person_id)
        if person is None:
            raise UserError("console.no_person", id=person_id)
        external = f"person-{person_id}"
        org.bind_account(person_id, CHANNEL, external, f"console-{person_id}")
        self.user_id = external
        return person

    def redeem(self, code: str) -> None:
        self.user_id = f"invite-{uuid.uuid4().hex[:8]}"
        self.send(f"/start {code}")
        person = self.assistant.ws.org.person_for_account(CHANNEL, self.user_id)
        if person is not None:
            self.act_as(person.id)
            self.print(t("console.resume", id=person.id))

    def whoami(self) -> str:
        person = self.assistant.ws.org.person_for_account(CHANNEL, self.user_id)
        if person is None:
            return t("console.guest")
        unit = self.assistant.ws.org.unit(person.unit_id)
        return t(
            "console.me",
            name=person.name,
            role=t(f"role.{person.role}"),
            unit=unit.name if unit else "",
            id=person.id,
        )

    # ---- messages -------------------------------------------------------------------

    def _incoming(self, text: str, photos: tuple[EvidenceFile, ...] = ()) -> Incoming:
        self.counter += 1
        message_id = f"{int(time.time() * 1000)}-{self.counter}"
        return Incoming(
            CHANNEL,
            self.user_id,
            f"console-{self.user_id}",
            message_id,
            text,
            photos,
            "控制台用户",
        )

    def send(self, line: str) -> None:
        line = line.strip()
        if line.isdigit() and self.choices and 1 <= int(line) <= len(self.choices):
            button = self.choices[int(line) - 1]
            self.print(t("console.chose", label=button.label))
            self.show(self.assistant.press(self._incoming(""), button.data))
            return
        if line.startswith("/photo"):
            self._photo(line)
            return
        if line.startswith("/as"):
            who = line[3:].strip()
            try:
                if not who.isdigit():
                    raise UserError("console.as_usage")
                person = self.act_as(int(who))
            except UserError as error:  # an unknown identity: say so and stay in the chat
                self.print(error.text)
                return
            self.print(t("console.switched", name=person.name))
            return
        if line == "/whoami":
            self.print(self.whoami())
            return
        self.show(self.assistant.handle(self._incoming(line)))

    def _photo(self, line: str) -> None:
        parts = line.split(maxsplit=2)
        if len(parts) < 2 or not Path(parts[1]).is_file():
            self.print(t("console.photo_usage"))
            return
        source = Path(parts[1])
        target_dir = self.assistant.ws.settings.files_dir / "console"
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"{uuid.uuid4().hex[:12]}{source.suffix.lower() or '.jpg'}"
        shutil.copyfile(source, target)
        photo = EvidenceFile(str(target), "photo")
        caption = parts[2] if len(parts) > 2 else ""
        self.show(self.assistant.handle(self._incoming(caption, (photo,))))

    def show(self, replies: Iterable[Reply]) -> None:
        self.choices = []
        for reply in replies:
            self.print(reply.text)
            for row in reply.buttons:
                for button in row:
                    self.choices.append(button)
                    self.print(f"  {len(self.choices)}. {button.label}")
            for path in reply.files:
                self.print(t("console.file", path=path.path))
            for notice in reply.notices:
                person = self.assistant.ws.org.person(notice.person_id)
                name = person.name if person else str(notice.person_id)
                self.print(t("console.notify", name=name, text=notice.reply.text))

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def run(self, lines: Iterable[str], interactive: bool) -> None:
        self.print(t("console.banner", who=self.whoami()))
        for line in lines:
            if line.strip() in ("/quit", "/exit", "退出"):
                break
            if line.strip():
                self.send(line)
            if interactive:
                print("> ", end="", file=self.out, flush=True)
