"""Evidence files (photos, documents) attached to a record or a hazard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # light to import: chat messages carry EvidenceFile
    from bot.records.store import Store


@dataclass(frozen=True)
class EvidenceFile:
    path: str
    kind: str = "photo"
    file_id: str | None = None


def attach(
    store: Store,
    files: list[EvidenceFile],
    person_id: int,
    *,
    record_id: int | None = None,
    hazard_id: int | None = None,
    event_id: int | None = None,
    stage: str | None = None,
) -> None:
    """Inside the caller's transaction. ``stage``: 现场 (the site as found) or 整改后 (after
    the fix), for a hazard's photos."""
    from bot.records.store import now_iso  # here: EvidenceFile alone stays light to import

    for f in files:
        store.insert(
            "evidence",
            {
                "record_id": record_id,
                "hazard_id": hazard_id,
                "event_id": event_id,
                "kind": f.kind,
                "path": f.path,
                "file_id": f.file_id,
                "person_id": person_id,
                "created_at": now_iso(),
                "stage": stage,
            },
        )
