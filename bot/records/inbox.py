"""The inbox: which channel messages have been taken up, by their channel's message id.

Invariants: a message id is handled by one owner (a running process) at a time; once it
is ``done`` it is never handled again, only acknowledged again. A message still marked
``handling`` by another owner (a process that died before finishing) may be taken over,
so a crash never loses a message that the gateway delivers again. Rows older than
``KEEP_DAYS`` are dropped.

:class:`ShownChoices`: for channels that show choices as numbered links, the button data
behind each number last shown to an account; a newer set replaces the older one.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import Enum

from bot.records.store import Store, now_iso
from bot.settings import TIMEZONE

KEEP_DAYS = 7


class Taken(Enum):
    NEW = "new"  # handle it now
    BUSY = "busy"  # being handled by this process: leave it, the first delivery answers
    DONE = "done"  # handled before: acknowledge again, do nothing else


class Inbox:
    def __init__(self, store: Store, owner: str) -> None:
        self.store = store
        self.owner = owner

    def take(self, channel: str, message_id: str) -> Taken:
        with self.store.write():
            row = self.store.one(
                "SELECT state, owner FROM inbox WHERE channel = ? AND message_id = ?",
                [channel, message_id],
            )
            if row is not None and row["state"] == "done":
                return Taken.DONE
            if row is not None and row["owner"] == self.owner:
                return Taken.BUSY
            self.store.db.execute(
                "INSERT INTO inbox (channel, message_id, state, owner, at) "
                "VALUES (?, ?, 'handling', ?, ?) ON CONFLICT (channel, message_id) "
                "DO UPDATE SET owner = excluded.owner, at = excluded.at",
                [channel, message_id, self.owner, now_iso()],
            )
        return Taken.NEW

    def done(self, channel: str, message_id: str) -> None:
        with self.store.write():
            self.store.db.execute(
                "UPDATE inbox SET state = 'done', at = ? WHERE channel = ? AND message_id = ?",
                [now_iso(), channel, message_id],
            )

    def release(self, channel: str, message_id: str) -> None:
        """Handling failed: a later delivery of the message is taken up afresh."""
        with self.store.write():
            self.store.db.execute(
                "DELETE FROM inbox WHERE channel = ? AND message_id = ? AND state = 'handling'",
                [channel, message_id],
            )

    def forget_old(self) -> None:
        cutoff = (datetime.now(TIMEZONE) - timedelta(days=KEEP_DAYS)).isoformat(timespec="seconds")
        with self.store.write():
            self.store.db.execute("DELETE FROM inbox WHERE at < ?", [cutoff])


class ShownChoices:
    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel

    def remember(self, external_id: str, data: list[str]) -> None:
        with self.store.write():
            self.store.db.execute(
                "INSERT INTO shown_choices (channel, external_id, choices, at) "
                "VALUES (?, ?, ?, ?) "
                "ON CONFLICT (channel, external_id) DO UPDATE SET choices = excluded.choices, "
                "at = excluded.at",
                [self.channel, external_id, json.dumps(data, ensure_ascii=False), now_iso()],
            )

    def chosen(self, external_id: str, number: int, hours: int) -> str | None:
        """The data behind ``number`` (1-based) of the latest set, if shown within ``hours``."""
        row = self.store.one(
            "SELECT choices, at FROM shown_choices WHERE channel = ? AND external_id = ?",
            [self.channel, external_id],
        )
        if row is None:
            return None
        cutoff = datetime.now(TIMEZONE) - timedelta(hours=hours)
        if datetime.fromisoformat(row["at"]) < cutoff:
            return None
        data = json.loads(row["choices"])
        return str(data[number - 1]) if 1 <= number <= len(data) else None
