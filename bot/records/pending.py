"""Questions the assistant asked and is waiting to have answered (a choice of buttons, or
the next message). Kept in the database so a restart or a repeated message changes
nothing: the same incoming message always finds the same pending question.

A prompt that waits for the next message expires (30 minutes by default; a request for a
photo, 24 hours): an expired one is closed as "expired" when it is next looked at, and
never takes a message. A prompt with buttons keeps its choices, so a typed number works.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.records.store import Store, now_iso


@dataclass(frozen=True)
class Pending:
    id: int
    person_id: int | None
    kind: str
    payload: dict[str, Any]
    resolved: bool
    created_at: str = ""

    def older_than(self, now: datetime, hours: float) -> bool:
        return bool(self.created_at) and now - datetime.fromisoformat(self.created_at) > timedelta(
            hours=hours
        )


def _pending(row: dict[str, Any]) -> Pending:
    return Pending(
        row["id"],
        row["person_id"],
        row["kind"],
        json.loads(row["payload"]),
        row["resolved_at"] is not None,
        row["created_at"],
    )


class PendingStore:
    def __init__(self, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        """``clock``: the time prompts are stamped with (the workspace's)."""
        self.store = store
        self.clock = clock

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds") if self.clock else now_iso()

    def create(
        self, person_id: int | None, kind: str, payload: dict[str, Any], source: str | None
    ) -> tuple[Pending, bool]:
        """(pending, created); an already stored source returns the earlier one."""
        with self.store.write():
            if source and (
                row := self.store.one("SELECT * FROM pending WHERE source = ?", [source])
            ):
                return _pending(row), False
            if not kind.startswith("await_") and person_id is not None:
                # a new question with choices replaces the person's earlier ones: an old
                # proposal never answers a number typed for the new one
                self.store.db.execute(
                    "UPDATE pending SET resolved_at = ?, outcome = 'superseded' WHERE "
                    "person_id = ? AND resolved_at IS NULL AND kind NOT LIKE 'await_%'",
                    [self._now(), person_id],
                )
            pending_id = self.store.insert(
                "pending",
                {
                    "person_id": person_id,
                    "kind": kind,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "source": source,
                    "created_at": self._now(),
                },
            )
        found = self.get(pending_id)
        assert found is not None
        return found, True

    def get(self, pending_id: int) -> Pending | None:
        row = self.store.one("SELECT * FROM pending WHERE id = ?", [pending_id])
        return _pending(row) if row else None

    def update(self, pending: Pending, payload: dict[str, Any]) -> None:
        """Change what an open question remembers (a location shared while it is open)."""
        with self.store.write():
            self.store.db.execute(
                "UPDATE pending SET payload = ? WHERE id = ? AND resolved_at IS NULL",
                [json.dumps(payload, ensure_ascii=False), pending.id],
            )

    def resolve(self, pending: Pending, outcome: str) -> bool:
        """Mark answered; False if it already was (a button pressed twice)."""
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE pending SET resolved_at = ?, outcome = ? "
                "WHERE id = ? AND resolved_at IS NULL",
                [now_iso(), outcome, pending.id],
            )
        return cursor.rowcount == 1

    def awaiting(
        self, person_id: int, now: datetime, minutes: int, long_kinds: dict[str, int]
    ) -> Pending | None:
        """The latest open question that waits for the person's next message and has not
        expired (``minutes`` old at most, or the hours of ``long_kinds``); older ones are
        closed as expired."""
        rows = self.store.rows(
            "SELECT * FROM pending WHERE person_id = ? AND resolved_at IS NULL "
            "AND kind LIKE 'await_%' ORDER BY id DESC",
            [person_id],
        )
        found = None
        for row in rows:
            hours = long_kinds.get(row["kind"])
            limit = timedelta(hours=hours) if hours else timedelta(minutes=minutes)
            if now - datetime.fromisoformat(row["created_at"]) > limit:
                self.resolve(_pending(row), "expired")
            elif found is None:
                found = _pending(row)
        return found

    def latest_choice(self, person_id: int, now: datetime, minutes: int) -> Pending | None:
        """The latest open question with buttons, asked at most ``minutes`` ago."""
        since = (now - timedelta(minutes=minutes)).isoformat(timespec="seconds")
        row = self.store.one(
            "SELECT * FROM pending WHERE person_id = ? AND resolved_at IS NULL "
            "AND kind NOT LIKE 'await_%' AND created_at >= ? ORDER BY id DESC LIMIT 1",
            [person_id, since],
        )
        return _pending(row) if row else None

    def asked_choice_since(self, person_id: int, since: datetime) -> bool:
        """Whether the person was asked a question with buttons since then, answered or not
        (a number typed after it was answered or went stale is no question of its own)."""
        row = self.store.one(
            "SELECT id FROM pending WHERE person_id = ? AND kind NOT LIKE 'await_%' "
            "AND created_at >= ? LIMIT 1",
            [person_id, since.isoformat(timespec="seconds")],
        )
        return row is not None

    def close_open(self, person_id: int, outcome: str) -> int:
        """Close every open question of the person (a message that means something of its
        own arrived); how many were open."""
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE pending SET resolved_at = ?, outcome = ? "
                "WHERE person_id = ? AND resolved_at IS NULL AND kind LIKE 'await_%'",
                [now_iso(), outcome, person_id],
            )
        return cursor.rowcount
