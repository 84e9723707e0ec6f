"""More time for a hazard (延期): an officer asks with a date and a reason, the street office
grants or refuses; or the street office sets a later deadline itself. A changed deadline is
an event of the hazard (old → new) and an audit line; overdue marks follow the new deadline
because they are computed from it."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.errors import UserError
from bot.records.hazards import OPEN, Hazard, HazardLedger, HazardResult
from bot.records.org import Person
from bot.records.store import now_iso


class Deadlines:
    def __init__(self, ledger: HazardLedger) -> None:
        self.ledger = ledger
        self.store = ledger.store

    def ask(
        self, person: Person, hazard: Hazard, until: date, reason: str, *, source: str | None
    ) -> int:
        """An officer asks for a later deadline; the street office decides. The id of the
        request (the same one for a repeated message)."""
        self.ledger.check_unit(person, hazard)
        with self.store.write():
            if source and (
                row := self.store.one("SELECT id FROM extensions WHERE source = ?", [source])
            ):
                return int(row["id"])
            current = self.ledger.reload(hazard)
            self._check_later(current, until)
            if self.store.one(
                "SELECT id FROM extensions WHERE hazard_id = ? AND state = 'asked'", [hazard.id]
            ):
                raise UserError("hazard.extend_open", number=hazard.number)
            request = self.store.insert(
                "extensions",
                {"hazard_id": hazard.id, "person_id": person.id, "asked_at": now_iso(),
                 "until": until.isoformat(), "reason": reason[:200], "source": source},
            )  # fmt: skip
            self.ledger.event(hazard.id, "extend_ask", person, f"{until} {reason[:150]}", source)
            self.store.audit(person.id, "hazard.extend_ask", hazard=hazard.id, until=str(until))
        return request

    def get(self, request_id: int) -> dict[str, Any] | None:
        return self.store.one("SELECT * FROM extensions WHERE id = ?", [request_id])

    def decide(
        self, person: Person, request_id: int, grant: bool, *, source: str | None = None
    ) -> HazardResult:
        request = self.get(request_id)
        if request is None:
            raise UserError("hazard.unknown", ref=str(request_id))
        hazard = self.ledger.reload_id(request["hazard_id"])
        self.ledger.check_verifier(person, hazard)
        with self.store.write():
            request = self.get(request_id) or request  # as it is now, inside the transaction
            if self.ledger.seen(source) or request["state"] != "asked":
                return HazardResult(self.ledger.reload(hazard), duplicate=True)
            self.store.db.execute(
                "UPDATE extensions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                ["granted" if grant else "refused", person.id, now_iso(), request_id],
            )
            if grant:
                current = self.ledger.reload(hazard)
                until = date.fromisoformat(request["until"])
                self._check_later(current, until)
                self.move(person, current, until, source)
            else:
                self.ledger.event(hazard.id, "extend_refuse", person, request["until"], source)
            self.store.audit(person.id, "hazard.extend_decide", hazard=hazard.id, grant=grant)
        return HazardResult(self.ledger.reload(hazard))

    def asked_from(self, source: str) -> bool:
        """Whether a request for more time was already recorded from this message."""
        return self.store.one("SELECT id FROM extensions WHERE source = ?", [source]) is not None

    def extend(
        self, person: Person, hazard: Hazard, until: date, *, source: str | None = None
    ) -> HazardResult:
        """The street office sets a later deadline itself; a request still open for the hazard
        is settled by it (granted when it asked for no later a day, else refused), so it never
        waits for a decision that can no longer be taken."""
        self.ledger.check_verifier(person, hazard)
        with self.store.write():
            if done := self.ledger.replayed(source, hazard):
                return done
            current = self.ledger.reload(hazard)
            self._check_later(current, until)
            self.move(person, current, until, source)
            for request in self.store.rows(
                "SELECT * FROM extensions WHERE hazard_id = ? AND state = 'asked'", [hazard.id]
            ):
                granted = date.fromisoformat(request["until"]) <= until
                self.store.db.execute(
                    "UPDATE extensions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?",
                    ["granted" if granted else "refused", person.id, now_iso(), request["id"]],
                )
        return HazardResult(self.ledger.reload(hazard))

    @staticmethod
    def _check_later(hazard: Hazard, until: date) -> None:
        """More time only for a hazard still to be fixed, and only later than now."""
        if hazard.state != OPEN:
            raise UserError("hazard.not_open", number=hazard.number, state=hazard.state)
        if until <= hazard.deadline:
            raise UserError("hazard.extend_not_later", number=hazard.number,
                            deadline=hazard.deadline.isoformat())  # fmt: skip

    def move(self, person: Person, hazard: Hazard, until: date, source: str | None) -> None:
        note = f"{hazard.deadline.isoformat()} → {until.isoformat()}"
        self.store.db.execute(
            "UPDATE hazards SET deadline = ? WHERE id = ?", [until.isoformat(), hazard.id]
        )
        self.ledger.event(hazard.id, "extend", person, note, source)
        self.store.audit(person.id, "hazard.extend", hazard=hazard.id, change=note)
