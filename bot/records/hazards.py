"""Hazard ledger (隐患台账): report → 待整改 → 已整改待复核 → 已销号, numbered per street and year.

States move only along 待整改 → 已整改待复核 → 已销号, back to 待整改 when the street office
sends a fix back (or its reporter takes the fix report back), or to 已作废 (void: a false
alarm, a duplicate, not in this street) from any state before 已销号. Config may let the
reporter close a 一般 hazard directly. A hazard still 待整改 after its deadline is overdue;
a voided one counts nowhere (not in 处理率, not open) but stays in the ledger with its
reason. Every change is one transaction with its event and audit line; a change whose
source id was seen before changes nothing.
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

OPEN, FIXED, CLOSED, VOID = "待整改", "已整改待复核", "已销号", "已作废"
LIVE = (OPEN, FIXED)  # states that still need someone to act
SITE, AFTER = "现场", "整改后"  # photo stages
SEVERITIES = ("一般", "重大")
MAX_TEXT = 1000
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
    void_reason: str | None = None
    location: str | None = None

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
        void_reason=row.get("void_reason"),
        location=row.get("location"),
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
        street = self.org.street_id_of(person)
        if street is not None and any(r["street_id"] == street for r in rows):
            raise UserError("hazard.not_yours", number=rows[0]["number"])
        raise UserError("hazard.unknown", ref=ref)  # another street's: not even its existence

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
        location: str | None = None,
    ) -> HazardResult:
        """A new hazard. The description, place and enterprise are kept as written."""
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
                    "description": description[:MAX_TEXT],
                    "place": place[:MAX_TEXT],
                    "enterprise": enterprise[:MAX_TEXT],
                    "location": location,
                    "severity": severity,
                    "state": OPEN,
                    "reporter_id": person.id,
                    "reported_on": reported_on.isoformat(),
                    "deadline": deadline.isoformat(),
                    "created_at": now_iso(),
                    "source": source,
                },
            )
            event = self.event(hazard_id, "report", person, description[:200], source)
            attach(self.store, files or [], person.id, hazard_id=hazard_id, event_id=event,
                   stage=SITE)  # fmt: skip
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
        self.check_unit(person, hazard)
        with self.store.write():
            if done := self.replayed(source, hazard):
                return done
            current = self.reload(hazard)
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
            event = self.event(hazard.id, "close" if closes else "fix", person, note, source)
            attach(self.store, files or [], person.id, hazard_id=hazard.id, event_id=event,
                   stage=AFTER)  # fmt: skip
            self.store.audit(person.id, "hazard.fix", hazard=hazard.id, closed=closes)
        return HazardResult(self.reload(hazard))

    def verify(
        self, person: Person, hazard: Hazard, on: date, *, source: str | None = None
    ) -> HazardResult:
        self.check_verifier(person, hazard)
        with self.store.write():
            if done := self.replayed(source, hazard):
                return done
            current = self.reload(hazard)
            if current.state != FIXED:
                raise UserError("hazard.not_fixed", number=hazard.number, state=current.state)
            self.store.db.execute(
                "UPDATE hazards SET state = ?, closed_on = ?, closed_by = ? WHERE id = ?",
                [CLOSED, on.isoformat(), person.id, hazard.id],
            )
            self.event(hazard.id, "verify", person, "", source)
            self.store.audit(person.id, "hazard.verify", hazard=hazard.id)
        return HazardResult(self.reload(hazard))

    def reject(
        self, person: Person, hazard: Hazard, reason: str, *, source: str | None = None
    ) -> HazardResult:
        self.check_verifier(person, hazard)
        if not reason.strip():
            raise UserError("hazard.reject_needs_reason", number=hazard.number)
        with self.store.write():
            if done := self.replayed(source, hazard):
                return done
            current = self.reload(hazard)
            if current.state != FIXED:
                raise UserError("hazard.not_fixed", number=hazard.number, state=current.state)
            self.store.db.execute(
                "UPDATE hazards SET state = ?, reject_reason = ?, fixed_on = NULL, "
                "fixed_by = NULL WHERE id = ?",
                [OPEN, reason[:200], hazard.id],
            )
            self.event(hazard.id, "reject", person, reason[:200], source)
            self.store.audit(person.id, "hazard.reject", hazard=hazard.id, reason=reason[:200])
        return HazardResult(self.reload(hazard))

    def check_verifier(self, person: Person, hazard: Hazard) -> None:
        if not is_office(person, hazard):
            raise UserError("hazard.verify_street_only", number=hazard.number)

    def check_unit(self, person: Person, hazard: Hazard) -> None:
        """Only people of the hazard's unit (or its street, or an admin) act on it."""
        if not self.org.can_act_on(person, hazard.unit_id):
            raise UserError("hazard.not_yours", number=hazard.number)

    def replayed(self, source: str | None, hazard: Hazard) -> HazardResult | None:
        return HazardResult(self.reload(hazard), duplicate=True) if self.seen(source) else None

    def seen(self, source: str | None) -> bool:
        sql = "SELECT 1 FROM hazard_events WHERE source = ?"
        return bool(source) and self.store.one(sql, [source]) is not None

    def reload(self, hazard: Hazard) -> Hazard:
        fresh = self.get(hazard.id)
        assert fresh is not None
        return fresh

    def event(
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

    # ---- void, more time, more photos, taking back --------------------------------------

    def void(
        self, person: Person, hazard: Hazard, reason: str, *, source: str | None = None
    ) -> HazardResult:
        """已作废: by its reporter before a fix is reported, or by the street office (or an
        admin) at any time before 已销号. A reason is required (误报, 重复, 不属于本辖区 …)."""
        if not reason.strip():
            raise UserError("hazard.void_needs_reason", number=hazard.number)
        with self.store.write():
            if done := self.replayed(source, hazard):
                return done
            current = self.reload(hazard)
            office = is_office(person, current)
            if current.state not in LIVE:
                raise UserError("hazard.cannot_void", number=hazard.number, state=current.state)
            if not office and not (current.reporter_id == person.id and current.state == OPEN):
                raise UserError("hazard.void_who", number=hazard.number)
            self.store.db.execute(
                "UPDATE hazards SET state = ?, voided_on = ?, voided_by = ?, void_reason = ? "
                "WHERE id = ?",
                [VOID, now_iso()[:10], person.id, reason[:200], hazard.id],
            )
            self.event(hazard.id, "void", person, reason[:200], source)
            self.store.audit(person.id, "hazard.void", hazard=hazard.id, reason=reason[:200])
        return HazardResult(self.reload(hazard))

    def add_photos(
        self,
        person: Person,
        hazard: Hazard,
        files: list[EvidenceFile],
        stage: str,
        *,
        source: str | None = None,
    ) -> HazardResult:
        """More photos of a hazard: of the site (现场) or of the fix (整改后)."""
        self.check_unit(person, hazard)
        with self.store.write():
            if done := self.replayed(source, hazard):
                return done
            event = self.event(hazard.id, "photo", person, stage, source)
            attach(self.store, files, person.id, hazard_id=hazard.id, event_id=event, stage=stage)
            self.store.audit(person.id, "hazard.photo", hazard=hazard.id, stage=stage)
        return HazardResult(self.reload(hazard))

    def set_location(self, person: Person, hazard: Hazard, location: str) -> Hazard:
        """Where the hazard is, as shared from a phone ("lat,lon"); audited."""
        self.check_unit(person, hazard)
        with self.store.write():
            self.store.db.execute(
                "UPDATE hazards SET location = ? WHERE id = ?", [location, hazard.id]
            )
            self.store.audit(person.id, "hazard.location", hazard=hazard.id, location=location)
        return self.reload(hazard)

    def last_own_event(self, person: Person) -> dict[str, Any] | None:
        """The person's latest report or fix report that still stands."""
        return self.store.one(
            "SELECT e.*, h.state FROM hazard_events e JOIN hazards h ON h.id = e.hazard_id "
            "WHERE e.person_id = ? AND e.action IN ('report', 'fix') ORDER BY e.id DESC LIMIT 1",
            [person.id],
        )

    def take_back(self, person: Person, event: dict[str, Any]) -> Hazard:
        """/undo of one's own report (the hazard is voided: 撤回) or fix report (back to
        待整改), while nobody has acted on it since."""
        hazard = self.reload_id(event["hazard_id"])
        with self.store.write():
            later = self.store.value(
                "SELECT COUNT(*) FROM hazard_events WHERE hazard_id = ? AND id > ?",
                [hazard.id, event["id"]],
            )
            wanted = OPEN if event["action"] == "report" else FIXED
            if later or hazard.state != wanted:
                raise UserError("undo.acted_on", number=hazard.number)
            if event["action"] == "report":
                self.store.db.execute(
                    "UPDATE hazards SET state = ?, voided_on = ?, voided_by = ?, "
                    "void_reason = '撤回' WHERE id = ?",
                    [VOID, now_iso()[:10], person.id, hazard.id],
                )
            else:
                self.store.db.execute(
                    "UPDATE hazards SET state = ?, fixed_on = NULL, fixed_by = NULL WHERE id = ?",
                    [OPEN, hazard.id],
                )
            self.event(hazard.id, "undo_" + event["action"], person, "", None)
            self.store.audit(person.id, "hazard.undo", hazard=hazard.id, what=event["action"])
        return self.reload(hazard)

    def reload_id(self, hazard_id: int) -> Hazard:
        found = self.get(hazard_id)
        if found is None:
            raise UserError("hazard.unknown", ref=str(hazard_id))
        return found

    rates = staticmethod(lambda hazards, today: rates(hazards, today))


def is_office(person: Person, hazard: Hazard) -> bool:
    """The street office of the hazard's street, or an admin."""
    return person.role == "admin" or (
        person.role == "street" and person.unit_id == hazard.street_id
    )


def rates(hazards: list[Hazard], today: date) -> dict[str, float | int]:
    """处理率 = handled (fixed or closed) / reported; on-time = handled by the deadline /
    handled. Counts too, for reports. Voided hazards count nowhere."""
    hazards = [h for h in hazards if h.state != VOID]
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
