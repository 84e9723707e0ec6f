"""End to end through the real ``gridsafe run`` process (DingTalk only) against the loopback
DingTalk stand-in: binding, a question, a done report with a picture, a hazard with its
choice, the daily push at the configured minute to officer and street office, no second
push after a restart, and recovery after the stream is dropped; with a card template
(DINGTALK_CARD_TEMPLATE) the hazard's choice as a card whose button press, delivered
twice, records once. No network beyond
127.0.0.1; the log never shows the client secret."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bot.records.org import Org
from bot.records.store import Store
from bot.settings import TIMEZONE
from bot.texts import t
from tests.dtapi import JPEG, DingTalkStandin

OFFICER, STREET, STRANGER = "0931", "0102", "9999"


def prepare(data: Path) -> tuple[str, str]:
    store = Store(data / "gridsafe.db")
    store.migrate()
    org = Org(store)
    org.add_unit("连然街道", short="连然")
    org.add_unit("金色社区", "连然街道")
    codes = (
        org.create_invite("officer", "金色社区", "王专干"),
        org.create_invite("street", "连然街道", "赵安办"),
    )
    store.close()
    return codes


def start(api: DingTalkStandin, data: Path, log: Path, **more: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **api.env(),
        "GRIDSAFE_DATA": str(data),
        "GRIDSAFE_PUSH_TIME": datetime.now(TIMEZONE).strftime("%H:%M"),
        "GRIDSAFE_PUSH_ALL_DAYS": "1",
        "GRIDSAFE_PUSH_TICK": "1",
    }
    for name in ("GRIDSAFE_CONFIG", "TELEGRAM_BOT_TOKEN", "GRIDSAFE_DB"):
        env.pop(name, None)
    env |= more
    handle = log.open("a", encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], env=env, stdout=handle, stderr=subprocess.STDOUT
    )


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=30)


def say(api: DingTalkStandin, staff: str, text: str) -> str:
    conversation = api.conversation(staff)
    before = len(api.replies(conversation))
    api.send_text(staff, text)
    assert api.wait_for(lambda: len(api.replies(conversation)) > before, 30), text
    return "\n".join(api.replies(conversation)[before:])


def daily(api: DingTalkStandin, staff: str) -> int:
    return sum(t("push.head") in p.text for p in api.pushes(staff, "sampleMarkdown"))


def test_gridsafe_run_on_dingtalk_end_to_end(tmp_path: Path):
    officer_code, street_code = prepare(tmp_path)
    log = tmp_path / "run.log"
    with DingTalkStandin() as api:
        proc = start(api, tmp_path, log)
        try:
            assert api.wait_for(lambda: api.online == 1, 90), log.read_text("utf-8")
            assert "绑定成功" in say(api, OFFICER, f"绑定 {officer_code}")
            assert "绑定成功" in say(api, STREET, f"/start {street_code}")
            assert "【4.2.3】" in say(api, STRANGER, "巡查一周几次")

            conversation = api.conversation(OFFICER)
            before = len(api.replies(conversation))
            api.send_rich(OFFICER, ["本周巡查已完成", JPEG])
            assert api.wait_for(lambda: len(api.replies(conversation)) > before, 30)
            assert "content=1" in api.replies(conversation)[-1]
            assert "【4.2.3】" in say(api, OFFICER, "1")
            pictures = list((tmp_path / "files" / "dingtalk").rglob("*.jpg"))
            assert len(pictures) == 1 and pictures[0].read_bytes() == JPEG

            assert "登记新隐患" in say(api, OFFICER, "发现菜市场后面那排铺子电线全搭在一起")
            assert "连然-2026-0001" in say(api, OFFICER, "1")
            assert api.wait_for(
                lambda: any("连然-2026-0001" in p.text for p in api.pushes(STREET)), 30
            )

            assert api.wait_for(lambda: daily(api, OFFICER) == 1 and daily(api, STREET) == 1, 30)
        finally:
            code = stop(proc)
        assert code == 0, log.read_text("utf-8")

        proc = start(api, tmp_path, log)  # a restart the same day: no second push
        try:
            assert api.wait_for(lambda: api.online == 1, 90), log.read_text("utf-8")
            assert "【4.2.3】" in say(api, STRANGER, "巡查一周几次")
            connections = api.connections
            api.drop()
            assert api.wait_for(lambda: api.connections > connections, 30)
            assert "【4.2.3】" in say(api, OFFICER, "巡查一周几次")
            assert daily(api, OFFICER) == 1 and daily(api, STREET) == 1
        finally:
            code = stop(proc, signal.SIGINT)
        assert code == 0
    out = log.read_text("utf-8")
    assert api.client_secret not in out
    assert "Traceback" not in out
    assert "DingTalk stream connected" in out


def test_gridsafe_run_with_a_card_template_takes_a_card_press_once(tmp_path: Path):
    officer_code, street_code = prepare(tmp_path)
    log = tmp_path / "run.log"
    with DingTalkStandin() as api:
        proc = start(api, tmp_path, log, DINGTALK_CARD_TEMPLATE="standin-template.schema")
        try:
            assert api.wait_for(lambda: api.online == 1, 90), log.read_text("utf-8")
            assert "绑定成功" in say(api, OFFICER, f"绑定 {officer_code}")
            assert "绑定成功" in say(api, STREET, f"/start {street_code}")
            api.send_text(OFFICER, "发现菜市场后面那排铺子电线全搭在一起")
            assert api.wait_for(lambda: len(api.cards(OFFICER)) == 1, 30)
            card = api.cards(OFFICER)[0]
            assert card.raw["template"] == "standin-template.schema"
            pressed = api.press_card(OFFICER, card, 1)
            assert api.wait_for(lambda: api.acks.get(pressed) == 1, 30)
            api.redeliver(pressed)
            assert api.wait_for(lambda: api.acks.get(pressed) == 2, 30)
            assert api.wait_for(
                lambda: any("连然-2026-0001" in p.text for p in api.pushes(STREET)), 30
            )
            answers = [p.text for p in api.pushes(OFFICER, "sampleMarkdown")]
            assert sum("连然-2026-0001" in a for a in answers) == 1, answers
        finally:
            code = stop(proc)
        assert code == 0, log.read_text("utf-8")
    store = Store(tmp_path / "gridsafe.db")
    assert store.value("SELECT COUNT(*) FROM hazards") == 1
    store.close()
    assert sum("连然-2026-0001" in p.text for p in api.pushes(STREET)) == 1


def test_gridsafe_run_starts_both_channels_on_one_core(tmp_path: Path):
    """Telegram and DingTalk in one process: each answers, and a hazard reported on
    DingTalk reaches a street office that uses Telegram."""
    from tests.botapi import BotAPIStandin

    officer_code, street_code = prepare(tmp_path)
    log = tmp_path / "run.log"
    telegram_street = 2001
    with DingTalkStandin() as api, BotAPIStandin() as tg:
        proc = start(
            api,
            tmp_path,
            log,
            TELEGRAM_BOT_TOKEN=tg.token,
            TELEGRAM_API_URL=tg.base_url,
            TELEGRAM_FILE_URL=tg.base_file_url,
        )
        try:
            assert api.wait_for(lambda: api.online == 1, 90), log.read_text("utf-8")
            assert tg.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), 60)
            assert "绑定成功" in say(api, OFFICER, f"绑定 {officer_code}")
            tg.send_text(telegram_street, f"/start {street_code}")
            assert tg.wait_for(
                lambda _: any("绑定成功" in x for x in tg.texts(telegram_street)), 30
            )
            assert "登记新隐患" in say(api, OFFICER, "发现加油站旁边电线乱拉")
            assert "连然-2026-0001" in say(api, OFFICER, "1")
            assert tg.wait_for(
                lambda _: any("连然-2026-0001" in x for x in tg.texts(telegram_street)), 30
            )
        finally:
            code = stop(proc, signal.SIGINT)
        assert code == 0, log.read_text("utf-8")
    out = log.read_text("utf-8")
    assert "GridSafe running on telegram, dingtalk" in out
    assert api.client_secret not in out and tg.token not in out
    assert "Traceback" not in out


def test_run_without_credentials_says_what_to_set(tmp_path: Path, monkeypatch, capsys):
    from bot.cli import main

    for name in ("TELEGRAM_BOT_TOKEN", "DINGTALK_CLIENT_ID", "DINGTALK_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GRIDSAFE_CONFIG", raising=False)
    monkeypatch.setenv("GRIDSAFE_DATA", str(tmp_path))
    assert main(["run", "--channel", "dingtalk"]) == 2
    out = capsys.readouterr().out
    assert "DINGTALK_CLIENT_ID" in out and "Stream" in out
    assert main(["run"]) == 2
    out = capsys.readouterr().out
    assert "TELEGRAM_BOT_TOKEN" in out and "DINGTALK_CLIENT_SECRET" in out
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "someid")
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "very-secret-value")
    assert main(["run", "--channel", "telegram"]) == 2
    out = capsys.readouterr().out
    assert "TELEGRAM_BOT_TOKEN" in out and "very-secret-value" not in out
