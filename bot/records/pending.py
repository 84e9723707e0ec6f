"""Questions the assistant asked and is waiting to have answered (a choice of buttons, or
the next message). Kept in the database so a restart or a repeated message changes
nothing: the same incoming message always finds the same pending question."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.records.store import Store, now_iso


@dataclass(frozen=True)
class Pending:
    id: int
    person_id: int | None
    kind: str
    payload: dict[str, Any]
    resolved: bool


def _pending(row: dict[str, Any]) -> Pending:
    return Pending(
        row["id"],
        row["person_id"],
        row["kind"],
        json.loads(row["payload"]),
        row["resolved_at"] is not None,
    )


class PendingStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self, person_id: int | None, kind: str, payload: dict[str, Any], source: str | None
    ) -> tuple[Pending, bool]:
        """(pending, created); an already stored source returns the earlier one."""
        with self.store.write():
            if source and (
                row := self.store.one("SELECT * FROM pending WHERE source = ?", [source])
            ):
                return _pending(row), False
            pending_id = self.store.insert(
                "pending",
                {
                    "person_id": person_id,
                    "kind": kind,
                    "payload": json.dumps(payload, ensure_ascii=False),
                    "source": source,
                    "created_at": now_iso(),
                },
            )
        found = self.get(pending_id)
        assert found is not None
        return found, True

    def get(self, pending_id: int) -> Pending | None:
        row = self.store.one("SELECT * FROM pending WHERE id = ?", [pending_id])
        return _pending(row) if row else None

    def resolve(self, pending: Pending, outcome: str) -> bool:
        """Mark answered; False if it already was (a button pressed twice)."""
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE pending SET resolved_at = ?, outcome = ? "
                "WHERE id = ? AND resolved_at IS NULL",
                [now_iso(), outcome, pending.id],
            )
        return cursor.rowcount == 1

    def awaiting(self, person_id: int) -> Pending | None:
        """The latest open question that waits for the person's next message."""
        row = self.store.one(
            "SELECT * FROM pending WHERE person_id = ? AND resolved_at IS NULL "
            "AND kind LIKE 'await_%' ORDER BY id DESC LIMIT 1",
            [person_id],
        )
        return _pending(row) if row else None
