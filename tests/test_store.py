from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.records.store import MIGRATIONS, Store, StoreThreadError


def test_migrates_to_latest_and_records_version(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    assert store.version() == 0
    assert store.migrate() == len(MIGRATIONS)
    assert store.version() == len(MIGRATIONS)
    assert store.migrate() == len(MIGRATIONS)  # idempotent
    assert {"records", "hazards", "audit", "pushes"} <= set(store.db.table_names())


def test_forward_migration_from_an_older_database(tmp_path: Path):
    store = Store(tmp_path / "old.db")
    with store.write():
        for statement in MIGRATIONS[0].split(";\n"):
            if (
                statement.strip()
                and "TRIGGER" not in statement
                and "BEGIN SELECT" not in statement
            ):
                store.db.execute(statement)
        store.db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    assert store.version() == 1
    store.migrate()
    assert store.version() == len(MIGRATIONS) and "pushes" in store.db.table_names()


def test_wal_and_foreign_keys(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    store.migrate()
    assert store.value("PRAGMA journal_mode") == "wal"
    assert store.value("PRAGMA foreign_keys") == 1
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.insert(
            "people", {"name": "x", "role": "officer", "unit_id": 999, "created_at": "2026-01-01"}
        )


def test_a_failed_transaction_leaves_nothing(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    store.migrate()
    with pytest.raises(RuntimeError), store.write():
        store.insert("units", {"name": "甲街道", "kind": "street", "created_at": "x"})
        raise RuntimeError("boom")
    assert store.value("SELECT COUNT(*) FROM units") == 0


def test_audit_log_is_append_only(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    store.migrate()
    with store.write():
        store.audit(None, "test", detail="x")
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.db.execute("UPDATE audit SET action = 'changed'")
    with pytest.raises(sqlite3.IntegrityError), store.write():
        store.db.execute("DELETE FROM audit")
    assert store.value("SELECT action FROM audit") == "test"


def test_connection_belongs_to_its_thread(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    store.migrate()
    errors: list[Exception] = []

    def other() -> None:
        try:
            store.version()
        except StoreThreadError as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert errors


def test_service_runs_the_core_on_its_own_thread(settings, library, clock):
    from bot.chat.assistant import build_assistant
    from bot.chat.replies import Incoming
    from bot.service import AssistantService

    async def scenario() -> list[str]:
        service = AssistantService(lambda: build_assistant(settings, library=library, clock=clock))
        await service.start()
        msgs = [Incoming("t", "u", "c", str(i), "巡查一周几次") for i in range(20)]
        replies = await asyncio.gather(*(service.handle(m) for m in msgs))
        await service.close()
        return [r[0].text for r in replies]

    texts = asyncio.run(scenario())
    assert len(texts) == 20 and all("【4.2.3】" in text for text in texts)
