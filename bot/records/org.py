"""Organisation: units in a tree (street → communities), people, invites, chat accounts.

A person sees and changes only their own unit; a street sees its communities; an admin
sees everything. An unused invite expires after the configured days (and can be revoked:
bot.records.access); every bad code (wrong, used, revoked, expired) gets the same answer,
and an account gets at most MAX_WRONG_CODES wrong codes an hour. A deactivated person
gets no push or notice.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.errors import UserError
from bot.records.store import Store, now_iso
from bot.settings import TIMEZONE

ROLES = ("officer", "street", "admin")
ROLE_UNIT_KIND = {"officer": "community", "street": "street"}
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_INVITE_RE = re.compile(r"^[A-Z0-9]{6,12}$")
MAX_WRONG_CODES = 5  # per account per hour


def name_key(name: str) -> str:
    """A unit name for matching: NFKC (full-width to half-width), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


@dataclass(frozen=True)
class OrgUnit:
    id: int
    name: str
    kind: str
    parent_id: int | None
    short: str | None
    sample: bool
    registered_on: date | None = None
    start_date: date | None = None  # configured: the unit brings records from before joining

    @property
    def counting_start(self) -> date | None:
        """Nothing due before this day counts for the unit (not open, not overdue)."""
        return self.start_date or self.registered_on

    @property
    def label(self) -> str:
        return self.short or re.sub(r"(街道|社区|村委会|管委会)$", "", self.name) or self.name


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    role: str
    unit_id: int | None
    active: bool = True
    push_time: str | None = None
    muted: bool = False
    sample: bool = False


GUEST = Person(id=0, name="访客", role="guest", unit_id=None)


def _unit(row: dict[str, Any]) -> OrgUnit:
    return OrgUnit(
        row["id"],
        row["name"],
        row["kind"],
        row["parent_id"],
        row["short"],
        bool(row["sample"]),
        _day(row.get("created_at")),
        _day(row.get("start_date")),
    )


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _person(row: dict[str, Any]) -> Person:
    return Person(
        row["id"],
        row["name"],
        row["role"],
        row["unit_id"],
        bool(row["active"]),
        row["push_time"],
        bool(row["muted"]),
        bool(row["sample"]),
    )


def _usable(invite: dict[str, Any] | None, now: datetime, days: int) -> dict[str, Any]:
    """The invite, or one answer for a wrong, used, revoked or expired code."""
    if invite is None or invite["used_by"] is not None or invite["revoked_at"] is not None:
        raise UserError("org.invite_wrong")
    made = datetime.fromisoformat(invite["created_at"])
    if made.tzinfo is None:
        made = made.replace(tzinfo=TIMEZONE)
    if now - made > timedelta(days=days):
        raise UserError("org.invite_wrong")
    return invite


