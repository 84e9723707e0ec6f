"""Evidence files (photos, documents) attached to a record or a hazard, and which files a
channel may download at all: photos, images and PDF documents, up to the configured size,
and only for bound people (the channel asks the assistant, :meth:`Assistant.takes_files`).
"""

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


# why a file sent in a chat was not taken: it could not be fetched, it is over the size
# limit (ours, or the chat service's own), or it is of a kind that is not evidence (a
# channel puts these on Incoming.lost_files)
FAILED, TOO_BIG, TOO_BIG_FOR_SERVICE, WRONG_TYPE = "failed", "too_big", "too_big_service", "type"
DOCUMENT_TYPES = ("application/pdf",)


def file_refusal(mime_type: str | None, size: int | None, max_bytes: int) -> str | None:
    """None when a file may be downloaded, else why not. ``mime_type`` None: a photo."""
    if mime_type is not None:
        mime = mime_type.lower()
        if not (mime.startswith("image/") or mime in DOCUMENT_TYPES):
            return WRONG_TYPE
    if size is not None and size > max_bytes:
        return TOO_BIG
    return None


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
