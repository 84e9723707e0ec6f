"""The SQLite store: schema with forward migrations, WAL, foreign keys, explicit transactions.

One Store owns one sqlite3 connection, and a connection may only be used by the thread
that made it. Synchronous callers (CLI, console chat, tests) use a Store directly;
async callers go through :class:`bot.service.AssistantService`, which runs every call on
one dedicated thread that owns the Store.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.settings import TIMEZONE
from bot.texts import t


class StoreThreadError(RuntimeError):
    pass


def now_iso() -> str:
    return datetime.now(TIMEZONE).isoformat(timespec="seconds")


_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'street', 'community')),
    parent_id INTEGER REFERENCES units(id),
    short TEXT,
    sample INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'street', 'admin')),
    unit_id INTEGER REFERENCES units(id),
    active INTEGER NOT NULL DEFAULT 1,
    push_time TEXT,
    muted INTEGER NOT NULL DEFAULT 0,
    sample INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE accounts (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    chat_id TEXT,
    bound_at TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE TABLE invites (
    code TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    name TEXT,
    created_by INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL,
    used_by INTEGER REFERENCES people(id),
    used_at TEXT
);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    rulebook TEXT NOT NULL,
    code TEXT NOT NULL,
    task TEXT NOT NULL,
    period TEXT NOT NULL,
    done_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    source TEXT UNIQUE,
    undone_at TEXT,
    undone_by INTEGER REFERENCES people(id)
);
CREATE INDEX records_unit_task ON records (unit_id, code, task, period);
CREATE TABLE hazards (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES units(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    rulebook TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    enterprise TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL CHECK (severity IN ('一般', '重大')),
    state TEXT NOT NULL CHECK (state IN ('待整改', '已整改待复核', '已销号')),
    reporter_id INTEGER NOT NULL REFERENCES people(id),
    reported_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    fixed_on TEXT,
    fixed_by INTEGER REFERENCES people(id),
    closed_on TEXT,
    closed_by INTEGER REFERENCES people(id),
    reject_reason TEXT,
    created_at TEXT NOT NULL,
    source TEXT UNIQUE,
    UNIQUE (street_id, year, seq)
);
CREATE TABLE hazard_events (
    id INTEGER PRIMARY KEY,
    hazard_id INTEGER NOT NULL REFERENCES hazards(id),
    action TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    source TEXT UNIQUE
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    record_id INTEGER REFERENCES records(id),
    hazard_id INTEGER REFERENCES hazards(id),
    event_id INTEGER REFERENCES hazard_events(id),
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    file_id TEXT,
    person_id INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL
);
CREATE TABLE pending (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people(id),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    source TEXT UNIQUE,
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    outcome TEXT
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person_id INTEGER,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""

_V2 = """
CREATE TABLE pushes (
    person_id INTEGER NOT NULL REFERENCES people(id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'daily',
    sent_at TEXT,
    status TEXT NOT NULL DEFAULT 'sending',
    PRIMARY KEY (person_id, day, kind)
);
CREATE TABLE snoozes (
    person_id INTEGER NOT NULL REFERENCES people(id),
    task_id TEXT NOT NULL,
    period TEXT NOT NULL,
    until TEXT NOT NULL,
    PRIMARY KEY (person_id, task_id, period)
);
"""

_V3 = """
ALTER TABLE accounts ADD COLUMN blocked_at TEXT;
"""

_V4 = """
CREATE TABLE unanswered (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    rulebook TEXT NOT NULL,
    text TEXT NOT NULL,
    offtopic TEXT NOT NULL DEFAULT '',
    taught_code TEXT
);
CREATE INDEX unanswered_rulebook_at ON unanswered (rulebook, at);
"""

# 已作废 (void) as a state, with its reason; place and enterprise kept in full; an optional
# location; photos marked 现场 (site) or 整改后 (after the fix); requests for more time.
# Rebuilding hazards to widen its CHECK runs with foreign keys off (see migrate()).
_V5 = """
CREATE TABLE hazards_v5 (
    id INTEGER PRIMARY KEY,
    street_id INTEGER NOT NULL REFERENCES units(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    year INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL UNIQUE,
    rulebook TEXT NOT NULL,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    enterprise TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL CHECK (severity IN ('一般', '重大')),
    state TEXT NOT NULL CHECK (state IN ('待整改', '已整改待复核', '已销号', '已作废')),
    reporter_id INTEGER NOT NULL REFERENCES people(id),
    reported_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    fixed_on TEXT,
    fixed_by INTEGER REFERENCES people(id),
    closed_on TEXT,
    closed_by INTEGER REFERENCES people(id),
    reject_reason TEXT,
    created_at TEXT NOT NULL,
    source TEXT UNIQUE,
    location TEXT,
    voided_on TEXT,
    voided_by INTEGER REFERENCES people(id),
    void_reason TEXT,
    UNIQUE (street_id, year, seq)
);
INSERT INTO hazards_v5 (id, street_id, unit_id, year, seq, number, rulebook, code, description,
    place, enterprise, severity, state, reporter_id, reported_on, deadline, fixed_on, fixed_by,
    closed_on, closed_by, reject_reason, created_at, source)
SELECT id, street_id, unit_id, year, seq, number, rulebook, code, description, place,
    enterprise, severity, state, reporter_id, reported_on, deadline, fixed_on, fixed_by,
    closed_on, closed_by, reject_reason, created_at, source FROM hazards;
DROP TABLE hazards;
ALTER TABLE hazards_v5 RENAME TO hazards;
ALTER TABLE evidence ADD COLUMN stage TEXT;
UPDATE evidence SET stage = '整改后' WHERE event_id IN
    (SELECT id FROM hazard_events WHERE action IN ('fix', 'close'));
UPDATE evidence SET stage = '现场' WHERE hazard_id IS NOT NULL AND stage IS NULL;
CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    hazard_id INTEGER NOT NULL REFERENCES hazards(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    asked_at TEXT NOT NULL,
    until TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'asked' CHECK (state IN ('asked', 'granted', 'refused')),
    decided_by INTEGER REFERENCES people(id),
    decided_at TEXT,
    source TEXT UNIQUE
);
"""

# V6: the day a unit's figures start counting, for a unit that brings earlier records
# (without it, the day the unit was registered).
_V6 = """
ALTER TABLE units ADD COLUMN start_date TEXT;
"""

# V7: access can be taken away: an invite can be revoked (it also expires, by its created_at
# and the configured days); wrong invite codes are counted per account to limit guessing.
_V7 = """
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
CREATE TABLE invite_attempts (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX invite_attempts_account ON invite_attempts (channel, external_id, at);
"""

# V8: messages a channel received, by the channel's own message id: a message the gateway
# delivers again (DingTalk re-sends what was not acknowledged) is handled once. The numbered
# choices a channel without buttons last showed each account (a typed number picks one).
_V8 = """
CREATE TABLE inbox (
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('handling', 'done')),
    owner TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (channel, message_id)
);
CREATE TABLE shown_choices (
    channel TEXT NOT NULL,
    external_id TEXT NOT NULL,
    choices TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8]


class SchemaError(RuntimeError):
    """The database cannot be used as it is (written by a newer GridSafe, or broken)."""

    def __init__(self, message: str, key: str = "store.broken") -> None:
        super().__init__(message)
        self.key = key


def storage_problem(error: BaseException) -> str | None:
    """The one Chinese line for a database or data folder that cannot be used (newer
    schema, corrupt file, disk full, read-only folder); None for any other error."""
    if isinstance(error, SchemaError):
        return t(error.key)
    text = str(error).lower()
    if isinstance(error, sqlite3.DatabaseError):
        if "full" in text:
            return t("store.disk_full")
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return t("store.read_only")
        if "locked" in text or "busy" in text:
            return t("store.locked")
        if any(word in text for word in ("not a database", "malformed", "corrupt", "i/o")):
            return t("store.broken")
        return None  # a constraint or a bug: not the file's fault
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return t("store.disk_full")
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return t("store.read_only")
    return None


class Store:
    """One SQLite database and the one connection to it."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._db: sqlite_utils.Database | None = None
        self._thread: int | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = self._connect()
            self._thread = threading.get_ident()
        elif self._thread != threading.get_ident():
            raise StoreThreadError("this Store belongs to another thread")
        return self._db

    def _connect(self) -> sqlite_utils.Database:
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level None: no implicit transactions; every write goes through write()
        conn = sqlite3.connect(str(self.path), timeout=10, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        return sqlite_utils.Database(conn)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ---- schema -----------------------------------------------------------------

    def version(self) -> int:
        if "meta" not in self.db.table_names():
            return 0
        row = self.one("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(row["value"]) if row else 0

    def check(self) -> None:
        """Refuse a damaged file before anything is read or written (PRAGMA quick_check)."""
        found = [r[0] for r in self.db.execute("PRAGMA quick_check").fetchall()]
        if found != ["ok"]:
            raise SchemaError(f"integrity check: {found[:3]}")

    def migrate(self) -> int:
        """Apply every migration newer than the database; returns the new version. A
        database written by a newer GridSafe is refused, never changed."""
        current = self.version()
        if current > len(MIGRATIONS):
            raise SchemaError(f"schema {current} > {len(MIGRATIONS)}", "store.newer")
        if current == len(MIGRATIONS):
            return current
        # a migration may rebuild a table that others reference: foreign keys are checked
        # once at the end of each migration instead (the pragma is ignored in a transaction)
        self.db.execute("PRAGMA foreign_keys=OFF")
        try:
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                with self.write():
                    for statement in _statements(script):
                        self.db.execute(statement)
                    broken = self.db.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise SchemaError(f"migration {number}: {len(broken)} broken references")
                    self.set_meta("schema_version", str(number))
        finally:
            self.db.execute("PRAGMA foreign_keys=ON")
        return len(MIGRATIONS)

    # ---- transactions and queries -----------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the write lock at once (BEGIN IMMEDIATE), so a
        read that decides a write cannot be overtaken by another writer."""
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one state of the database however long they take, while another
        process writes (a deferred read transaction: WAL keeps its snapshot)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def backup(self, target: Path) -> None:
        """A consistent copy while the bot runs (SQLite's online backup API)."""
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        copy = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(copy)
        finally:
            copy.close()

    def rows(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        row = self.db.execute(sql, params).fetchone()
        return dict(row) if row else None

    def value(self, sql: str, params: Any = ()) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def insert(self, table: str, row: dict[str, Any]) -> int:
        cursor = self.db.execute(
            f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        return int(cursor.lastrowid or 0)

    def audit(self, person_id: int | None, action: str, **detail: Any) -> None:
        self.insert(
            "audit",
            {
                "at": now_iso(),
                "person_id": person_id,
                "action": action,
                "detail": json.dumps(detail, ensure_ascii=False, default=str),
            },
        )

    def meta(self, key: str, default: str | None = None) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", [key])
        return row["value"] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.write():
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )


def _statements(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner semicolons)."""
    out, buffer = [], ""
    for line in script.strip().splitlines():
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return out
