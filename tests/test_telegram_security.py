"""Security and operations of the Telegram channel, through the real PTB stack and the
loopback Bot API stand-in: the webhook never runs without a secret; a forged update is never
answered in another chat; pushes and notices reach private chats only; a restart resends a
push left half-done; files are fetched only for bound people, only images and PDF, only up
to the size limit, and a file that does not arrive is said so; a reply Telegram keeps
refusing (429) never says "没有记录" of a stored record."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.chat.assistant import build_assistant
from bot.chat.digest import PushPlanner
from bot.settings import TIMEZONE, Settings, webhook_secret
from handlers.telegram.application import build_application, webhook_options
from handlers.telegram.morning import push_round
from tests.botapi import BotAPIStandin
from tests.harness import standin_settings
from tests.test_telegram_e2e import OFFICER, OTHER, STRANGER, STREET, Harness, join, setup_org

GROUP = -5001


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def running(settings: Settings, library: Any, clock: Any, api: BotAPIStandin,
                  webhook: bool = False) -> AsyncIterator[Harness]:  # fmt: skip
    app = build_application(
        settings,
        factory=lambda: build_assistant(settings, library=library, clock=clock),
        push_job=False,
    )
    async with app:
        await app.post_init(app)
        await app.start()
        if webhook:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield Harness(api, app, settings)
        finally:
            await app.updater.stop()
            await app.stop()
    await app.bot_data["service"].close()


@pytest.fixture
async def tg(tmp_path: Path, library: Any, clock: Any) -> AsyncIterator[Harness]:
    """The bot running against the stand-in, polling, with a street and two communities."""
    with BotAPIStandin() as api:
        settings = standin_settings(api, tmp_path, send_rate=500)
        async with running(settings, library, clock, api) as harness:
            await harness.core(setup_org)
            yield harness


# ---- 1. the webhook -----------------------------------------------------------------------


def test_a_webhook_secret_is_generated_once_and_kept_private(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    secret = webhook_secret(settings)
    assert len(secret) >= 32
    kept = tmp_path / "data" / "webhook_secret"
    assert kept.read_text().strip() == secret and kept.stat().st_mode & 0o077 == 0
    assert webhook_secret(settings) == secret  # the same after a restart
    assert webhook_secret(replace(settings, webhook_secret="from-env_1")) == "from-env_1"
    options = webhook_options(replace(settings, webhook_url="https://example.org/hook/"))
    assert options["secret_token"] == secret
    assert options["webhook_url"] == "https://example.org/hook/telegram"


async def test_the_webhook_refuses_updates_without_the_secret(tmp_path, library, clock):
    with BotAPIStandin() as api:
        settings = standin_settings(
            api, tmp_path, webhook_url="https://example.org", webhook_port=free_port()
        )
        async with running(settings, library, clock, api, webhook=True) as harness:
            secret = (tmp_path / "webhook_secret").read_text().strip()
            assert api.webhook["secret_token"] == secret  # given to setWebhook
            await harness.core(setup_org)
            url = f"http://127.0.0.1:{settings.webhook_port}/telegram"

            def update(user: int, text: str) -> dict[str, Any]:
                api.send_text(user, text)
                return api.pending_updates()[-1]

            async with httpx.AsyncClient() as client:
                bare = await client.post(url, json=update(OFFICER, "巡查一周几次"))
                wrong = await client.post(
                    url,
                    json=update(OFFICER, "巡查一周几次"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
                assert bare.status_code == 403 and wrong.status_code == 403
                await asyncio.sleep(0.5)
                assert api.texts(OFFICER) == []
                good = await client.post(
                    url,
                    json=update(OFFICER, "巡查一周几次"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                )
                assert good.status_code == 200
                assert await api.wait_for_async(lambda _: api.texts(OFFICER))
                assert "【4.2.3】" in api.texts(OFFICER)[-1]


async def test_a_forged_update_is_never_answered_in_another_chat(tg: Harness, caplog):
    await join(tg, OFFICER, "officer", "金色社区", "王专干")
    await tg.say(OTHER, "巡查一周几次")  # the victim has a chat with the bot
    before = len(tg.api.texts(OTHER))
    officer = {"id": OFFICER, "is_bot": False, "first_name": "王"}
    forged = {
        "message_id": 900,
        "from": officer,
        "chat": {"id": OTHER, "type": "private", "first_name": "李"},
        "date": int(time.time()),
        "text": "/todo",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    tg.api.push_update({"message": forged})
    channel_post = {**forged, "message_id": 901, "chat": {"id": -100777, "type": "channel"}}
    tg.api.push_update({"message": channel_post})
    assert "待办" in await tg.say(OFFICER, "/todo")  # handled in order: the forged ones first
    assert len(tg.api.texts(OTHER)) == before
    assert not tg.api.sent("sendMessage", chat_id=-100777)
    assert "not the sender's own chat" in caplog.text


# ---- 2. pushes and notices only to private chats --------------------------------------------


async def test_pushes_and_notices_never_go_to_a_group(tg: Harness, caplog):
    await join(tg, OFFICER, "officer", "金色社区", "王专干")
    await join(tg, STREET, "street", "连然街道", "赵安办")
    group_text = lambda: tg.api.send_text(  # noqa: E731
        STREET, "/help", chat_id=GROUP, chat_type="supergroup"
    )
    await tg.after(GROUP, group_text)  # the group exists and the bot is in it

    def move_street_to_group(assistant: Any) -> None:
        with assistant.ws.store.write():
            assistant.ws.store.db.execute(
                "UPDATE accounts SET chat_id = ? WHERE external_id = ?", [str(GROUP), str(STREET)]
            )

    await tg.core(move_street_to_group)
    before = len(tg.api.texts(GROUP))
    await tg.say(OFFICER, "/hazard 加油站旁边电线乱拉")  # the street office would be told
    await asyncio.sleep(0.5)
    counts = await push_round(tg.app, tg.service, datetime(2026, 11, 25, 9, tzinfo=TIMEZONE))
    assert counts == {"sent": 1, "not_private": 1}
    assert len(tg.api.texts(GROUP)) == before
    assert "not a private chat" in caplog.text


# ---- 3. a restart in the middle of the morning push -------------------------------------------


async def test_a_restart_resends_pushes_left_sending_never_a_sent_one(tmp_path, library, clock):
    with BotAPIStandin() as api:
        settings = standin_settings(api, tmp_path, send_rate=500)
        before = build_assistant(settings, library=library, clock=clock)
        setup_org(before)
        for user, unit in ((OFFICER, "金色社区"), (OTHER, "大屯村委会")):
            before.ws.org.add_person(
                f"专干{user}", "officer", unit, channel="telegram", external_id=str(user)
            )
        planner = PushPlanner(before.ws)
        moment = datetime(2026, 11, 25, 8, 45, tzinfo=TIMEZONE)
        sent, left = planner.due(moment)
        for delivery in (sent, left):
            assert planner.claim(delivery, moment.date())
        planner.finish(sent, moment.date(), "sent")  # then the process was killed
        before.ws.store.close()
        async with running(settings, library, clock, api) as harness:
            counts = await push_round(harness.app, harness.service, moment.replace(hour=9))
        assert counts == {"sent": 1}
        assert len(api.sent("sendMessage", chat_id=OTHER)) == 1
        assert not api.sent("sendMessage", chat_id=OFFICER)


# ---- 4 and 5. files -----------------------------------------------------------------------------


async def test_a_photo_that_does_not_arrive_keeps_the_words_and_asks_again(tg: Harness):
    await join(tg, OFFICER, "officer", "金色社区", "王专干")
    tg.api.disconnect_next("getFile")
    reply = await tg.photo(OFFICER, "/hazard 仓库消防通道堵塞")
    assert "连然-2026-0001" in reply and "照片没有收到" in reply and "重新发" in reply
    assert await tg.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1
    assert await tg.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM evidence")) == 0
    only_photo = await tg.photo(OFFICER, "")
    assert "请把照片" not in only_photo  # this one arrived


async def test_files_only_for_bound_people_images_and_pdf_within_the_limit(
    tmp_path, library, clock
):
    with BotAPIStandin() as api:
        settings = standin_settings(api, tmp_path, send_rate=500, max_file_mb=0.01)  # ~10 KB
        async with running(settings, library, clock, api) as tg:
            await tg.core(setup_org)
            await tg.photo(STRANGER, "发现电线乱拉")
            assert api.count("getFile") == 0 and api.downloads == []  # a stranger's: never

            await join(tg, OFFICER, "officer", "金色社区", "王专干")

            def send_doc(content: bytes, name: str) -> Any:
                return lambda: api.send_document(OFFICER, content, name, caption="本周巡查已完成")

            word = await tg.after(OFFICER, send_doc(b"PK\x03\x04 docx", "巡查.docx"))
            assert "只收照片" in word and api.count("getFile") == 0
            big = await tg.after(OFFICER, send_doc(b"%PDF-1.4" + b"0" * 20_000, "大.pdf"))
            assert "太大" in big and "0.01 MB" in big and api.count("getFile") == 0
            await tg.after(OFFICER, send_doc(b"%PDF-1.4 small", "巡查记录.pdf"))
            assert api.count("getFile") == 1 and len(api.downloads) == 1
            stored = list((tmp_path / "files").rglob("*.pdf"))
            assert len(stored) == 1


async def test_a_file_telegram_will_not_hand_over_is_said_so(tmp_path, library, clock):
    with BotAPIStandin() as api:
        settings = standin_settings(api, tmp_path, send_rate=500, max_file_mb=50)
        async with running(settings, library, clock, api) as tg:
            await tg.core(setup_org)
            await join(tg, OFFICER, "officer", "金色社区", "王专干")
            huge = b"%PDF-1.4" + b"0" * (21 * 1024 * 1024)  # over the Bot API's 20 MB
            said = await tg.after(
                OFFICER, lambda: api.send_document(OFFICER, huge, "台账.pdf", caption="/todo")
            )
            assert "Telegram 不让" in said and "待办" in said
            assert api.count("getFile") == 1 and api.downloads == []


def test_the_file_limit_comes_from_the_environment():
    from bot.settings import SettingsError, load_settings

    assert load_settings({}).max_file_bytes == 10 * 1024 * 1024
    assert load_settings({"GRIDSAFE_MAX_FILE_MB": "2"}).max_file_bytes == 2 * 1024 * 1024
    with pytest.raises(SettingsError):
        load_settings({"GRIDSAFE_MAX_FILE_MB": "lots"})


# ---- 9. a reply Telegram keeps refusing --------------------------------------------------------


async def test_a_reply_refused_four_times_never_says_nothing_was_recorded(tg: Harness, caplog):
    caplog.set_level(logging.WARNING)
    await join(tg, OFFICER, "officer", "金色社区", "王专干")
    tg.api.fail_next("sendMessage", times=4, error_code=429, retry_after=1)
    before = len(tg.api.texts(OFFICER))
    tg.api.send_text(OFFICER, "/hazard 仓库消防通道堵塞")
    assert await tg.api.wait_for_async(lambda _: len(tg.api.texts(OFFICER)) > before, 20)
    await asyncio.sleep(0.3)
    said = "\n".join(tg.api.texts(OFFICER)[before:])
    assert "已记录" in said and "没有记录" not in said
    assert await tg.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1
    assert "not sent" in caplog.text
    assert "Traceback" not in said


def test_a_token_rejected_while_running_is_logged_as_one_line_without_it():
    from telegram.error import InvalidToken

    from handlers.telegram.error_log import RedactToken

    token = "123456:SECRET-token"
    redact = RedactToken(token)

    def record(message: str) -> logging.LogRecord:
        try:
            raise InvalidToken(f"The token `{token}` was rejected by the server.")
        except InvalidToken:
            import sys

            return logging.LogRecord("telegram.ext", logging.ERROR, "x", 1, message, (),
                                     sys.exc_info())  # fmt: skip

    at_start = record("Network Retry Loop (Bootstrap Initialize Application): Invalid token.")
    assert redact.filter(at_start) is False
    later = record("Network Retry Loop (Polling Updates): Invalid token.")
    assert redact.filter(later) is True
    shown = logging.Formatter().format(later)
    assert "令牌" in shown and token not in shown and "Traceback" not in shown
    other = logging.LogRecord("httpx", logging.INFO, "x", 1, f"POST /bot{token}/getMe", (), None)
    assert redact.filter(other) and token not in logging.Formatter().format(other)


async def test_telegram_beside_other_channels_runs_its_webhook_with_the_secret(
    tmp_path, library, clock
):
    """The multi-channel path (handlers/runner.py: TelegramChannel) starts the webhook
    itself: it too gives setWebhook the secret and refuses an update without it."""
    from bot.service import AssistantService
    from handlers.seam import Outboxes
    from handlers.telegram.application import TelegramChannel

    with BotAPIStandin() as api:
        settings = standin_settings(
            api, tmp_path, webhook_url="https://example.org", webhook_port=free_port()
        )
        service = AssistantService(lambda: build_assistant(settings, library=library, clock=clock))
        await service.start()
        channel = TelegramChannel(settings, service, Outboxes(service))
        await channel.start()
        try:
            secret = (tmp_path / "webhook_secret").read_text().strip()
            assert api.webhook["secret_token"] == secret
            api.send_text(OFFICER, "巡查一周几次")
            url = f"http://127.0.0.1:{settings.webhook_port}/telegram"
            async with httpx.AsyncClient() as client:
                bare = await client.post(url, json=api.pending_updates()[-1])
            assert bare.status_code == 403
        finally:
            await channel.stop()


def test_gridsafe_run_with_several_channels_keeps_the_token_out_of_tracebacks():
    """handlers/runner.py sets up the log for Telegram beside DingTalk: a token rejected
    while running (PTB logs InvalidToken, which names it, with its traceback) must be
    scrubbed there as when Telegram runs alone, and so must the DingTalk secret."""
    import io
    import sys

    from telegram.error import InvalidToken

    from handlers.runner import configure_logging

    token, secret = "123456:SECRET-token", "dingtalk-client-secret"
    settings = Settings(
        telegram_token=token, dingtalk_client_id="id", dingtalk_client_secret=secret
    )
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        configure_logging(settings)
        try:
            raise InvalidToken(f"The token `{token}` was rejected by the server ({secret}).")
        except InvalidToken:
            logging.getLogger("telegram.ext").error(
                "Network Retry Loop (Polling Updates): Invalid token.", exc_info=sys.exc_info()
            )
    finally:
        root.removeHandler(handler)
    said = out.getvalue()
    assert said and token not in said and secret not in said


async def test_a_notice_telegram_refuses_never_tells_the_reporter_nothing_was_recorded(
    tg: Harness,
):
    """Telegram alone: a notice to the street office that Telegram keeps refusing (429
    after the retries) is logged and skipped, as on the shared outbox; the reporter, whose
    hazard is recorded, is never told "没有记录"."""
    from bot.texts import t

    await join(tg, OFFICER, "officer", "金色社区", "王专干")
    await join(tg, STREET, "street", "连然街道", "赵安办")
    tg.api.throttle_chat(STREET)
    assert "连然-2026-0001" in await tg.say(OFFICER, "/hazard 仓库消防通道堵塞")
    await asyncio.sleep(6)  # the rate limiter waits out three 429s, then gives up
    assert await tg.core(lambda a: a.ws.store.value("SELECT COUNT(*) FROM hazards")) == 1
    assert all(t("tg.error") not in text for text in tg.api.texts(OFFICER))


def test_settings_never_show_their_secrets():
    """A Settings object shown anywhere (an assertion, a debug line, a traceback's
    locals) names no secret."""
    settings = Settings(
        telegram_token="123456:TOKEN-value",
        webhook_secret="webhook-value",
        dingtalk_client_id="dingid",
        dingtalk_client_secret="dingtalk-value",
    )
    shown = repr(settings) + str(settings)
    assert "TOKEN-value" not in shown and "webhook-value" not in shown
    assert "dingtalk-value" not in shown and "dingid" in shown
