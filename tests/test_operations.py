"""Operations: a consistent backup while the bot runs, a damaged or newer database refused
with one Chinese line, a read-only folder and a full disk said plainly, a token the server
rejects never printed, and the year's export reading one snapshot while the bot writes."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.office.export import export_year
from bot.records.store import MIGRATIONS, SchemaError, Store, storage_problem
from bot.texts import t
from tests.botapi import BotAPIStandin


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRIDSAFE_DATA", str(tmp_path))
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    monkeypatch.delenv("GRIDSAFE_DB", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def test_backup_is_a_consistent_copy_while_another_connection_writes(data_dir, capsys):
    assert main(["unit", "add", "连然街道"]) == 0
    writer = Store(data_dir / "gridsafe.db")  # the running bot, mid-transaction
    writer.db.conn.execute("BEGIN IMMEDIATE")
    writer.insert("units", {"name": "未提交街道", "kind": "street", "created_at": "x"})
    target = data_dir / "backups" / "copy.db"
    assert main(["backup", str(target)]) == 0
    assert "已备份到" in capsys.readouterr().out
    writer.db.conn.execute("COMMIT")
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    names = {r[0] for r in copy.execute("SELECT name FROM units")}
    assert names == {"连然街道"}  # committed state only
    assert main(["backup", str(data_dir / "gridsafe.db")]) == 2  # never over itself


def test_a_backup_that_cannot_be_written_names_the_backup_file(data_dir, capsys):
    assert main(["unit", "add", "连然街道"]) == 0
    capsys.readouterr()
    blocker = data_dir / "not-a-folder"
    blocker.write_text("x")  # a file where the backup's folder should be
    assert main(["backup", str(blocker / "copy.db")]) == 2
    captured = capsys.readouterr()
    assert "备份文件" in captured.err and "not-a-folder" in captured.err
    assert "数据文件夹" not in captured.err and "Traceback" not in captured.err + captured.out


def test_a_corrupt_database_is_one_line_and_left_alone(data_dir, capsys):
    db = data_dir / "gridsafe.db"
    db.write_bytes(b"this is not a database at all" * 200)
    before = db.read_bytes()
    assert main(["units"]) == 2
    captured = capsys.readouterr()
    assert "损坏" in captured.err and "Traceback" not in captured.err + captured.out
    assert len(captured.err.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_a_damaged_page_fails_the_integrity_check(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    store.migrate()
    with store.write():
        for i in range(400):
            store.insert("units", {"name": f"单位{i}" * 20, "kind": "street", "created_at": "x"})
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    raw = bytearray((tmp_path / "a.db").read_bytes())
    page = 4096
    for offset in range(page * 3, len(raw) - page, page * 2):
        raw[offset + 8 : offset + 200] = b"\xff" * 192  # scribble over b-tree pages
    (tmp_path / "a.db").write_bytes(bytes(raw))
    with pytest.raises((SchemaError, sqlite3.DatabaseError)) as caught:
        Store(tmp_path / "a.db").check()
    assert "损坏" in (storage_problem(caught.value) or "")


def test_a_database_of_a_newer_gridsafe_is_refused_unchanged(data_dir, capsys):
    store = Store(data_dir / "gridsafe.db")
    store.migrate()
    store.set_meta("schema_version", str(len(MIGRATIONS) + 1))
    store.close()
    assert main(["units"]) == 2
    err = capsys.readouterr().err
    assert "更新版本" in err and "Traceback" not in err
    again = Store(data_dir / "gridsafe.db")
    assert again.version() == len(MIGRATIONS) + 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_data_folder_is_one_line(data_dir, capsys):
    data_dir.chmod(0o500)
    try:
        assert main(["units"]) == 2
    finally:
        data_dir.chmod(0o700)
    err = capsys.readouterr().err
    assert "不可写" in err and "Traceback" not in err


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's read-only /sys")
def test_a_data_folder_that_cannot_be_written_is_one_line(data_dir, capsys, monkeypatch):
    monkeypatch.setenv("GRIDSAFE_DATA", "/sys/gridsafe-test")  # not writable, even for root
    assert main(["units"]) == 2
    err = capsys.readouterr().err
    assert "不可写" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_disk_full_and_read_only_errors_are_named():
    full = sqlite3.OperationalError("database or disk is full")
    assert "磁盘已满" in (storage_problem(full) or "")
    assert "磁盘已满" in (storage_problem(OSError(errno.ENOSPC, "No space left")) or "")
    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    assert "不可写" in (storage_problem(readonly) or "")
    assert "不可写" in (storage_problem(PermissionError(errno.EACCES, "denied")) or "")
    assert storage_problem(ValueError("x")) is None
    assert storage_problem(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


def test_disk_full_while_writing_is_one_line(data_dir, capsys, monkeypatch):
    from bot.records import org

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(org.Org, "add_unit", full)
    assert main(["unit", "add", "连然街道"]) == 2
    err = capsys.readouterr().err
    assert "磁盘已满" in err and "Traceback" not in err


def test_export_reads_one_snapshot_while_the_bot_writes(assistant, street_org, tmp_path):
    officer = street_org("officer", "金色社区")
    officer.confirm("发现加油站旁边电线乱拉", photos=1)
    ws = assistant.ws
    other = Store(ws.store.path)  # the bot, in another process, goes on writing
    people = type(ws.org).people

    def people_while_writing(self, active_only=True):
        with other.write():
            other.db.execute(
                "INSERT INTO hazards (street_id, unit_id, year, seq, number, rulebook, code, "
                "description, severity, state, reporter_id, reported_on, deadline, created_at) "
                "SELECT street_id, unit_id, year, seq + 1, number || 'b', rulebook, code, "
                "description, severity, state, reporter_id, reported_on, deadline, created_at "
                "FROM hazards WHERE id = 1"
            )
            other.db.execute(
                "INSERT INTO evidence (hazard_id, kind, path, person_id, created_at, stage) "
                "VALUES (last_insert_rowid(), 'photo', '/nowhere.jpg', 1, 'x', '现场')"
            )
        return people(self, active_only)

    unit = ws.org.find_unit("连然街道")
    try:
        type(ws.org).people = people_while_writing  # type: ignore[method-assign]
        result = export_year(ws, unit, 2026, tmp_path / "out")
    finally:
        type(ws.org).people = people  # type: ignore[method-assign]
    assert result.hazards == 1  # the state when the export began
    assert ws.store.value("SELECT COUNT(*) FROM hazards") == 2


def test_a_rejected_token_is_one_line_never_printed(tmp_path: Path):
    with BotAPIStandin() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": "123456:WRONG-token-that-must-not-show",
            "TELEGRAM_API_URL": api.base_url,
            "TELEGRAM_FILE_URL": api.base_file_url,
            "GRIDSAFE_DATA": str(tmp_path),
        }
        env.pop("GRIDSAFE_CONFIG", None)
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    out = done.stdout + done.stderr
    assert done.returncode == 2
    assert "WRONG-token" not in out and "123456" not in out
    assert "Traceback" not in out
    assert "令牌" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_gridsafe_run_on_a_corrupt_database_is_one_line(tmp_path: Path):
    (tmp_path / "gridsafe.db").write_bytes(b"garbage, not SQLite" * 300)
    with BotAPIStandin() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.base_url,
            "TELEGRAM_FILE_URL": api.base_file_url,
            "GRIDSAFE_DATA": str(tmp_path),
        }
        env.pop("GRIDSAFE_CONFIG", None)
        env.pop("GRIDSAFE_DB", None)
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 2
    assert "损坏" in done.stderr and "Traceback" not in done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and api.token not in done.stderr


def test_gridsafe_run_on_dingtalk_with_a_corrupt_database_is_its_one_line(tmp_path, capsys):
    from bot.settings import Settings
    from handlers.runner import run

    (tmp_path / "gridsafe.db").write_bytes(b"garbage, not SQLite" * 300)
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "gridsafe.db",
        dingtalk_client_id="dingid",
        dingtalk_client_secret="the-client-secret",
        dingtalk_api_url="http://127.0.0.1:9",
    )
    assert run(settings, "dingtalk") == 2
    out, err = capsys.readouterr()
    assert "损坏" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err and "the-client-secret" not in out + err
    assert (tmp_path / "gridsafe.db").read_bytes() == b"garbage, not SQLite" * 300


def test_a_rejected_token_beside_dingtalk_is_the_same_one_line(tmp_path, capsys):
    from bot.settings import Settings
    from handlers.runner import run

    with BotAPIStandin() as api:
        settings = Settings(
            data_dir=tmp_path,
            db_path=tmp_path / "gridsafe.db",
            telegram_token="123456:WRONG-token-that-must-not-show",
            telegram_api_url=api.base_url,
            telegram_file_url=api.base_file_url,
            dingtalk_client_id="dingid",
            dingtalk_client_secret="the-client-secret",
            dingtalk_api_url="http://127.0.0.1:9",
        )
        assert run(settings) == 2
    out, err = capsys.readouterr()
    assert "令牌" in err and len(err.strip().splitlines()) == 1
    assert "WRONG-token" not in out + err and "the-client-secret" not in out + err


def test_gridsafe_run_when_telegram_cannot_be_reached_is_one_line(tmp_path: Path):
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "123456:token-that-must-not-show",
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",  # nothing listens there
        "GRIDSAFE_DATA": str(tmp_path),
    }
    for name in ("GRIDSAFE_CONFIG", "GRIDSAFE_DB", "DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], env=env, capture_output=True, text=True, timeout=120
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "token-that" not in out
    # the run ends in its one line, not in an uncaught traceback (PTB's own log record of
    # the failed connection, above it, is the log)
    assert done.stderr.strip().splitlines()[-1] == t("run.failed", what="NetworkError")


def test_dingtalk_credentials_the_server_rejects_are_one_line_never_printed(tmp_path, capsys):
    """As a token Telegram rejects: one Chinese line and exit 2 (systemd does not restart
    into the same refusal), not a stream that retries for ever."""
    from bot.settings import Settings
    from handlers.runner import run
    from tests.dtapi import DingTalkStandin

    with DingTalkStandin() as api:
        settings = Settings(
            data_dir=tmp_path,
            db_path=tmp_path / "gridsafe.db",
            dingtalk_client_id=api.client_id,
            dingtalk_client_secret="wrong-secret-that-must-not-show",
            dingtalk_api_url=api.base_url,
            dingtalk_oapi_url=api.base_url,
        )
        assert run(settings, "dingtalk") == 2
    out, err = capsys.readouterr()
    assert t("dt.bad_credentials") in err and len(err.strip().splitlines()) == 1
    assert "wrong-secret" not in out + err and "Traceback" not in out + err
