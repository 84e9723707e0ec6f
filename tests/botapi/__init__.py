"""A loopback stand-in for the Telegram Bot API, for end-to-end tests of the real PTB stack.

Start it, point PTB at it and drive it from the test::

    with BotAPIStandin() as api:
        app = api.application_builder().build()      # token + base_url + base_file_url
        ...
        api.send_text(1001, "你好")                    # a user writes to the bot
        assert await api.wait_for_async(lambda calls: api.sent(chat_id=1001))

The stand-in behaves like Telegram where tests are likely to notice: per-chat message ids,
``getUpdates`` offsets and long polling, HTML parse errors, empty/too long texts, 64-byte
callback data, "message is not modified", entity offsets in UTF-16 code units, mention and
bot-command detection by Telegram's rules (a mention glued to a Chinese character is not a
mention). Markdown parse modes are accepted but not parsed. Webhooks are only stored.

How PTB encodes its requests, and so how they are decoded, is described in
:mod:`tests.botapi.wire`. The modules: ``wire`` (requests and error answers),
``formatting`` (text and entities), ``entities`` (state; users, chats, messages, files),
``actions`` (injected user updates), ``methods`` (the Bot API methods), ``control``
(inspecting and steering from tests), ``server`` (HTTP, lifecycle, :class:`BotAPIStandin`).
"""

from tests.botapi.actions import Injected
from tests.botapi.entities import (
    DEFAULT_JPEG,
    DEFAULT_THUMB_JPEG,
    DEFAULT_TOKEN,
    DEFAULT_USERNAME,
)
from tests.botapi.formatting import detect_entities, parse_html, utf16_len
from tests.botapi.server import BotAPIStandin
from tests.botapi.wire import APIError, Call, UploadedFile, decode_param

__all__ = [
    "DEFAULT_JPEG",
    "DEFAULT_THUMB_JPEG",
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "APIError",
    "BotAPIStandin",
    "Call",
    "Injected",
    "UploadedFile",
    "decode_param",
    "detect_entities",
    "parse_html",
    "utf16_len",
]
