"""What a pending prompt remembers about a report until it is confirmed or chosen: one
dataclass, stored as JSON in the pending table (keys unchanged from earlier versions, so
prompts open across an upgrade still work)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from bot.records.evidence import EvidenceFile

NOTE_CHARS = 200


def files_json(files: Iterable[EvidenceFile]) -> list[dict[str, Any]]:
    return [asdict(f) for f in files]


def files_of(data: list[dict[str, Any]] | None) -> list[EvidenceFile]:
    return [EvidenceFile(**f) for f in data or []]


@dataclass(frozen=True)
class DonePayload:
    """A completion report waiting for its task: the day, the words, the photos, and the
    task (and period) once known, or the task options offered."""

    done_on: str
    note: str = ""
    source: str | None = None
    files: tuple[dict[str, Any], ...] = ()
    task_id: str | None = None
    period: str | None = None
    options: tuple[str, ...] = ()

    @classmethod
    def of(
        cls, day: date, note: str, source: str | None, files: Iterable[EvidenceFile]
    ) -> DonePayload:
        return cls(day.isoformat(), note[:NOTE_CHARS], source, tuple(files_json(files)))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DonePayload:
        return cls(
            done_on=data["done_on"],
            note=data.get("note", ""),
            source=data.get("source"),
            files=tuple(data.get("files") or ()),
            task_id=data.get("task_id"),
            period=data.get("period"),
            options=tuple(data.get("options") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["files"] = list(self.files)
        data["options"] = list(self.options)
        return data

    @property
    def day(self) -> date:
        return date.fromisoformat(self.done_on)

    @property
    def evidence(self) -> list[EvidenceFile]:
        return files_of(list(self.files))

    def for_task(self, task_id: str, period: str | None = None) -> DonePayload:
        return replace(self, task_id=task_id, period=period, options=())

    def offering(self, options: list[str]) -> DonePayload:
        return replace(self, options=tuple(options))

    def base(self) -> DonePayload:
        """The report without a task: to be asked about again."""
        return replace(self, task_id=None, period=None, options=())