class Org:
    def __init__(
        self, store: Store, now: Callable[[], datetime] | None = None, invite_days: int = 7
    ) -> None:
        self.store = store
        self._now = now  # the workspace's clock: a unit joins on its day
        self.invite_days = invite_days

    def now_iso(self) -> str:
        return self._now().isoformat(timespec="seconds") if self._now else now_iso()

    # ---- units ------------------------------------------------------------------

    def units(self) -> list[OrgUnit]:
        return [_unit(r) for r in self.store.rows("SELECT * FROM units ORDER BY id")]

    def unit(self, unit_id: int | None) -> OrgUnit | None:
        if unit_id is None:
            return None
        row = self.store.one("SELECT * FROM units WHERE id = ?", [unit_id])
        return _unit(row) if row else None

    def unit_named(self, name: str) -> OrgUnit | None:
        """By name as written; full-width and half-width brackets and spaces count alike
        (连然街道（示例） = 连然街道(示例))."""
        row = self.store.one("SELECT * FROM units WHERE name = ?", [name.strip()])
        if row:
            return _unit(row)
        wanted = name_key(name)
        return next((u for u in self.units() if name_key(u.name) == wanted), None)

    def find_unit(self, name: str) -> OrgUnit:
        unit = self.unit_named(name)
        if unit is None:
            raise UserError("org.unknown_unit", name=name)
        return unit

    def children(self, unit_id: int) -> list[OrgUnit]:
        rows = self.store.rows("SELECT * FROM units WHERE parent_id = ? ORDER BY id", [unit_id])
        return [_unit(r) for r in rows]

    def street_of(self, unit: OrgUnit) -> OrgUnit:
        if unit.kind == "community" and unit.parent_id is not None:
            parent = self.unit(unit.parent_id)
            if parent is not None:
                return parent
        return unit

    def street_id_of(self, person: Person) -> int | None:
        """The street a person works in (their own, or their community's)."""
        unit = self.unit(person.unit_id)
        return self.street_of(unit).id if unit is not None else None

    def add_unit(
        self,
        name: str,
        parent: str | None = None,
        *,
        short: str | None = None,
        sample: bool = False,
        by: Person | None = None,
        start_date: date | None = None,
    ) -> OrgUnit:
        """A street (no parent) or a community (parent = its street). Its figures count from
        the day it is added, or from ``start_date`` when it brings earlier records."""
        name = name.strip()
        if not name or len(name) > 40:
            raise UserError("org.bad_unit_name")
        if self.unit_named(name):
            raise UserError("org.unit_exists", name=name)
        parent_unit = self.find_unit(parent) if parent else None
        if parent_unit is not None and parent_unit.kind != "street":
            raise UserError("org.parent_not_street", name=parent_unit.name)
        if by is not None and by.role != "admin":
            raise UserError("org.admin_only")
        kind = "community" if parent_unit else "street"
        with self.store.write():
            unit_id = self.store.insert(
                "units",
                {
                    "name": name,
                    "kind": kind,
                    "parent_id": parent_unit.id if parent_unit else None,
                    "short": short,
                    "sample": int(sample),
                    "created_at": self.now_iso(),
                    "start_date": start_date.isoformat() if start_date else None,
                },
            )
            self.store.audit(by.id if by else None, "unit.add", name=name, parent=parent)
        unit = self.unit(unit_id)
        assert unit is not None
        return unit

    def set_start(
        self, unit: OrgUnit, start_date: date | None, by: Person | None = None
    ) -> OrgUnit:
        """Count the unit's figures from ``start_date`` (None: from the day it joined)."""
        if by is not None and by.role != "admin":
            raise UserError("org.admin_only")
        value = start_date.isoformat() if start_date else None
        with self.store.write():
            self.store.db.execute("UPDATE units SET start_date = ? WHERE id = ?", [value, unit.id])
            self.store.audit(by.id if by else None, "unit.start", name=unit.name, start=value)
        found = self.unit(unit.id)
        assert found is not None
        return found

    def apply_start_dates(self, start_dates: dict[str, date]) -> None:
        """The configured start dates (config ``start_dates``), where they differ."""
        for name, day in start_dates.items():
            unit = self.find_unit(name)
            if unit.start_date != day:
                self.set_start(unit, day)

    def seed(self, organisation: dict[str, list[str]], sample: bool = False) -> None:
        """Create the streets and communities of a config mapping that are missing."""
        for street, communities in organisation.items():
            if not self.unit_named(street):
                self.add_unit(street, sample=sample)
            for community in communities:
                if not self.unit_named(community):
                    self.add_unit(community, street, sample=sample)

    # ---- people, invites, accounts ----------------------------------------------

    def person(self, person_id: int) -> Person | None:
        row = self.store.one("SELECT * FROM people WHERE id = ?", [person_id])
        return _person(row) if row else None

    def people(self, active_only: bool = True) -> list[Person]:
        sql = "SELECT * FROM people" + (" WHERE active = 1" if active_only else "")
        return [_person(r) for r in self.store.rows(sql + " ORDER BY id")]

    def people_of_unit(self, unit_id: int) -> list[Person]:
        rows = self.store.rows("SELECT * FROM people WHERE unit_id = ? AND active = 1", [unit_id])
        return [_person(r) for r in rows]

    def create_invite(
        self, role: str, unit_name: str | None, name: str | None = None, by: Person | None = None
    ) -> str:
        if role not in ROLES:
            raise UserError("org.bad_role", role=role)
        if by is not None and by.role != "admin":
            raise UserError("org.admin_only")
        unit = self.find_unit(unit_name) if unit_name else None
        needed = ROLE_UNIT_KIND.get(role)
        if needed and (unit is None or unit.kind != needed):
            raise UserError(f"org.invite_needs_{needed}", role=role)
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
        with self.store.write():
            self.store.insert(
                "invites",
                {
                    "code": code,
                    "role": role,
                    "unit_id": unit.id if unit else None,
                    "name": name,
                    "created_by": by.id if by else None,
                    "created_at": now_iso(),
                },
            )
            self.store.audit(
                by.id if by else None,
                "invite.create",
                role=role,
                unit=unit.name if unit else None,
                name=name,
            )
        return code

    def redeem(
        self,
        code: str,
        channel: str,
        external_id: str,
        chat_id: str | None,
        display_name: str,
        now: datetime | None = None,
    ) -> Person:
        now = now or datetime.now(TIMEZONE)
        hour_ago = (now - timedelta(hours=1)).isoformat(timespec="seconds")
        wrong = self.store.value(
            "SELECT COUNT(*) FROM invite_attempts WHERE channel = ? AND external_id = ? "
            "AND at > ?",
            [channel, external_id, hour_ago],
        )
        if wrong >= MAX_WRONG_CODES:
            raise UserError("org.invite_too_many")
        try:
            return self._redeem(code.strip().upper(), channel, external_id, chat_id,
                                display_name, now)  # fmt: skip
        except UserError as error:
            if error.key == "org.invite_wrong":  # counted outside the failed transaction
                with self.store.write():
                    self.store.insert(
                        "invite_attempts",
                        {"channel": channel, "external_id": external_id,
                         "at": now.isoformat(timespec="seconds")},
                    )  # fmt: skip
            raise

    def _redeem(
        self,
        code: str,
        channel: str,
        external_id: str,
        chat_id: str | None,
        display_name: str,
        now: datetime,
    ) -> Person:
        if not _INVITE_RE.match(code):
            raise UserError("org.invite_wrong")
        with self.store.write():
            invite = self.store.one("SELECT * FROM invites WHERE code = ?", [code])
            invite = _usable(invite, now, self.invite_days)
            bound = self.store.one(
                "SELECT person_id FROM accounts WHERE channel = ? AND external_id = ?",
                [channel, external_id],
            )
            if bound is not None:
                raise UserError("org.already_bound")
            person_id = self.store.insert(
                "people",
                {
                    "name": (invite["name"] or display_name or "未命名")[:40],
                    "role": invite["role"],
                    "unit_id": invite["unit_id"],
                    "created_at": now_iso(),
                },
            )
            self.bind_account(person_id, channel, external_id, chat_id)
            self.store.db.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?",
                [person_id, now_iso(), code],
            )
            self.store.audit(person_id, "invite.redeem", code=code, channel=channel)
        person = self.person(person_id)
        assert person is not None
        return person

    def add_person(
        self,
        name: str,
        role: str,
        unit_name: str | None,
        *,
        sample: bool = False,
        channel: str | None = None,
        external_id: str | None = None,
    ) -> Person:
        """Directly, for seeding sample data (normal people join with an invite)."""
        unit = self.find_unit(unit_name) if unit_name else None
        with self.store.write():
            person_id = self.store.insert(
                "people",
                {
                    "name": name,
                    "role": role,
                    "unit_id": unit.id if unit else None,
                    "sample": int(sample),
                    "created_at": now_iso(),
                },
            )
            if channel and external_id:
                self.bind_account(person_id, channel, external_id, external_id)
            self.store.audit(None, "person.add", name=name, role=role, sample=sample)
        person = self.person(person_id)
        assert person is not None
        return person

    def bind_account(
        self, person_id: int, channel: str, external_id: str, chat_id: str | None
    ) -> None:
        """The one way an account is bound to a person (inside or outside a transaction);
        binding an account that is already bound to that person changes nothing."""
        with self.store.write():
            self.store.db.execute(
                "INSERT INTO accounts (channel, external_id, person_id, chat_id, bound_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, external_id) DO NOTHING",
                [channel, external_id, person_id, chat_id, now_iso()],
            )

    def person_for_account(self, channel: str, external_id: str) -> Person | None:
        row = self.store.one(
            "SELECT p.* FROM people p JOIN accounts a ON a.person_id = p.id "
            "WHERE a.channel = ? AND a.external_id = ?",
            [channel, external_id],
        )
        return _person(row) if row else None

    def accounts_of(self, person_id: int, channel: str) -> list[dict[str, Any]]:
        return self.store.rows(
            "SELECT * FROM accounts WHERE person_id = ? AND channel = ?", [person_id, channel]
        )

    def update_person(self, person: Person, **fields: Any) -> Person:
        allowed = {"push_time", "muted", "active", "name"}
        changes = {k: v for k, v in fields.items() if k in allowed}
        with self.store.write():
            sets = ", ".join(f"{k} = ?" for k in changes)
            self.store.db.execute(
                f"UPDATE people SET {sets} WHERE id = ?", [*changes.values(), person.id]
            )
            self.store.audit(person.id, "person.update", **changes)
        updated = self.person(person.id)
        assert updated is not None
        return updated

    def accounts_for_push(self, person_id: int, channel: str) -> list[dict[str, Any]]:
        """Where pushes and notices reach an active person (none for a deactivated one)."""
        return self.store.rows(
            "SELECT a.* FROM accounts a JOIN people p ON p.id = a.person_id "
            "WHERE a.person_id = ? AND a.channel = ? AND a.blocked_at IS NULL "
            "AND p.active = 1",
            [person_id, channel],
        )

    def set_blocked(self, channel: str, external_id: str, blocked: bool) -> None:
        """A person who blocked the bot gets no more pushes until they write again."""
        with self.store.write():
            self.store.db.execute(
                "UPDATE accounts SET blocked_at = ? WHERE channel = ? AND external_id = ?",
                [now_iso() if blocked else None, channel, external_id],
            )
            self.store.audit(
                None,
                "account.blocked" if blocked else "account.unblocked",
                channel=channel,
                account=external_id,
            )

    # ---- access -------------------------------------------------------------------

    def visible_unit_ids(self, person: Person) -> set[int]:
        if person.role == "admin":
            return {u.id for u in self.units()}
        if person.unit_id is None:
            return set()
        ids = {person.unit_id}
        if person.role == "street":
            ids |= {u.id for u in self.children(person.unit_id)}
        return ids

    def can_act_on(self, person: Person, unit_id: int) -> bool:
        return unit_id in self.visible_unit_ids(person)
