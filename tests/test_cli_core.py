from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GRIDSAFE_DATA", str(tmp_path))
    monkeypatch.delenv("GRIDSAFE_DB", raising=False)
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_units_invite_checklist_hazards(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    run(capsys, "unit", "add", "连然街道", "--start-date", "2026-01-01")
    run(capsys, "unit", "add", "金色社区", "--parent", "连然街道", "--start-date", "2026-01-01")
    units = json.loads(run(capsys, "units", "--json"))
    assert [(u["name"], u["kind"]) for u in units] == [
        ("连然街道", "street"),
        ("金色社区", "community"),
    ]
    code = run(capsys, "invite", "--role", "officer", "--unit", "金色社区", "--name", "王五")
    code = code.strip().splitlines()[-1]
    assert len(code) == 8 and code.isalnum()
    data = json.loads(
        run(
            capsys,
            "checklist",
            "--unit",
            "金色社区",
            "--role",
            "officer",
            "--date",
            "2026-11-25",
            "--json",
        )
    )
    tasks = {(t["code"], t["task"], t["period"]): t for t in data["tasks"]}
    patrol = tasks[("4.2.3", "patrol", "2026-W48")]
    assert patrol["due"] == "2026-11-29" and patrol["status"] == "open"
    assert json.loads(run(capsys, "hazards", "--json")) == []


def test_bad_unit_and_role(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["checklist", "--unit", "不存在", "--role", "officer"]) == 2
    assert "没有叫“不存在”的单位" in capsys.readouterr().err
    assert main(["invite", "--role", "officer", "--unit", "不存在"]) == 2


def test_understand_json(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    data = json.loads(run(capsys, "understand", "本周巡查已完成", "--role", "officer", "--json"))
    assert data["intent"] == "done" and data["codes"] == ["4.2.3"]
    assert json.loads(run(capsys, "hazards", "--json")) == []  # nothing recorded


def test_chat_demo_with_piped_input(data_dir: Path):
    photo = data_dir / "p.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    script = f"巡查一周几次\n/photo {photo} 本周巡查已完成\n1\n/todo\n发现加油站电线乱拉\n1\n"
    out = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--demo"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "【4.2.3】" in out and "已记录：【4.2.3】巡查检查 本周 1/1" in out
    assert "连然-2026-0001" in out and "示例" in out
    copies = list((data_dir / "files" / "console").iterdir())
    assert len(copies) == 1


def test_start_without_token_opens_the_console(data_dir: Path):
    out = subprocess.run(
        [sys.executable, "-m", "bot", "start"],
        input="社区安全专干每周要巡查几次\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "TELEGRAM_BOT_TOKEN" in out and "【4.2.3】" in out


def test_kill_in_a_burst_loses_no_confirmed_report(data_dir: Path):
    from bot.chat.assistant import build_assistant
    from bot.settings import load_settings

    assistant = build_assistant(load_settings())
    assistant.ws.org.add_unit("连然街道")
    assistant.ws.org.add_unit("金色社区", "连然街道")
    person = assistant.ws.org.add_person("王专干", "officer", "金色社区")
    assistant.ws.store.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--as", str(person.id)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert proc.stdin and proc.stdout
    for i in range(400):
        proc.stdin.write(f"/hazard 第{i}处：加油站旁边电线乱拉\n")
    proc.stdin.flush()
    confirmed: list[str] = []
    deadline = time.time() + 60
    while len(confirmed) < 40 and time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith("已登记隐患"):
            confirmed.append(line.split()[1].split("【")[0])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(confirmed) == 40
    again = build_assistant(load_settings())
    stored = {r["number"] for r in again.ws.store.rows("SELECT number FROM hazards")}
    for number in confirmed:
        assert number in stored
    assert len(stored) < 400  # the burst really was cut short


def test_bad_identity_and_date_end_in_one_line(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["chat", "--as", "99"]) == 2
    assert capsys.readouterr().err.strip() == "没有身份号为 99 的人员。"
    assert main(["checklist", "--unit", "x", "--role", "street", "--date", "2026-13-45"]) == 2
    err = capsys.readouterr().err
    assert "2026-13-45" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_console_as_of_an_unknown_identity_stays_in_the_chat(data_dir: Path):
    out = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--demo"],
        input="/as abc\n/as 99\n/whoami\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "用法：/as 身份号" in out.stdout and "没有身份号为 99 的人员" in out.stdout
    assert "示例专干" in out.stdout.splitlines()[-1]  # still chatting as before
    assert "Traceback" not in out.stderr and "chinese_calendar" not in out.stdout + out.stderr


def test_hazards_json_names_the_community(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    from bot.chat.assistant import build_assistant
    from bot.settings import load_settings

    assistant = build_assistant(load_settings())
    assistant.ws.org.add_unit("连然街道", short="连然")
    assistant.ws.org.add_unit("金色社区", "连然街道")
    officer = assistant.ws.org.add_person("王", "officer", "金色社区")
    from datetime import date

    assistant.ws.ledger.report(officer, "楼道堆满杂物", date(2026, 11, 25))
    assistant.ws.store.close()
    rows = json.loads(run(capsys, "hazards", "--json"))
    assert rows[0]["community"] == "金色社区" and rows[0]["description"] == "楼道堆满杂物"


def test_person_deactivate_unbind_and_revoke(data_dir: Path, capsys: pytest.CaptureFixture[str]):
    from bot.chat.assistant import build_assistant
    from bot.settings import load_settings
    from tests.support.chat import Chat

    run(capsys, "unit", "add", "连然街道")
    run(capsys, "unit", "add", "金色社区", "--parent", "连然街道")
    code = run(capsys, "invite", "--role", "officer", "--unit", "金色社区", "--name", "王五")
    assistant = build_assistant(load_settings())
    Chat(assistant, "wang").say(f"/start {code.splitlines()[-1]}")
    listed = run(capsys, "person", "list")
    assert "1号 王五" in listed and "金色社区" in listed and "已停用" not in listed
    assert "已停用：王五" in run(capsys, "person", "deactivate", "1")
    assert "已停用" in run(capsys, "person", "list")
    assert "1 个" in run(capsys, "person", "unbind", "1")
    assert assistant.ws.org.person_for_account("test", "wang") is None
    spare = run(capsys, "invite", "--role", "officer", "--unit", "金色社区").splitlines()[-1]
    assert "已作废" in run(capsys, "revoke", spare)
    assert "邀请码无效" in Chat(assistant, "late").say(f"/start {spare}")
    assert main(["person", "deactivate", "99"]) == 2
    assert main(["revoke", spare]) == 2
    err = capsys.readouterr().err
    assert "没有 99 号人员" in err and "Traceback" not in err
