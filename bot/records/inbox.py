"""The inbox: which channel messages have been taken up, by their channel's message id.

Invariants: a message id is handled by one owner (a running process) at a time; once it
is ``done`` it is never handled again, only acknowledged again. A message still marked
``handling`` by another owner (a process that died before finishing) may be taken over,
so a crash never loses a message that the gateway delivers again; so may one this process
left ``handling`` for longer than ``STUCK_MINUTES`` (its "done" was never written). Rows
older than ``KEEP_DAYS`` are dropped as new messages come in, so a long-running process
keeps the table small.

:class:`ShownChoices`: for channels that show choices as numbered links, the button data
behind each number shown to an account (see the class for how numbers are given).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import Enum

from bot.records.store import Store, now_iso
from bot.settings import TIMEZONE

KEEP_DAYS = 7
STUCK_MINUTES = 10  # a message handled for longer than this by this process is taken again
UNASKED_FIRST = 21  # choices of pushes and notices are numbered from here (up to 99)


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
                "SELECT state, owner, at FROM inbox WHERE channel = ? AND message_id = ?",
                [channel, message_id],
            )
            if row is not None and row["state"] == "done":
                return Taken.DONE
            if row is not None and row["owner"] == self.owner and row["at"] > _ago(STUCK_MINUTES):
                return Taken.BUSY
            self.store.db.execute("DELETE FROM inbox WHERE at < ?", [_ago(KEEP_DAYS * 24 * 60)])
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
        with self.store.write():
            self.store.db.execute("DELETE FROM inbox WHERE at < ?", [_ago(KEEP_DAYS * 24 * 60)])


def _ago(minutes: int) -> str:
    """The time ``minutes`` ago, written as now_iso() writes times."""
    return (datetime.now(TIMEZONE) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


class ShownChoices:
    """Numbers 1-20 are the choices of the latest reply in the conversation (a newer reply
    replaces them); 21-99 are the choices of messages sent unasked (pushes, notices), each
    new one numbered after the ones before, so a push never takes over the numbers of a
    question being answered and an earlier push's links still mean what they showed."""

    def __init__(self, store: Store, channel: str) -> None:
        self.store = store
        self.channel = channel

    def _load(self, external_id: str, hours: int) -> dict[str, list[str]]:
        row = self.store.one(
            "SELECT choices FROM shown_choices WHERE channel = ? AND external_id = ?",
            [self.channel, external_id],
        )
        sets = json.loads(row["choices"]) if row else {}
        if not isinstance(sets, dict):
            return {}
        cutoff = (datetime.now(TIMEZONE) - timedelta(hours=hours)).isoformat(timespec="seconds")
        return {
            kind: [str(d) for d in value.get("data", [])]
            for kind, value in sets.items()
            if isinstance(value, dict) and str(value.get("at", "")) >= cutoff
        }

    def _save(self, external_id: str, kind: str, data: list[str], hours: int) -> None:
        sets = {
            other: {"data": value, "at": now_iso()}
            for other, value in self._load(external_id, hours).items()
            if other != kind
        }
        sets[kind] = {"data": data, "at": now_iso()}
        self.store.db.execute(
            "INSERT INTO shown_choices (channel, external_id, choices, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, external_id) DO UPDATE SET choices = excluded.choices, "
            "at = excluded.at",
            [self.channel, external_id, json.dumps(sets, ensure_ascii=False), now_iso()],
        )

    def remember(self, external_id: str, data: list[str], hours: int) -> None:
        """A reply in the conversation: its choices (numbered from 1) replace the
        conversation's earlier ones."""
        with self.store.write():
            self._save(external_id, "asked", data[: UNASKED_FIRST - 1], hours)

    def add(self, external_id: str, data: list[str], hours: int) -> int:
        """A message sent unasked: returns the number of its first choice."""
        if not data:
            return UNASKED_FIRST
        with self.store.write():
            shown = self._load(external_id, hours).get("unasked", [])
            if UNASKED_FIRST + len(shown) + len(data) > 100:
                shown = []  # numbering starts again
            self._save(external_id, "unasked", shown + data, hours)
        return UNASKED_FIRST + len(shown)

    def chosen(self, external_id: str, number: int, hours: int) -> str | None:
        """The data behind ``number``, if it was shown within ``hours``."""
        sets = self._load(external_id, hours)
        if number >= UNASKED_FIRST:
            data, index = sets.get("unasked", []), number - UNASKED_FIRST
        else:
            data, index = sets.get("asked", []), number - 1
        return data[index] if 0 <= index < len(data) else None
