"""The Bot API stand-in, exercised through the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputMediaDocument,
    InputMediaPhoto,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, ContextTypes, MessageHandler, filters

from tests.botapi import (
    DEFAULT_JPEG,
    DEFAULT_THUMB_JPEG,
    BotAPIStandin,
    UploadedFile,
    detect_entities,
    parse_html,
)


@pytest.fixture
def api() -> Iterator[BotAPIStandin]:
    with BotAPIStandin() as standin:
        yield standin


@pytest.fixture
async def bot(api: BotAPIStandin) -> AsyncIterator[Bot]:
    async with api.bot() as client:
        yield client


def test_addresses_and_identity(api: BotAPIStandin) -> None:
    assert api.token == "123456:TEST"
    assert api.bot_id == 123456
    assert api.username == "gridsafe_test_bot"
    assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
    assert api.base_file_url == f"http://127.0.0.1:{api.port}/file/bot"


async def test_get_me(api: BotAPIStandin, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (api.bot_id, "gridsafe_test_bot", True)
    assert bot.username == "gridsafe_test_bot"  # Bot.initialize() called getMe too
    assert api.count("getMe") == 2


async def test_send_message_is_recorded_and_parsed(api: BotAPIStandin, bot: Bot) -> None:
    first = await bot.send_message(42, "123")
    second = await bot.send_message(42, "😀 <b>【1.2】</b> a &lt; b", parse_mode=ParseMode.HTML)
    other = await bot.send_message(7, "另一个聊天")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)
    assert first.chat.id == 42 and first.from_user.id == api.bot_id and first.date
    # A str parameter arrives unencoded: "123" must stay a string, chat_id an int.
    assert api.sent(chat_id=42)[0] == {"chat_id": 42, "text": "123"}
    assert api.sent(chat_id=42)[1]["parse_mode"] == "HTML"
    assert second.text == "😀 【1.2】 a < b"
    bold = second.entities[0]
    assert (bold.type, bold.offset, bold.length) == ("bold", 3, 5)  # 😀 is 2 UTF-16 units
    assert second.parse_entity(bold) == "【1.2】"
    assert api.texts(42) == ["123", "😀 【1.2】 a < b"]
    method, params = api.calls[-1]
    assert (method, params["chat_id"]) == ("sendMessage", 7)


async def test_telegram_refusals_become_bad_request(api: BotAPIStandin, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(1, "1 <2 and 3> 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
        await bot.send_message(1, "<b>open", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="text is empty"):
        await bot.send_message(1, "  \n ")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(1, "字" * 4097)
    await bot.send_message(1, "字" * 4096)
    too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(1, "buttons", reply_markup=too_long_data)
    with pytest.raises(BadRequest, match="replied not found"):
        await bot.send_message(1, "reply", reply_to_message_id=99)
    statuses = [c.status for c in api.calls if c.method == "sendMessage"]
    assert statuses == [400, 400, 400, 400, 200, 400, 400]
    assert len(api.sent()) == 1


async def test_inline_keyboard_round_trip(api: BotAPIStandin, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("确认", callback_data="ok:1")],
            [InlineKeyboardButton("取消", callback_data="no:1")],
        ]
    )
    sent = await bot.send_message(1001, "是否确认？", reply_markup=markup)
    assert sent.reply_markup == markup
    assert api.sent()[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
    with pytest.raises(ValueError, match="no button"):
        api.press_button(1001, sent.message_id, "maybe")

    query_id = api.press_button(1001, sent.message_id, "ok:1")
    (update,) = await bot.get_updates(timeout=1)
    query = update.callback_query
    assert (query.id, query.data, query.from_user.id) == (query_id, "ok:1", 1001)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == markup

    assert await query.answer("已确认")
    assert api.sent("answerCallbackQuery")[0] == {
        "callback_query_id": query_id,
        "text": "已确认",
    }
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")

    edited = await bot.edit_message_text("已确认 ✅", chat_id=1001, message_id=sent.message_id)
    assert edited.text == "已确认 ✅" and edited.reply_markup is None and edited.edit_date
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("已确认 ✅", chat_id=1001, message_id=sent.message_id)
    again = await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=markup)
    assert again.reply_markup == markup
    assert api.bot_messages(1001)[0]["reply_markup"] == markup.to_dict()


async def test_get_updates_offsets(api: BotAPIStandin, bot: Bot) -> None:
    ids = [api.send_text(5, f"m{i}").update_id for i in range(3)]
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == ids
    # Not confirmed yet: the same updates come again.
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == ids
    # offset confirms everything before it, for good.
    rest = await bot.get_updates(offset=ids[1], timeout=0)
    assert [u.message.text for u in rest] == ["m1", "m2"]
    assert [u["update_id"] for u in api.pending_updates()] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(offset=ids[0], timeout=0)] == ids[1:]
    assert len(await bot.get_updates(offset=ids[2] + 1, limit=1, timeout=0)) == 0
    assert api.pending_updates() == []

    # A long poll returns as soon as an update arrives.
    asyncio.get_running_loop().call_later(0.1, api.send_text, 5, "late")
    started = time.monotonic()
    (late,) = await bot.get_updates(offset=ids[2] + 1, timeout=5)  # capped at 1 s
    assert late.message.text == "late" and time.monotonic() - started < 0.9
    # An empty long poll waits the (capped) timeout.
    started = time.monotonic()
    assert await bot.get_updates(offset=late.update_id + 1, timeout=5) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_webhook_and_commands(api: BotAPIStandin, bot: Bot) -> None:
    api.send_text(5, "old")
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == ()

    commands = [BotCommand("start", "开始"), BotCommand("help", "帮助")]
    assert await bot.set_my_commands(commands)
    assert await bot.get_my_commands() == tuple(commands)
    assert api.commands == [c.to_dict() for c in commands]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Start", "大写")])


async def test_group_mention_and_commands_have_utf16_entities(
    api: BotAPIStandin, bot: Bot
) -> None:
    text = "😀 请看 @gridsafe_test_bot 隐患 /report@gridsafe_test_bot"
    injected = api.send_text(7, text, chat_type="supergroup")
    glued = api.send_text(7, "请问@gridsafe_test_bot", chat_id=-100777, chat_type="group")
    api.send_text(8, "没@我", chat_type="supergroup")
    (first, second, third) = await bot.get_updates(timeout=0)

    message = first.message
    assert message.chat.id == injected.chat_id < 0 and message.chat.type == "supergroup"
    assert [e.type for e in message.entities] == ["mention", "bot_command"]
    assert message.parse_entities() == {
        message.entities[0]: "@gridsafe_test_bot",
        message.entities[1]: "/report@gridsafe_test_bot",
    }
    assert message.entities[0].offset == 6  # UTF-16 units, not code points (5)
    assert second.message.chat.id == glued.chat_id == -100777
    assert second.message.entities == ()  # Telegram: a mention glued to 请问 is no mention
    assert third.message.chat.id == injected.chat_id

    with pytest.raises(ValueError, match="negative"):
        api.send_text(7, "x", chat_id=5, chat_type="group")


async def test_reply_to_bot_in_group(api: BotAPIStandin, bot: Bot) -> None:
    group = -1001234
    sent = await bot.send_message(group, "请回复我")
    api.send_text(9, "回复内容", chat_id=group, chat_type="supergroup", reply_to_bot=True)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message.reply_to_message.message_id == sent.message_id
    assert update.message.reply_to_message.from_user.id == api.bot_id
    assert update.message.message_id == sent.message_id + 1  # ids are per chat
    reply = await update.message.reply_text("好", do_quote=True)
    assert reply.reply_to_message.message_id == update.message.message_id
    assert api.sent()[-1]["reply_parameters"]["message_id"] == update.message.message_id


async def test_photo_largest_size_downloads(api: BotAPIStandin, bot: Bot, tmp_path: Path) -> None:
    injected = api.send_photo(1001, caption="配电箱 @gridsafe_test_bot")
    (update,) = await bot.get_updates(timeout=0)
    photo = update.message.photo
    assert len(photo) == 2 and photo[0].width < photo[1].width
    largest = max(photo, key=lambda size: size.width * size.height)
    assert largest.file_id == injected.file_id == photo[-1].file_id
    assert update.message.caption == "配电箱 @gridsafe_test_bot"
    assert update.message.caption_entities[0].type == "mention"

    file = await largest.get_file()
    assert file.file_path.startswith(f"{api.base_file_url}{api.token}/photos/")
    assert file.file_size == len(DEFAULT_JPEG)
    buffer = io.BytesIO()
    await file.download_to_memory(buffer)
    assert buffer.getvalue() == DEFAULT_JPEG
    target = await file.download_to_drive(tmp_path / "photo.jpg")
    assert target.read_bytes() == DEFAULT_JPEG

    thumb = await (await photo[0].get_file()).download_as_bytearray()
    assert bytes(thumb) == DEFAULT_THUMB_JPEG != DEFAULT_JPEG
    assert len(api.downloads) == 3
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("nope")


async def test_send_document_and_photo_with_bytes(api: BotAPIStandin, bot: Bot) -> None:
    document = await bot.send_document(
        42, b"%PDF-1.4 hello", filename='隐患"报告.pdf', caption="<i>周报</i>", parse_mode="HTML"
    )
    assert document.document.file_name == '隐患"报告.pdf'
    assert document.document.mime_type == "application/pdf"
    assert document.caption == "周报" and document.caption_entities[0].type == "italic"
    (params,) = api.sent("sendDocument", chat_id=42)
    upload = params["document"]
    assert isinstance(upload, UploadedFile)
    assert (upload.filename, upload.content) == ('隐患"报告.pdf', b"%PDF-1.4 hello")
    assert api.calls[-1].files == {"document": upload}
    fetched = await (await bot.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(fetched) == b"%PDF-1.4 hello"

    photo = await bot.send_photo(42, DEFAULT_JPEG, caption="现场")
    assert api.sent("sendPhoto")[0]["photo"].content == DEFAULT_JPEG
    assert photo.photo[-1].file_size == len(DEFAULT_JPEG)
    # Sending again by file_id uploads nothing and reuses the sizes.
    again = await bot.send_photo(43, photo.photo[-1].file_id)
    assert again.photo == photo.photo
    assert api.sent("sendPhoto", chat_id=43)[0]["photo"] == photo.photo[-1].file_id

    album = await bot.send_media_group(
        44, [InputMediaPhoto(b"first", caption="一"), InputMediaDocument(b"second")]
    )
    assert [m.media_group_id for m in album] == [album[0].media_group_id] * 2
    assert album[0].caption == "一" and album[1].document is not None
    (params,) = api.sent("sendMediaGroup")
    attached = [item["media"].removeprefix("attach://") for item in params["media"]]
    assert [params[name].content for name in attached] == [b"first", b"second"]


async def test_chat_action_and_inline_query(api: BotAPIStandin, bot: Bot) -> None:
    assert await bot.send_chat_action(5, "typing")
    with pytest.raises(BadRequest):
        await bot.send_chat_action(5, "dancing")
    query_id = api.inline_query(5, "配电箱")
    (update,) = await bot.get_updates(timeout=0)
    assert (update.inline_query.id, update.inline_query.query) == (query_id, "配电箱")
    result = InlineQueryResultArticle("1", "配电箱", InputTextMessageContent("【3.1】"))
    assert await update.inline_query.answer([result], cache_time=0)
    (params,) = api.sent("answerInlineQuery")
    assert params["results"][0]["input_message_content"]["message_text"] == "【3.1】"
    assert params["cache_time"] == 0


async def test_429_twice_then_delivered_with_rate_limiter(api: BotAPIStandin) -> None:
    api.fail_next("sendMessage", times=2)
    app = api.application_builder().rate_limiter(AIORateLimiter(max_retries=3)).build()
    async with app:
        message = await app.bot.send_message(5, "终于送达")
    assert message.text == "终于送达"
    assert api.count("sendMessage") == 3
    statuses = [c.status for c in api.calls if c.method == "sendMessage"]
    assert statuses == [429, 429, 200]
    first = next(c for c in api.calls if c.method == "sendMessage")
    assert first.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert len(api.sent(chat_id=5)) == 1


async def test_429_without_limiter_raises_retry_after(api: BotAPIStandin, bot: Bot) -> None:
    api.fail_next("SENDMESSAGE", times=1, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(5, "x")
    assert "Retry in 7 seconds" in str(caught.value)
    assert (await bot.send_message(5, "y")).text == "y"


async def test_blocked_chat_is_forbidden(api: BotAPIStandin, bot: Bot) -> None:
    api.block_chat(77)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(77, "hello")
    with pytest.raises(Forbidden):
        await bot.send_document(77, b"x", filename="a.txt")
    with pytest.raises(Forbidden):
        await bot.send_photo(77, DEFAULT_JPEG)
    assert (await bot.send_message(78, "others fine")).chat.id == 78
    api.unblock_chat(77)
    assert await bot.send_message(77, "back")
    api.block_chat(-100200)
    with pytest.raises(Forbidden, match="kicked"):
        await bot.send_message(-100200, "group")


async def test_disconnect_latency_and_counts(api: BotAPIStandin, bot: Bot) -> None:
    api.disconnect_next("getMe")
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert api.calls[-1].status == 0
    api.set_latency(0.2, "getMe")
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.2
    api.set_latency(0.0, "getMe")
    await bot.send_chat_action(1, "typing")
    assert api.counts["getMe"] == 3 and api.counts["sendChatAction"] == 1
    api.clear()
    assert api.calls == [] and api.count("getMe") == 0


def _post(url: str, body: bytes = b"", content_type: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def test_raw_protocol_unknown_method_and_json_body(api: BotAPIStandin) -> None:
    url = f"{api.base_url}{api.token}"
    assert _post(f"{url}/fooBar") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    body = json.dumps({"chat_id": 3, "text": "json body"}).encode()
    status, answer = _post(f"{url}/sendmessage", body, "application/json")
    assert status == 200 and answer["ok"] and answer["result"]["text"] == "json body"
    assert api.calls[-1].method == "sendMessage"  # method names are case-insensitive
    assert _post(f"{api.base_url}0:WRONG/getMe")[0] == 401


def test_wait_for_blocking_from_a_thread(api: BotAPIStandin) -> None:
    def later() -> None:
        time.sleep(0.1)
        with urllib.request.urlopen(f"{api.base_url}{api.token}/getMe", timeout=5) as answer:
            answer.read()

    caller = threading.Thread(target=later)
    caller.start()
    assert api.wait_for(lambda calls: any(c.method == "getMe" for c in calls), timeout=5)
    caller.join()
    assert not api.wait_for(lambda calls: len(calls) > 5, timeout=0.1)


async def test_wait_for_refuses_to_block_the_event_loop(api: BotAPIStandin) -> None:
    with pytest.raises(RuntimeError, match="wait_for_async"):
        api.wait_for(lambda calls: True)


def test_parsers_directly() -> None:
    assert parse_html("<pre><code class='language-python'>x = 1</code></pre>") == (
        "x = 1",
        [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
    )
    assert parse_html('&amp;&#65;&unknown; <span class="tg-spoiler">s</span>') == (
        "&A&unknown; s",
        [{"type": "spoiler", "offset": 12, "length": 1}],
    )
    assert detect_entities("/start") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert detect_entities("path/start a@b.c") == []


async def test_real_application_echoes(api: BotAPIStandin) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app = api.application_builder().build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        injected = api.send_text(1001, "你好 GridSafe")
        assert await api.wait_for_async(lambda calls: api.sent(chat_id=1001), timeout=5)
        await app.updater.stop()
        await app.stop()
    assert api.texts(1001) == ["echo: 你好 GridSafe"]
    assert api.message(1001, injected.message_id + 1) is not None
    assert api.pending_updates() == []  # the updater confirmed the offset on stop
    assert api.count("deleteWebhook") == 1 and api.errors == []
