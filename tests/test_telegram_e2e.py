"""End to end: the real python-telegram-bot Application over HTTP against a loopback
stand-in for the Bot API, with a real SQLite file. No network beyond 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.chat.assistant import Assistant, build_assistant
from bot.service import AssistantService
from bot.settings import TIMEZONE, Settings
from handlers.telegram.application import build_application, menu
from handlers.telegram.morning import push_round
from tests.botapi import BotAPIStandin
from tests.harness import standin_settings

OFFICER, OTHER, STREET, STRANGER = 1001, 1002, 2001, 3001


@dataclass
class Harness:
    api: BotAPIStandin
    app: Any
    settings: Settings
    last_photo: Any = None

    @property
    def service(self) -> AssistantService:
        return self.app.bot_data["service"]  # type: ignore[no-any-return]

    async def core(self, func: Any) -> Any:
        return await self.service.call(func)

    async def after(self, chat: int, action: Any, settle: float = 0.3) -> str:
        """Do something, wait for the bot's new messages in ``chat``, return their text."""
        before = len(self.api.texts(chat))
        action()
        assert await self.api.wait_for_async(lambda _: len(self.api.texts(chat)) > before)
        await asyncio.sleep(settle)
        return "\n".join(self.api.texts(chat)[before:])

    async def say(self, user: int, text: str) -> str:
        return await self.after(user, lambda: self.api.send_text(user, text))

    async def photo(self, user: int, caption: str) -> str:
        def send() -> None:
            self.last_photo = self.api.send_photo(user, caption=caption)

        return await self.after(user, send)

    def send_keeping(self, user: int, text: str) -> tuple[Any, dict[str, Any]]:
        """Send a message and keep the update, to deliver it again as after a crash."""
        sent = self.api.send_text(user, text)
        update = next(u for u in self.api.pending_updates() if u["update_id"] == sent.update_id)
        return sent, update["message"]

    async def press(self, user: int, label: str) -> str:
        for message in reversed(self.api.bot_messages(user)):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        data, message_id = button["callback_data"], message["message_id"]
                        before = self.api.count("answerCallbackQuery")
                        self.api.press_button(user, message_id, data)
                        assert await self.api.wait_for_async(
                            lambda _, n=before: self.api.count("answerCallbackQuery") > n
                        )
                        await asyncio.sleep(0.3)
                        return str(self.api.message(user, message_id).get("text", ""))
        raise AssertionError(f"no button {label!r}")


@pytest.fixture
async def bot(tmp_path: Path, library, clock) -> AsyncIterator[Harness]:
    with BotAPIStandin() as api:
        settings = standin_settings(api, tmp_path, send_rate=500)
        app = build_application(
            settings,
            factory=lambda: build_assistant(settings, library=library, clock=clock),
            push_job=False,
        )
        async with app:
            await app.post_init(app)
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            harness = Harness(api, app, settings)
            await harness.core(setup_org)
            yield harness
            await app.updater.stop()
            await app.stop()
        await app.bot_data["service"].close()


def setup_org(assistant: Assistant) -> None:
    assistant.ws.org.add_unit("连然街道", short="连然")
    assistant.ws.org.add_unit("金色社区", "连然街道")
    assistant.ws.org.add_unit("大屯村委会", "连然街道")


async def join(bot: Harness, user: int, role: str, unit: str, name: str) -> str:
    code = await bot.core(lambda a: a.ws.org.create_invite(role, unit, name))
    return await bot.say(user, f"/start {code}")


async def test_commands_are_registered_in_chinese(bot: Harness):
    names = [c["command"] for c in bot.api.my_commands()]
    assert names == [c.command for c in menu()]
    assert all(
        any("\u4e00" <= ch <= "\u9fff" for ch in c["description"]) for c in bot.api.my_commands()
    )


