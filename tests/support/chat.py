"""Driving the assistant as a channel would, in tests: one person's chat (say, press, the
buttons offered) and a clock the test sets."""

from __future__ import annotations

import itertools
from datetime import datetime

from bot.chat.assistant import Assistant
from bot.chat.replies import Incoming, Reply
from bot.records.evidence import EvidenceFile
from bot.settings import TIMEZONE

_ids = itertools.count(1)


def next_id() -> int:
    """A number no other message or user of this test run has."""
    return next(_ids)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, 9, 0, tzinfo=TIMEZONE)  # type: ignore[misc]


class Chat:
    """One person's chat with the assistant, as a channel would drive it."""

    def __init__(self, assistant: Assistant, user: str, channel: str = "test") -> None:
        self.assistant = assistant
        self.user = user
        self.channel = channel
        self.last: list[Reply] = []

    def incoming(self, text: str = "", photos: int = 0) -> Incoming:
        files = tuple(
            EvidenceFile(f"/evidence/{self.user}-{next(_ids)}.jpg", "photo", f"file-{i}")
            for i in range(photos)
        )
        return Incoming(
            self.channel, self.user, f"chat-{self.user}", str(next(_ids)), text, files, self.user
        )

    def say(self, text: str = "", photos: int = 0) -> str:
        self.last = self.assistant.handle(self.incoming(text, photos))
        return "\n".join(r.text for r in self.last)

    def send(self, msg: Incoming) -> str:
        self.last = self.assistant.handle(msg)
        return "\n".join(r.text for r in self.last)

    def buttons(self) -> list[tuple[str, str]]:
        return [(b.label, b.data) for r in self.last for row in r.buttons for b in row]

    def confirm(self, text: str = "", photos: int = 0) -> str:
        """Say something that is proposed for confirmation, and tap choice 1."""
        proposal = self.say(text, photos)
        if not self.buttons():
            return proposal
        _label, data = self.buttons()[0]
        self.last = self.assistant.press(self.incoming(), data)
        return "\n".join(r.text for r in self.last)

    def press(self, label: str) -> str:
        data = next(d for lbl, d in self.buttons() if label in lbl)
        self.last = self.assistant.press(self.incoming(), data)
        return "\n".join(r.text for r in self.last)
