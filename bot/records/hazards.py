"""Hazard ledger (隐患台账): report → 待整改 → 已整改待复核 → 已销号, numbered per street and year.

The street office verifies a fix (or sends it back with a reason); config may let the
reporter close a 一般 hazard directly. A hazard still 待整改 after its deadline is overdue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.errors import UserError
from bot.records.evidence import EvidenceFile, attach
from bot.records.org import Org, OrgUnit, Person
from bot.records.store import Store, now_iso

OPEN, FIXED, CLOSED = "待整改", "已整改待复核", "已销号"
SEVERITIES = ("一般", "重大")
CODE_BY_ROLE = {"officer": "4.2.4", "street": "3.3.5"}
_NUMBER = re.compile(
    r"^(?:(?P<street>[\u4e00-\u9fff]{1,10})-)?(?:(?P<year>20\d\d)-)?0*(?P<seq>\d{1,5})$"
)


@dataclass(frozen=True)
class Hazard:
    id: int
    number: str
    seq: int
    year: int
    street_id: int
    unit_id: int
    code: str
    description: str
    place: str
    enterprise: str
    severity: str
    state: str
    reporter_id: int
    reported_on: date
    deadline: date
    fixed_on: date | None
    closed_on: date | None
    reject_reason: str | None

    def overdue(self, today: date) -> bool:
        return self.state == OPEN and today > self.deadline

    def closed_on_time(self) -> bool:
        return self.fixed_on is not None and self.fixed_on <= self.deadline


@dataclass(frozen=True)
class HazardResult:
    hazard: Hazard
    duplicate: bool = False


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _hazard(row: dict[str, Any]) -> Hazard:
    return Hazard(
        id=row["id"],
        number=row["number"],
        seq=row["seq"],
        year=row["year"],
        street_id=row["street_id"],
        unit_id=row["unit_id"],
        code=row["code"],
        description=row["description"],
        place=row["place"],
        enterprise=row["enterprise"],
        severity=row["severity"],
        state=row["state"],
        reporter_id=row["reporter_id"],
        reported_on=date.fromisoformat(row["reported_on"]),
        deadline=date.fromisoformat(row["deadline"]),
        fixed_on=_d(row["fixed_on"]),
        closed_on=_d(row["closed_on"]),
        reject_reason=row["reject_reason"],
    )


class HazardLedger:
    def __init__(
        self,
        store: Store,
        org: Org,
        rulebook_id: str,
        deadline_days: dict[str, int],
        reporter_closes_general: bool = False,
    ) -> None:
        self.store = store
        self.org = org
        self.rulebook_id = rulebook_id
        self.deadline_days = deadline_days
        self.reporter_closes_general = reporter_closes_general

    # ---- reading ------------------------------------------------------------------

    def get(self, hazard_id: int) -> Hazard | None:
        row = self.store.one("SELECT * FROM hazards WHERE id = ?", [hazard_id])
        return _hazard(row) if row else None

    def find(self, person: Person, ref: str, today: date) -> Hazard:
        """A hazard by what people type: 12, 0012, 连然-2026-0012, 2026-12."""
        match = _NUMBER.match(ref.strip())
        if not match:
            raise UserError("hazard.unknown", ref=ref)
        seq = int(match.group("seq"))
        rows = self.store.rows("SELECT * FROM hazards WHERE seq = ? ORDER BY year DESC", [seq])
        if match.group("year"):
            rows = [r for r in rows if r["year"] == int(match.group("year"))]
        if match.group("street"):
            rows = [r for r in rows if r["number"].startswith(match.group("street") + "-")]
        visible = self.org.visible_unit_ids(person)
        mine = [r for r in rows if r["unit_id"] in visible or r["street_id"] in visible]
        if mine:
            return _hazard(mine[0])
        if rows:
            raise UserError("hazard.not_yours", number=rows[0]["number"])
        raise UserError("hazard.unknown", ref=ref)

    def select(
        self,
        unit_ids: set[int] | list[int],
        states: tuple[str, ...] | None = None,
        year: int | None = None,
    ) -> list[Hazard]:
        ids = list(unit_ids)
        if not ids:
            return []
        sql = f"SELECT * FROM hazards WHERE unit_id IN ({','.join('?' * len(ids))})"
        params: list[Any] = list(ids)
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            params += list(states)
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        return [_hazard(r) for r in self.store.rows(sql + " ORDER BY deadline, id", params)]

    def history(self, hazard_id: int) -> list[dict[str, Any]]:
        return self.store.rows(
            "SELECT * FROM hazard_events WHERE hazard_id = ? ORDER BY id", [hazard_id]
        )

    # ---- changing -------------------------------------------------------------------

    def report(
        self,
        person: Person,
        description: str,
        reported_on: date,
        *,
        severity: str = "一般",
        place: str = "",
        enterprise: str = "",
        files: list[EvidenceFile] | None = None,
        source: str | None = None,
    ) -> HazardResult:
        if person.role not in CODE_BY_ROLE or person.unit_id is None:
            raise UserError("hazard.cannot_report")
        if severity not in SEVERITIES:
            raise UserError("hazard.bad_severity", severity=severity)
        unit = self.org.unit(person.unit_id)
        assert unit is not None
        street = self.org.street_of(unit)
        with self.store.write():
            if source and (
                row := self.store.one("SELECT * FROM hazards WHERE source = ?", [source])
            ):
                return HazardResult(_hazard(row), duplicate=True)
            year = reported_on.year
            seq = 1 + int(
                self.store.value(
                    "SELECT COALESCE(MAX(seq), 0) FROM hazards WHERE street_id = ? AND year = ?",
                    [street.id, year],
                )
                or 0
            )
            deadline = reported_on + timedelta(days=self.deadline_days.get(severity, 7))
            hazard_id = self.store.insert(
                "hazards",
                {
                    "street_id": street.id,
                    "unit_id": unit.id,
                    "year": year,
                    "seq": seq,
                    "number": self.number(street, year, seq),
                    "rulebook": self.rulebook_id,
                    "code": CODE_BY_ROLE[person.role],
                    "description": description[:1000],
                    "place": place[:100],
                    "enterprise": enterprise[:100],
                    "severity": severity,
                    "state": OPEN,
                    "reporter_id": person.id,
                    "reported_on": reported_on.isoformat(),
                    "deadline": deadline.isoformat(),
                    "created_at": now_iso(),
                    "source": source,
                },
            )
            event = self._event(hazard_id, "report", person, description[:200], source)
            attach(self.store, files or [], person.id, hazard_id=hazard_id, event_id=event)
            self.store.audit(person.id, "hazard.report", hazard=hazard_id, severity=severity)
        hazard = self.get(hazard_id)
        assert hazard is not None
        return HazardResult(hazard)

    @staticmethod
    def number(street: OrgUnit, year: int, seq: int) -> str:
        return f"{street.label}-{year}-{seq:04d}"

    def fix(
        self,
        person: Person,
        hazard: Hazard,
        on: date,
        *,
        note: str = "",
        files: list[EvidenceFile] | None = None,
        source: str | None = None,
    ) -> HazardResult:
        if not self.org.can_act_on(person, hazard.unit_id):
            raise UserError("hazard.not_yours", number=hazard.number)
        with self.store.write():
            if self._seen(source):
                return HazardResult(self._reload(hazard), duplicate=True)
            current = self._reload(hazard)
            if current.state != OPEN:
                raise UserError("hazard.not_open", number=hazard.number, state=current.state)
            closes = (
                self.reporter_closes_general
                and current.severity == "一般"
                and current.reporter_id == person.id
            )
            self.store.db.execute(
                "UPDATE hazards SET state = ?, fixed_on = ?, fixed_by = ?, closed_on = ?, "
                "closed_by = ? WHERE id = ?",
                [
                    CLOSED if closes else FIXED,
                    on.isoformat(),
                    person.id,
                    on.isoformat() if closes else None,
                    person.id if closes else None,
                    hazard.id,
                ],
            )
            event = self._event(hazard.id, "close" if closes else "fix", person, note, source)
            attach(self.store, files or [], person.id, hazard_id=hazard.id, event_id=event)
            self.store.audit(person.id, "hazard.fix", hazard=hazard.id, closed=closes)
        return HazardResult(self._reload(hazard))

    def verify(
        self, person: Person, hazard: Hazard, on: date, *, source: str | None = None
    ) -> HazardResult:
        self._check_verifier(person, hazard)
        with self.store.write():
            if self._seen(source):
                return HazardResult(self._reload(hazard), duplicate=True)
            current = self._reload(hazard)
            if current.state != FIXED:
                raise UserError("hazard.not_fixed", number=hazard.number, state=current.state)
            self.store.db.execute(
                "UPDATE hazards SET state = ?, closed_on = ?, closed_by = ? WHERE id = ?",
                [CLOSED, on.isoformat(), person.id, hazard.id],
            )
            self._event(hazard.id, "verify", person, "", source)
            self.store.audit(person.id, "hazard.verify", hazard=hazard.id)
        return HazardResult(self._reload(hazard))

    def reject(
        self, person: Person, hazard: Hazard, reason: str, *, source: str | None = None
    ) -> HazardResult:
        self._check_verifier(person, hazard)
        if not reason.strip():
            raise UserError("hazard.reject_needs_reason", number=hazard.number)
        with self.store.write():
            if self._seen(source):
                return HazardResult(self._reload(hazard), duplicate=True)
            current = self._reload(hazard)
            if current.state != FIXED:
                raise UserError("hazard.not_fixed", number=hazard.number, state=current.state)
            self.store.db.execute(
                "UPDATE hazards SET state = ?, reject_reason = ?, fixed_on = NULL, "
                "fixed_by = NULL WHERE id = ?",
                [OPEN, reason[:200], hazard.id],
            )
            self._event(hazard.id, "reject", person, reason[:200], source)
            self.store.audit(person.id, "hazard.reject", hazard=hazard.id, reason=reason[:200])
        return HazardResult(self._reload(hazard))

    def _check_verifier(self, person: Person, hazard: Hazard) -> None:
        if person.role == "admin":
            return
        if person.role != "street" or person.unit_id != hazard.street_id:
            raise UserError("hazard.verify_street_only", number=hazard.number)

    def _seen(self, source: str | None) -> bool:
        return (
            bool(source)
            and self.store.one("SELECT id FROM hazard_events WHERE source = ?", [source])
            is not None
        )

    def _reload(self, hazard: Hazard) -> Hazard:
        fresh = self.get(hazard.id)
        assert fresh is not None
        return fresh

    def _event(
        self, hazard_id: int, action: str, person: Person, note: str, source: str | None
    ) -> int:
        return self.store.insert(
            "hazard_events",
            {
                "hazard_id": hazard_id,
                "action": action,
                "person_id": person.id,
                "at": now_iso(),
                "note": note,
                "source": source,
            },
        )

    # ---- figures --------------------------------------------------------------------

    @staticmethod
    def rates(hazards: list[Hazard], today: date) -> dict[str, float | int]:
        """处理率 = handled (fixed or closed) / reported; on-time = handled by the deadline /
        handled. Counts too, for reports."""
        total = len(hazards)
        handled = [h for h in hazards if h.state != OPEN]
        closed = [h for h in hazards if h.state == CLOSED]
        on_time = [h for h in handled if h.closed_on_time()]
        return {
            "reported": total,
            "handled": len(handled),
            "closed": len(closed),
            "overdue": sum(h.overdue(today) for h in hazards),
            "handling_rate": len(handled) / total if total else 1.0,
            "on_time_rate": len(on_time) / len(handled) if handled else 1.0,
        }