async def test_whole_flow(bot: Harness, tmp_path: Path):
    assert "邀请码" in await bot.say(STRANGER, "本周巡查已完成")
    assert "绑定成功：王专干" in await join(bot, OFFICER, "officer", "金色社区", "王专干")
    assert "绑定成功" in await join(bot, STREET, "street", "连然街道", "赵安办")

    answer = await bot.say(OFFICER, "社区安全专干每周要巡查几次")
    assert "【4.2.3】" in answer and "每周开展至少1次巡查检查" in answer

    assert "4.2.3】巡查检查 本周 0/1" in await bot.say(OFFICER, "/todo")
    prompt = await bot.photo(OFFICER, "本周巡查已完成")
    assert "请确认" in prompt and "【4.2.3】" in prompt
    edited = await bot.press(OFFICER, "确认登记")
    assert "已记录" in edited
    files = list((tmp_path / "files" / "telegram").rglob("*.jpg"))
    assert len(files) == 1  # the largest size only, on disk
    assert files[0].read_bytes() == bot.api.file_content(bot.last_photo.file_id)
    evidence = await bot.core(lambda a: a.ws.store.rows("SELECT * FROM evidence"))
    assert evidence[0]["path"] == str(files[0]) and evidence[0]["file_id"]
    assert "巡查检查 本周" not in await bot.say(OFFICER, "/todo")

    prompt = await bot.photo(OFFICER, "发现金色加油站旁边电线乱拉")
    assert "登记新隐患" in prompt  # proposed, not yet recorded
    assert await bot.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 0
    edited = await bot.press(OFFICER, "确认登记")
    assert "连然-2026-0001" in edited
    assert "连然-2026-0001" in "\n".join(bot.api.texts(STREET))  # the street office is told
    assert "连然-2026-0001" in await bot.say(OFFICER, "/todo")

    reply = await bot.photo(OFFICER, "/fixed 1")
    assert "等待街道安办复核" in reply
    assert "待街道复核" in await bot.say(OFFICER, "/todo")
    todo = await bot.say(STREET, "/todo")
    assert "待复核" in todo and "连然-2026-0001" in todo
    edited = await bot.press(STREET, "1号通过销号")
    assert "已销号" in edited
    state = await bot.core(lambda a: a.ws.store.value("SELECT state FROM hazards"))
    assert state == "已销号"
    assert "连然-2026-0001" not in await bot.say(OFFICER, "/todo")


async def test_same_message_delivered_twice_is_stored_once(bot: Harness):
    await join(bot, OFFICER, "officer", "金色社区", "王专干")
    _, message = bot.send_keeping(OFFICER, "/hazard 加油站旁边电线乱拉")
    assert await bot.api.wait_for_async(
        lambda _: "连然-2026-0001" in "\n".join(bot.api.texts(OFFICER))
    )
    before = len(bot.api.texts(OFFICER))
    bot.api.push_update({"message": message})
    assert await bot.api.wait_for_async(lambda _: len(bot.api.texts(OFFICER)) > before)
    assert await bot.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1


async def test_recorded_before_the_reply_is_sent(bot: Harness):
    await join(bot, OFFICER, "officer", "金色社区", "王专干")
    bot.api.disconnect_next("sendMessage", times=1)
    _, message = bot.send_keeping(OFFICER, "/hazard 仓库消防通道堵塞")
    assert await bot.api.wait_for_async(lambda calls: any(not c.ok for c in calls))
    await asyncio.sleep(0.5)  # the reply was lost: the user saw no "已记录"
    assert await bot.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1
    before = len(bot.api.texts(OFFICER))
    bot.api.push_update({"message": message})  # delivered again
    assert await bot.api.wait_for_async(lambda _: len(bot.api.texts(OFFICER)) > before)
    assert "连然-2026-0001" in bot.api.texts(OFFICER)[-1]
    assert await bot.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1


async def test_push_round_once_per_person_and_429(bot: Harness, clock):
    for user, role, unit, name in (
        (OFFICER, "officer", "金色社区", "王"),
        (OTHER, "officer", "大屯村委会", "李"),
        (STREET, "street", "连然街道", "赵"),
    ):
        await join(bot, user, role, unit, name)
    bot.api.clear()
    bot.api.fail_next("sendMessage", times=2, error_code=429, retry_after=1)
    moment = datetime(2026, 11, 25, 8, 45, tzinfo=TIMEZONE)
    counts = await push_round(bot.app, bot.service, moment)
    assert counts == {"sent": 3}
    for user in (OFFICER, OTHER, STREET):
        assert len(bot.api.sent("sendMessage", chat_id=user)) == 1
    again = await push_round(bot.app, bot.service, moment.replace(hour=10))
    assert again == {}
    assert len(bot.api.sent("sendMessage")) == 3


async def test_blocked_user_is_marked_not_retried(bot: Harness):
    await join(bot, OFFICER, "officer", "金色社区", "王")
    await join(bot, OTHER, "officer", "大屯村委会", "李")
    bot.api.block_chat(OTHER)
    counts = await push_round(bot.app, bot.service, datetime(2026, 11, 25, 9, tzinfo=TIMEZONE))
    assert counts == {"sent": 1, "blocked": 1}
    tomorrow = await push_round(bot.app, bot.service, datetime(2026, 11, 26, 9, tzinfo=TIMEZONE))
    assert tomorrow == {"sent": 1}


