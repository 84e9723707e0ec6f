"""Task log: which unit fulfilled which task for which period, who said so, with what proof.

A report for a period whose quota is already met is kept as extra evidence and does not
count again; the same chat message delivered twice is stored once (its source id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.records.evidence import EvidenceFile, attach
from bot.records.org import Person
from bot.records.store import Store, now_iso


@dataclass(frozen=True)
class RecordResult:
    record_id: int
    duplicate: bool  # this message was stored before
    done: int  # records counting towards the quota, after this one
    extra: bool  # the quota was already met: kept as extra evidence


class TaskLog:
    def __init__(self, store: Store, rulebook_id: str) -> None:
        self.store = store
        self.rulebook_id = rulebook_id

    def snoozed(self, person_id: int, day: date) -> set[str]:
        """ "task_id|period" of the items the person put off (明天再提醒) past ``day``."""
        rows = self.store.rows(
            "SELECT task_id, period FROM snoozes WHERE person_id = ? AND until > ?",
            [person_id, day.isoformat()],
        )
        return {f"{r['task_id']}|{r['period']}" for r in rows}

    def done_count(self, unit_id: int, code: str, task: str, period: str) -> int:
        return int(
            self.store.value(
                "SELECT COUNT(*) FROM records WHERE unit_id = ? AND code = ? AND task = ? "
                "AND period = ? AND undone_at IS NULL AND rulebook = ?",
                [unit_id, code, task, period, self.rulebook_id],
            )
            or 0
        )

    def done_counts(self, unit_id: int, periods: list[str]) -> dict[tuple[str, str, str], int]:
        """(code, task, period) → records, for many periods at once."""
        if not periods:
            return {}
        marks = ",".join("?" * len(periods))
        rows = self.store.rows(
            "SELECT code, task, period, COUNT(*) AS n FROM records WHERE unit_id = ? "
            f"AND undone_at IS NULL AND rulebook = ? AND period IN ({marks}) "
            "GROUP BY code, task, period",
            [unit_id, self.rulebook_id, *periods],
        )
        return {(r["code"], r["task"], r["period"]): r["n"] for r in rows}

    def record(
        self,
        person: Person,
        unit_id: int,
        code: str,
        task: str,
        period: str,
        done_on: date,
        *,
        quota: int = 1,
        note: str = "",
        files: list[EvidenceFile] | None = None,
        source: str | None = None,
    ) -> RecordResult:
        with self.store.write():
            if source:
                existing = self.store.one("SELECT id FROM records WHERE source = ?", [source])
                if existing:
                    done = self.done_count(unit_id, code, task, period)
                    return RecordResult(existing["id"], True, done, done > quota)
            before = self.done_count(unit_id, code, task, period)
            record_id = self.store.insert(
                "records",
                {
                    "unit_id": unit_id,
                    "person_id": person.id,
                    "rulebook": self.rulebook_id,
                    "code": code,
                    "task": task,
                    "period": period,
                    "done_on": done_on.isoformat(),
                    "note": note[:500],
                    "created_at": now_iso(),
                    "source": source,
                },
            )
            attach(self.store, files or [], person.id, record_id=record_id)
            self.store.audit(
                person.id,
                "record.add",
                record=record_id,
                code=code,
                task=task,
                period=period,
                done_on=done_on.isoformat(),
            )
        return RecordResult(record_id, False, before + 1, before >= quota)

    def last_own(self, person: Person) -> dict[str, Any] | None:
        return self.store.one(
            "SELECT * FROM records WHERE person_id = ? AND undone_at IS NULL "
            "ORDER BY id DESC LIMIT 1",
            [person.id],
        )

    def undo_record(self, person: Person, record_id: int) -> dict[str, Any] | None:
        """Withdraw one of the person's own records (None if it is not theirs or gone)."""
        with self.store.write():
            row = self.store.one(
                "SELECT * FROM records WHERE id = ? AND person_id = ? AND undone_at IS NULL",
                [record_id, person.id],
            )
            if row is None:
                return None
            self.store.db.execute(
                "UPDATE records SET undone_at = ?, undone_by = ? WHERE id = ?",
                [now_iso(), person.id, record_id],
            )
            self.store.audit(person.id, "record.undo", record=record_id)
        return row

    def undo_last(self, person: Person) -> dict[str, Any] | None:
        with self.store.write():
            last = self.last_own(person)
            if last is None:
                return None
            self.store.db.execute(
                "UPDATE records SET undone_at = ?, undone_by = ? WHERE id = ?",
                [now_iso(), person.id, last["id"]],
            )
            self.store.audit(person.id, "record.undo", record=last["id"])
        return last

    def records(self, unit_ids: list[int], year: int | None = None) -> list[dict[str, Any]]:
        if not unit_ids:
            return []
        marks = ",".join("?" * len(unit_ids))
        sql = f"SELECT * FROM records WHERE unit_id IN ({marks}) AND undone_at IS NULL"
        params: list[Any] = list(unit_ids)
        if year is not None:
            sql += " AND substr(done_on, 1, 4) = ?"
            params.append(str(year))
        return self.store.rows(sql + " ORDER BY done_on, id", params)