async def test_group_answers_only_when_addressed_and_keeps_records_private(bot: Harness):
    group = -5001
    await join(bot, OFFICER, "officer", "金色社区", "王专干")
    before = len(bot.api.texts(group))
    bot.api.send_text(OFFICER, "本周巡查已完成", chat_id=group, chat_type="supergroup")
    await asyncio.sleep(0.8)
    assert len(bot.api.texts(group)) == before  # not addressed to the bot
    text = await bot.after(
        group,
        lambda: bot.api.send_text(
            OFFICER, "@gridsafe_test_bot 巡查一周几次", chat_id=group, chat_type="supergroup"
        ),
    )
    assert "【4.2.3】" in text and "我的进度" not in text
    text = await bot.after(
        group, lambda: bot.api.send_text(OFFICER, "/todo", chat_id=group, chat_type="supergroup")
    )
    assert "私信" in text and "【4.2.3】" not in text
    assert "待办" in bot.api.texts(OFFICER)[-1]


async def test_inline_mode_quotes_the_rulebook(bot: Harness):
    before = bot.api.count("answerInlineQuery")
    bot.api.inline_query(OFFICER, "巡查")
    assert await bot.api.wait_for_async(lambda _: bot.api.count("answerInlineQuery") > before)
    results = bot.api.sent("answerInlineQuery")[-1]["results"]
    assert results[0]["id"] == "4.2.3"
    assert "【4.2.3】" in results[0]["input_message_content"]["message_text"]


async def test_report_chart_and_export_are_sent(bot: Harness):
    await join(bot, OFFICER, "officer", "金色社区", "王专干")
    await join(bot, STREET, "street", "连然街道", "赵安办")
    await bot.photo(OFFICER, "/hazard 加油站旁边电线乱拉")
    bot.api.clear()
    text = await bot.after(STREET, lambda: bot.api.send_text(STREET, "/report 月"), settle=1.0)
    assert "连然街道" in text and "合计" in text
    photos = bot.api.sent("sendPhoto", chat_id=STREET)
    assert len(photos) == 1 and photos[0]["photo"].content[:8] == b"\x89PNG\r\n\x1a\n"
    await bot.after(STREET, lambda: bot.api.send_text(STREET, "/export 2026"), settle=1.5)
    names = sorted(d["document"].filename for d in bot.api.sent("sendDocument", chat_id=STREET))
    assert names == ["连然_2026.xlsx", "连然_2026.zip"]
    bot.api.clear()
    await bot.after(STREET, lambda: bot.api.send_text(STREET, "/notice 1"), settle=1.0)
    (notice,) = bot.api.sent("sendDocument", chat_id=STREET)
    assert notice["document"].filename.endswith("_整改通知书.docx")
    assert notice["document"].content[:2] == b"PK"  # a Word (zip) file


def test_gridsafe_run_as_a_process_keeps_the_token_out_of_the_log(tmp_path: Path):
    """`gridsafe run` against the stand-in: answers, pushes nothing it should not, stops on
    SIGINT, and its log never shows the token (httpx logs request URLs that contain it)."""
    import os
    import signal
    import subprocess
    import sys

    with BotAPIStandin() as api:
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_URL": api.base_url,
            "TELEGRAM_FILE_URL": api.base_file_url,
            "GRIDSAFE_DATA": str(tmp_path),
        }
        env.pop("GRIDSAFE_CONFIG", None)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert api.wait_for(lambda calls: any(c.method == "getUpdates" for c in calls), 60)
            api.send_text(OFFICER, "巡查一周几次")
            assert api.wait_for(lambda _: any("【4.2.3】" in t for t in api.texts(OFFICER)), 30)
            api.send_text(OFFICER, "/start WRONGCODE")
            assert api.wait_for(lambda _: any("邀请码无效" in t for t in api.texts(OFFICER)), 30)
        finally:
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, out
        assert api.token not in out and api.token.split(":")[1] not in out
        assert "Traceback" not in out


async def test_an_error_gets_a_short_human_answer(bot: Harness, caplog):
    async def broken(msg):
        raise RuntimeError("database on fire: secret details")

    bot.service.handle = broken  # type: ignore[method-assign]
    text = await bot.say(OFFICER, "本周巡查已完成")
    assert "出了点问题" in text and "secret" not in text and "Traceback" not in text
    assert "RuntimeError" in caplog.text and bot.api.token not in caplog.text
