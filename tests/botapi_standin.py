"""A loopback stand-in for the Telegram Bot API, for end-to-end tests of the real PTB stack.

Start it, point PTB at it and drive it from the test::

    with BotAPIStandin() as api:
        app = api.application_builder().build()      # token + base_url + base_file_url
        ...
        api.send_text(1001, "你好")                    # a user writes to the bot
        assert await api.wait_for_async(lambda calls: api.sent(chat_id=1001))

What PTB sends (python-telegram-bot 22, ``HTTPXRequest``):

* ``POST {base_url}{token}/{method}``; ``base_url`` is ``http://127.0.0.1:PORT/bot``.
* Without files the body is ``application/x-www-form-urlencoded``. Every value is a *string*:
  ``str`` parameters are sent as they are, everything else (ints, bools, lists, dicts such as
  ``reply_markup``) as JSON. So ``text="123"`` and ``chat_id=123`` both arrive as ``"123"``;
  the stand-in decodes by parameter name (see :func:`decode_param`).
* With files the body is ``multipart/form-data``: the same string fields plus one part per
  file, named after the parameter (``photo``, ``document``) or, for media groups, after a
  random ``attach://`` name. Filenames are raw UTF-8 with ``"`` sent as ``%22``.
* ``reply_to_message_id=...`` is sent as ``reply_parameters={"message_id": ...}``.
* Downloads are ``GET {base_file_url}{token}/{file_path}``: ``Bot.get_file`` prefixes the
  ``file_path`` from ``getFile`` with ``base_file_url + token + "/"`` -- unless ``file_path``
  names an existing local file, in which case PTB copies that file instead.
* The HTTP status code, not the JSON ``error_code``, decides the exception: 400 BadRequest,
  403 Forbidden, 404/401 InvalidToken (!), 409 Conflict; any response whose
  ``parameters.retry_after`` is set raises RetryAfter. PTB drops a leading "Bad Request: " and
  then ``str.capitalize()``s the rest, so match BadRequest messages case-insensitively.

The stand-in behaves like Telegram where tests are likely to notice: per-chat message ids,
``getUpdates`` offsets and long polling, HTML parse errors, empty/too long texts, 64-byte
callback data, "message is not modified", entity offsets in UTF-16 code units, mention and
bot-command detection by Telegram's rules (a mention glued to a Chinese character is not a
mention). Markdown parse modes are accepted but not parsed. Webhooks are only stored.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import itertools
import json
import logging
import mimetypes
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, NamedTuple, Self
from urllib.parse import parse_qsl, unquote, urlsplit

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

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

_LOG = logging.getLogger(__name__)

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST"
DEFAULT_USERNAME = "gridsafe_test_bot"
DEFAULT_GROUP_ID = -4_012_345_678
DEFAULT_SUPERGROUP_ID = -1_001_234_567_890

MAX_TEXT = 4096  # characters (code points) after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files

# A real 64x48 JPEG (1046 bytes) and an 8x6 one (632 bytes): the two sizes of a photo.
DEFAULT_JPEG = base64.b64decode(
    """
/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA0JCgsKCA0LCgsODg0PEyAVExISEyccHhcgLikxMC4pLSwzOko+MzZG
NywtQFdBRkxOUlNSMj5aYVpQYEpRUk//2wBDAQ4ODhMREyYVFSZPNS01T09PT09PT09PT09PT09PT09PT09PT09P
T09PT09PT09PT09PT09PT09PT09PT09PT0//wAARCAAwAEADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA
AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk
M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT
lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA
HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh
cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp
anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk
5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDzpIfapkg9qsxw+1WY4PapguYmnWKiQe1Tpb+1XY4ParMdv7V1
wwnMehTxBQS29qnS19qviJExuIFPXH8KH8aKlDD0tKklftu/wPRo129iolp7VOln7VZVZDjGB9BUyQSE53N+dY8t
B/DBs9KlWfc56KH2q5FB7VJDD7Vdhg9qjArmsfm0KxDHBxk0vzMcJwPXvViRCzbB0HX3qeG39q3r4qc5+xo6Jbvu
ehRq21ZUitvarSW4UZbAFWSgjwFALfyp0duznLZJrmcqdF8kFzS/BHp0qzerIFA/gXJ9TUyRSN3I+nFWhEsfUZPo
KlSN34A2j2rKpWd+WcnftH+vzPSo1Tn4Yfaryx7Iy2OlOgh6cVZki4RePWpwtb2WHlUW9tPV6H5tCrd2KkMHtVop
5YAUfMf0qzFCFXcegp0UBdtxHJqVN0acYQ+KX4I9KlWu9SCG29qm287Yx9TVkx87F/E/0qZIRGuSOew9ayc1FOnT
dkt3+iPSpVurK0duqDLcCpkRm4QbR+tWI4C53P8A/WFTKhOBGCB61h7XlS5fdXS27/yPSpVT/9k=
"""
)
DEFAULT_THUMB_JPEG = base64.b64decode(
    """
/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERX
RTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2Nj
Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAGAAgDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAA
AAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAk
M2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKT
lJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QA
HwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdh
cRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hp
anN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk
5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDCooor6I5T/9k=
"""
)

# ---------------------------------------------------------------------------------------
# Small public helpers
# ---------------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


class APIError(Exception):
    """An error answer of the Bot API; ``code`` is also the HTTP status."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        out: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def _bad(description: str) -> APIError:
    return APIError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as PTB uploaded it."""

    name: str  # the multipart part name: the parameter, or an attach:// name
    filename: str
    content: bytes = field(repr=False)
    mime_type: str = "application/octet-stream"

    @property
    def size(self) -> int:
        return len(self.content)


class _CallBase(NamedTuple):
    method: str
    params: JSONDict


class Call(_CallBase):
    """One API call: a ``(method, params)`` tuple with more details as attributes.

    ``params`` holds the decoded values (see :func:`decode_param`); uploaded files appear
    under their part name as :class:`UploadedFile`. Extra attributes: ``raw`` (the strings as
    received), ``files``, ``status`` (HTTP status, 0 for a dropped connection), ``response``
    (the JSON answer), ``at`` (``time.monotonic()`` when answered).
    """

    raw: dict[str, str]
    files: dict[str, UploadedFile]
    status: int
    response: JSONDict
    at: float

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def result(self) -> Any:
        return self.response.get("result")


class Injected(NamedTuple):
    """What an injected user message became."""

    update_id: int
    message_id: int
    chat_id: int
    file_id: str | None = None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes = field(repr=False)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class _Failure:
    error_code: int
    description: str
    retry_after: float | None
    disconnect: bool = False


# ---------------------------------------------------------------------------------------
# Request decoding
# ---------------------------------------------------------------------------------------

# Parameters whose values are strings: PTB sends them unencoded, so "123" or "true" must
# not be JSON-decoded. Keys ending in "_id" are strings too unless listed in _INT_ID_FIELDS.
# fmt: off
_STRING_FIELDS = frozenset([
    "text", "caption", "parse_mode", "action", "url", "query", "data", "next_offset",
    "switch_pm_text", "switch_pm_parameter", "secret_token", "ip_address", "language_code",
    "emoji", "title", "description", "short_description", "name", "photo", "document", "video",
    "audio", "voice", "animation", "sticker", "thumbnail", "video_note", "certificate",
    "question", "explanation", "explanation_parse_mode", "question_parse_mode",
    "text_parse_mode", "message_text", "performer", "address", "foursquare_type",
    "google_place_type", "vcard", "phone_number", "first_name", "last_name", "payload",
    "currency", "provider_token", "start_parameter", "prefix", "error_message", "format",
    "cover",
])
_INT_ID_FIELDS = frozenset([
    "chat_id", "user_id", "message_id", "from_chat_id", "message_thread_id",
    "reply_to_message_id", "sender_chat_id", "direct_messages_topic_id",
])
# fmt: on


def decode_param(key: str, raw: str) -> Any:
    """Decode one form value the way PTB encoded it (JSON for non-strings)."""
    if key in _STRING_FIELDS or (key.endswith("_id") and key not in _INT_ID_FIELDS):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


_FORM_PARAM_RE = re.compile(r';\s*([\w*.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')
_FORM_UNESCAPE_RE = re.compile(r"%(22|[01][0-9A-Fa-f])|\\\\")


def _form_unescape(value: str) -> str:
    # httpx writes '"' as %22, '\' as '\\' and control characters as %XX.
    def repl(m: re.Match[str]) -> str:
        return chr(int(m.group(1), 16)) if m.group(1) else "\\"

    return _FORM_UNESCAPE_RE.sub(repl, value)


def _header_params(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _FORM_PARAM_RE.finditer(value):
        out[m.group(1).lower()] = (
            _form_unescape(m.group(2)) if m.group(2) is not None else m.group(3) or ""
        )
    return out


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise _bad("multipart boundary is missing")
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in (b"\r\n" + body).split(b"\r\n--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        head, sep, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not sep:
            continue
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""))
        part = disposition.get("name")
        if part is None:
            continue
        if "filename" in disposition:
            mime = headers.get("content-type", "application/octet-stream")
            files[part] = UploadedFile(part, disposition["filename"], content, mime)
        else:
            fields[part] = content.decode("utf-8")
    return fields, files


# ---------------------------------------------------------------------------------------
# Text: HTML parse mode and automatic entities (both measured in UTF-16 code units)
# ---------------------------------------------------------------------------------------

_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_REF_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""\s*([^\s=>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9.-]+)))?""")


def _char_ref(m: re.Match[str]) -> str | None:
    if m.group(1):
        return _NAMED_REFS[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape_attr(value: str) -> str:
    return _CHAR_REF_RE.sub(lambda m: _char_ref(m) or m.group(0), value)


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML parse mode into (plain text, entities), like the Bot API.

    Raises :class:`APIError` 400 "can't parse entities: ..." where Telegram would: unknown
    tags (so a bare ``<`` in text), unclosed or mismatched tags.
    """

    def fail(message: str) -> APIError:
        return _bad(f"can't parse entities: {message}")

    def byte_offset(index: int) -> int:
        return len(source[:index].encode())

    out: list[str] = []
    pos = 0  # UTF-16 offset in the output
    stack: list[tuple[str, int, dict[str, str]]] = []
    entities: list[JSONDict] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "&":
            m = _CHAR_REF_RE.match(source, i)
            decoded = _char_ref(m) if m else None
            if m and decoded is not None:
                out.append(decoded)
                pos += utf16_len(decoded)
                i = m.end()
                continue
        if ch != "<":
            out.append(ch)
            pos += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        start = i
        if source.startswith("</", i):
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {byte_offset(start)}")
            j = i + 2
            while j < n and not source[j].isspace() and source[j] != ">":
                j += 1
            end_name = source[i + 2 : j].lower()
            while j < n and source[j].isspace():
                j += 1
            if j >= n or source[j] != ">":
                raise fail(f"Unclosed end tag at byte offset {byte_offset(start)}")
            name, begin, attrs = stack.pop()
            if end_name and end_name != name:
                raise fail(
                    f"Unmatched end tag at byte offset {byte_offset(start)}, "
                    f'expected "</{name}>", found "</{end_name}>"'
                )
            i = j + 1
            if pos > begin:
                _close_html_entity(entities, name, begin, pos - begin, attrs, stack)
            continue
        j = i + 1
        while j < n and not source[j].isspace() and source[j] != ">":
            j += 1
        name = source[i + 1 : j].lower()
        if j >= n:
            raise fail(f"Unclosed start tag at byte offset {byte_offset(start)}")
        if name not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{name}" at byte offset {byte_offset(start)}')
        close = source.find(">", j)
        if close < 0:
            raise fail(f'Unclosed start tag "{name}" at byte offset {byte_offset(start)}')
        attrs = {
            m.group(1).lower(): _unescape_attr(next((g for g in m.groups()[1:] if g), ""))
            for m in _ATTR_RE.finditer(source[j:close].rstrip("/"))
        }
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(start)}'
            )
        stack.append((name, pos, attrs))
        i = close + 1
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_html_entity(
    entities: list[JSONDict],
    name: str,
    offset: int,
    length: int,
    attrs: dict[str, str],
    stack: list[tuple[str, int, dict[str, str]]],
) -> None:
    kind = _HTML_TAGS[name]
    entity: JSONDict = {"type": kind, "offset": offset, "length": length}
    if kind == "text_link":
        if not attrs.get("href"):
            return
        entity["url"] = attrs["href"]
    elif kind == "custom_emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif kind == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif kind == "code" and stack and stack[-1][0] == "pre" and stack[-1][1] == offset:
        # <pre><code class="language-x">: one pre entity with a language
        language = attrs.get("class", "").removeprefix("language-")
        if language:
            stack[-1][2]["language"] = language
        return
    elif kind == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    entities.append(entity)


_WORD = r"\w"  # Telegram's "word character": letters (CJK too), digits, underscore
_MENTION_RE = re.compile(rf"(?<!{_WORD})@([A-Za-z0-9_]{{2,32}})(?![A-Za-z0-9_])(?!{_WORD})")
_COMMAND_RE = re.compile(
    rf"(?<!{_WORD})(?<![/<>])/[A-Za-z0-9_]{{1,64}}(?![A-Za-z0-9_])"
    rf"(?:@[A-Za-z0-9_]{{3,32}}(?![A-Za-z0-9_]))?(?!{_WORD})(?![/<>@])"
)


def detect_entities(text: str) -> list[JSONDict]:
    """``mention`` and ``bot_command`` entities the way Telegram finds them in user text.

    As in TDLib, ``@name`` and ``/command`` need a non-word character (or nothing) on both
    sides, and a CJK character counts as a word character: "请问@bot" has no mention.
    """
    found: list[tuple[int, int, str]] = []
    for m in _COMMAND_RE.finditer(text):
        found.append((m.start(), m.end(), "bot_command"))
    taken = [(s, e) for s, e, _ in found]
    for m in _MENTION_RE.finditer(text):
        name = m.group(1)
        if len(name) < 4 and name.lower() not in ("gif", "vid", "pic"):
            continue
        if any(s <= m.start() < e for s, e in taken):
            continue
        found.append((m.start(), m.end(), "mention"))
    found.sort()
    return [
        {"type": kind, "offset": utf16_len(text[:s]), "length": utf16_len(text[s:e])}
        for s, e, kind in found
    ]


def _entity_dicts(entities: Iterable[Any]) -> list[JSONDict]:
    out = []
    for e in entities:
        if hasattr(e, "to_dict"):
            e = e.to_dict()
        out.append(dict(e))
    return out


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip surrounding whitespace like Telegram does, keeping entities in place."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    out = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return stripped, out


# ---------------------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of concurrent sends, as Telegram would take them

    def __init__(self, address: tuple[str, int], standin: BotAPIStandin) -> None:
        self.standin = standin
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (PTB cancels long polls on shutdown) are expected.
        _LOG.debug("connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.standin._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.standin._track(self.connection, add=False)

    def log_message(self, fmt: str, *args: Any) -> None:
        _LOG.debug("%s " + fmt, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        answer = self.server.standin._serve_http(
            self.command, self.path, self.headers.get("Content-Type", ""), body
        )
        if answer is None:  # injected disconnect: hang up without answering
            self.close_connection = True
            return
        status, content_type, payload = answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


# ---------------------------------------------------------------------------------------
# The stand-in
# ---------------------------------------------------------------------------------------

# fmt: off
_CHAT_ACTIONS = frozenset([
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
])
# fmt: on
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_STALE_QUERY = "query is too old and response timeout expired or query ID is invalid"


class BotAPIStandin:
    """A Telegram Bot API on 127.0.0.1 for PTB; see the module docstring.

    Thread-safe: the server answers each connection in its own thread; inject updates and
    inspect calls from the test (any thread). In async tests use :meth:`wait_for_async`
    (the blocking :meth:`wait_for` would stall the event loop PTB runs on).
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = DEFAULT_USERNAME,
        first_name: str = "GridSafe Test Bot",
        poll_cap: float = 1.0,
        latency: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.poll_cap = poll_cap
        self.latency = latency
        self.host = host
        self._method_latency: dict[str, float] = {}

        self._lock = threading.RLock()
        self._updates_cond = threading.Condition(self._lock)
        self._calls_cond = threading.Condition(self._lock)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._stopping = False
        self._connections: set[socket.socket] = set()

        self._calls: list[Call] = []
        self._counts: Counter[str] = Counter()
        self._downloads: list[str] = []
        self._errors: list[str] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: set[int] = set()

        self._pending: list[JSONDict] = []
        self._update_ids = itertools.count(1000)
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._webhook: JSONDict = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}

        self._users: dict[int, JSONDict] = {}
        self._chats: dict[int, JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._bot_messages: list[tuple[int, int]] = []
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._photo_sizes: dict[str, list[JSONDict]] = {}
        self._file_numbers = itertools.count(1)
        self._callback_queries: dict[str, JSONDict] = {}
        self._inline_queries: dict[str, JSONDict] = {}
        self._query_ids = itertools.count(4_100_000_000_000_000_001)

        self._methods: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "getFile": self._get_file,
        }
        self._canonical = {name.lower(): name for name in self._methods}

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("BotAPIStandin is already running")
        self._stopping = False
        self._server = _Server((self.host, 0), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"BotAPIStandin:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._lock:
            self._stopping = True
            self._updates_cond.notify_all()
            connections = list(self._connections)
        server.shutdown()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotAPIStandin has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    def bot(self, **kwargs: Any) -> Bot:
        """A ``telegram.Bot`` talking to this stand-in (use ``async with``)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    def application_builder(self) -> ApplicationBuilder:
        """An ``ApplicationBuilder`` with token and both base URLs set."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    def __repr__(self) -> str:
        where = f"{self.host}:{self._port}" if self._port else "not started"
        return f"<BotAPIStandin @{self.username} {where}, {len(self._calls)} calls>"

    # -- injecting updates --------------------------------------------------------------

    def set_user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> JSONDict:
        """Set how a user appears in updates (default: first_name "User <id>")."""
        user: JSONDict = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User {user_id}",
        }
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        with self._lock:
            self._users[user_id] = user
            if user_id in self._chats and self._chats[user_id]["type"] == "private":
                self._chats[user_id] = self._private_chat(user)
        return dict(user)

    def push_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` is assigned); wakes long polls."""
        with self._lock:
            update_id = next(self._update_ids)
            self._pending.append({"update_id": update_id, **copy.deepcopy(update)})
            self._updates_cond.notify_all()
            return update_id

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        chat_type: str = "private",
        reply_to_bot: bool | int = False,
        entities: Sequence[Any] | None = None,
    ) -> Injected:
        """A user sends ``text``. Entities default to Telegram's own detection (mentions,
        bot commands). ``reply_to_bot``: True replies to the bot's last message in the chat,
        an int replies to that message id."""
        with self._lock:
            chat = self._user_chat(user_id, chat_id, chat_type)
            content: JSONDict = {"text": text}
            found = _entity_dicts(entities) if entities is not None else detect_entities(text)
            if found:
                content["entities"] = found
            reply = self._injected_reply_target(chat["id"], reply_to_bot)
            message = self._new_message(chat, self._user(user_id), content, reply)
            update_id = self.push_update({"message": message})
            return Injected(update_id, message["message_id"], chat["id"])

    def send_photo(
        self,
        user_id: int,
        caption: str = "",
        content: bytes = DEFAULT_JPEG,
        chat_id: int | None = None,
        chat_type: str = "private",
        *,
        thumb_content: bytes = DEFAULT_THUMB_JPEG,
        size: tuple[int, int] = (1280, 960),
        caption_entities: Sequence[Any] | None = None,
        reply_to_bot: bool | int = False,
    ) -> Injected:
        """A user sends a photo. The message carries two PhotoSize entries, small first as
        Telegram orders them: a 90px thumbnail (``thumb_content``) and the full ``size``
        (``content``); ``Injected.file_id`` is the large one."""
        with self._lock:
            chat = self._user_chat(user_id, chat_id, chat_type)
            sizes = self._store_photo(content, thumb_content, size)
            body: JSONDict = {"photo": sizes}
            if caption:
                body["caption"] = caption
                found = (
                    _entity_dicts(caption_entities)
                    if caption_entities is not None
                    else detect_entities(caption)
                )
                if found:
                    body["caption_entities"] = found
            reply = self._injected_reply_target(chat["id"], reply_to_bot)
            message = self._new_message(chat, self._user(user_id), body, reply)
            update_id = self.push_update({"message": message})
            return Injected(update_id, message["message_id"], chat["id"], sizes[-1]["file_id"])

    def send_document(
        self,
        user_id: int,
        content: bytes,
        file_name: str = "document.pdf",
        *,
        mime_type: str | None = None,
        caption: str = "",
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> Injected:
        """A user sends a file as a document."""
        with self._lock:
            chat = self._user_chat(user_id, chat_id, chat_type)
            mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
            body: JSONDict = {"document": self._store_document(content, file_name, mime)}
            if caption:
                body["caption"] = caption
            message = self._new_message(chat, self._user(user_id), body, None)
            update_id = self.push_update({"message": message})
            file_id = body["document"]["file_id"]
            return Injected(update_id, message["message_id"], chat["id"], file_id)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        chat_id: int | None = None,
        *,
        check: bool = True,
    ) -> str:
        """A user presses an inline button; returns the callback query id. With ``check``
        the message must exist and carry a button with this ``callback_data``."""
        with self._lock:
            cid = user_id if chat_id is None else chat_id
            message = self._messages.get((cid, message_id))
            if message is None and check:
                raise ValueError(f"no message {message_id} in chat {cid}")
            if check and message is not None:
                rows = message.get("reply_markup", {}).get("inline_keyboard", [])
                datas: list[str | None] = [b.get("callback_data") for row in rows for b in row]
                if data not in datas:
                    raise ValueError(
                        f"message {message_id} in chat {cid} has no button {data!r}: {datas}"
                    )
            query_id = str(next(self._query_ids))
            query: JSONDict = {
                "id": query_id,
                "from": self._user(user_id),
                "chat_instance": str(abs(cid) * 7919 + 17),
                "data": data,
            }
            if message is not None:
                query["message"] = copy.deepcopy(message)
            self._callback_queries[query_id] = {"answered": False}
            self.push_update({"callback_query": query})
            return query_id

    def inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str = "private"
    ) -> str:
        """A user types ``@bot query``; returns the inline query id."""
        with self._lock:
            query_id = str(next(self._query_ids))
            self._inline_queries[query_id] = {"answered": False}
            self.push_update(
                {
                    "inline_query": {
                        "id": query_id,
                        "from": self._user(user_id),
                        "query": query,
                        "offset": offset,
                        "chat_type": chat_type,
                    }
                }
            )
            return query_id

    # -- inspecting -----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of all API calls so far (failed ones too), oldest first."""
        with self._lock:
            return list(self._calls)

    @property
    def counts(self) -> Counter[str]:
        """Calls per method (every attempt, including injected failures)."""
        with self._lock:
            return Counter(self._counts)

    def count(self, method: str) -> int:
        with self._lock:
            return self._counts[self._canonical.get(method.lower(), method)]

    def sent(
        self, method: str = "sendMessage", chat_id: int | str | None = None
    ) -> list[JSONDict]:
        """Params of the *successful* calls of ``method`` (to ``chat_id``), oldest first."""
        name = self._canonical.get(method.lower(), method)
        with self._lock:
            return [
                c.params
                for c in self._calls
                if c.method == name
                and c.ok
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
            ]

    def bot_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot sent (current state, edits applied, deleted ones gone)."""
        with self._lock:
            return [
                copy.deepcopy(self._messages[key])
                for key in self._bot_messages
                if key in self._messages and (chat_id is None or key[0] == chat_id)
            ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """What the user sees of each bot message: text or caption (HTML already parsed)."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.bot_messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found) if found else None

    def file_content(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].content

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._lock:
            return copy.deepcopy(self._pending)

    @property
    def downloads(self) -> list[str]:
        """File paths downloaded through the file route."""
        with self._lock:
            return list(self._downloads)

    @property
    def errors(self) -> list[str]:
        """Internal errors of the stand-in itself (answered as HTTP 500)."""
        with self._lock:
            return list(self._errors)

    @property
    def webhook(self) -> JSONDict:
        with self._lock:
            return dict(self._webhook)

    @property
    def commands(self) -> list[JSONDict]:
        """The command list for the default scope and no language."""
        return self.my_commands()

    def my_commands(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        with self._lock:
            return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 10) -> bool:
        """Block until ``predicate(calls)`` is truthy; False on timeout. Not for use on the
        thread running PTB's event loop: use :meth:`wait_for_async` there."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "BotAPIStandin.wait_for() would block the running event loop (and PTB with it);"
                " use `await standin.wait_for_async(...)`"
            )
        deadline = time.monotonic() + timeout
        with self._calls_cond:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._calls_cond.wait(min(remaining, 0.05))
            return True

    async def wait_for_async(
        self, predicate: Callable[[list[Call]], Any], timeout: float = 10
    ) -> bool:
        """Like :meth:`wait_for`, yielding to the event loop while waiting."""
        deadline = time.monotonic() + timeout
        while not predicate(self.calls):
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def clear(self) -> None:
        """Forget recorded calls, counters and downloads (chats, messages, files stay)."""
        with self._lock:
            self._calls.clear()
            self._counts.clear()
            self._downloads.clear()

    # -- behaviour --------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        times: int = 1,
        error_code: int = 429,
        retry_after: float = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (nothing happens).
        429 carries ``parameters.retry_after``, which is what PTB turns into RetryAfter."""
        if error_code == 429:
            shown = int(retry_after) if float(retry_after).is_integer() else retry_after
            description = description or f"Too Many Requests: retry after {shown}"
            failure = _Failure(429, description, shown)
        else:
            description = description or {
                400: "Bad Request: injected failure",
                403: "Forbidden: bot was blocked by the user",
                409: "Conflict: injected failure",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}: injected failure")
            failure = _Failure(error_code, description, None)
        self._add_failures(method, failure, times)

    def disconnect_next(self, method: str, times: int = 1) -> None:
        """Hang up without answering the next ``times`` calls (PTB raises NetworkError)."""
        self._add_failures(method, _Failure(0, "", None, disconnect=True), times)

    def block_chat(self, chat_id: int) -> None:
        """Sends to this chat fail with 403, as for a user who blocked the bot (or a group
        the bot was removed from)."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay every answer (``method=None``) or those of one method, in seconds."""
        if method is None:
            self.latency = seconds
        else:
            with self._lock:
                self._method_latency[method.lower()] = seconds

    def _add_failures(self, method: str, failure: _Failure, times: int) -> None:
        with self._lock:
            queue = self._failures.setdefault(method.lower(), deque())
            queue.extend([failure] * times)

    # -- HTTP dispatch ----------------------------------------------------------------------

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _serve_http(
        self, verb: str, target: str, content_type: str, body: bytes
    ) -> tuple[int, str, bytes] | None:
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            return self._download(token, file_path)
        if not path.startswith("/bot"):
            return self._json(404, APIError(404, "Not Found").payload())
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return self._json(401, APIError(401, "Unauthorized").payload())
        if not method or "/" in method:
            return self._json(404, APIError(404, "Not Found").payload())
        try:
            raw, files, decoded = self._request_params(parts.query, content_type, body)
        except APIError as exc:
            return self._json(exc.code, exc.payload())
        except Exception as exc:  # undecodable request: a bug worth seeing
            _LOG.exception("BotAPIStandin could not read a %s request", method)
            with self._lock:
                self._errors.append(f"{method}: {exc!r}")
            return self._json(500, APIError(500, f"Internal Server Error: {exc!r}").payload())
        return self._call(method, raw, files, decoded)

    @staticmethod
    def _json(status: int, payload: JSONDict) -> tuple[int, str, bytes]:
        return status, "application/json", json.dumps(payload, ensure_ascii=False).encode()

    @staticmethod
    def _request_params(
        query: str, content_type: str, body: bytes
    ) -> tuple[dict[str, str], dict[str, UploadedFile], JSONDict]:
        raw: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        decoded: JSONDict = {}
        kind = content_type.split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            fields, files = _parse_multipart(body, content_type)
            raw.update(fields)
        elif kind == "application/json" and body:
            try:
                data = json.loads(body)
            except ValueError as exc:
                raise _bad("can't parse JSON object") from exc
            for key, value in data.items():
                raw[key] = value if isinstance(value, str) else json.dumps(value)
                decoded[key] = value
        elif body:
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        params: JSONDict = {key: decode_param(key, value) for key, value in raw.items()}
        params.update(decoded)
        params.update(files)
        return raw, files, params

    def _call(
        self,
        method: str,
        raw: dict[str, str],
        files: dict[str, UploadedFile],
        params: JSONDict,
    ) -> tuple[int, str, bytes] | None:
        name = self._canonical.get(method.lower(), method)
        with self._lock:
            self._counts[name] += 1
            queue = self._failures.get(name.lower())
            failure = queue.popleft() if queue else None
        delay = self._method_latency.get(name.lower(), self.latency)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            if failure is not None and failure.disconnect:
                self._record(name, params, raw, files, 0, {})
                return None
            try:
                if failure is not None:
                    extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                    raise APIError(failure.error_code, failure.description, extra)
                handler = self._methods.get(name)
                if handler is None:
                    raise APIError(404, "Not Found: method not found")
                payload: JSONDict = {"ok": True, "result": handler(params)}
                status = 200
            except APIError as exc:
                payload, status = exc.payload(), exc.code
            except Exception as exc:  # a bug in the stand-in: make it loud, not a hang
                _LOG.exception("BotAPIStandin failed on %s", name)
                self._errors.append(f"{name}: {exc!r}")
                status = 500
                payload = APIError(500, f"Internal Server Error: stand-in bug: {exc!r}").payload()
            answer = self._json(status, payload)
            self._record(name, params, raw, files, status, json.loads(answer[2]))
            return answer

    def _record(
        self,
        method: str,
        params: JSONDict,
        raw: dict[str, str],
        files: dict[str, UploadedFile],
        status: int,
        response: JSONDict,
    ) -> None:
        call = Call(method, params)
        call.raw, call.files, call.status = raw, files, status
        call.response, call.at = response, time.monotonic()
        self._calls.append(call)
        self._calls_cond.notify_all()

    def _download(self, token: str, file_path: str) -> tuple[int, str, bytes]:
        with self._lock:
            stored = self._files_by_path.get(file_path) if token == self.token else None
            if stored is None:
                return self._json(404, APIError(404, "Not Found").payload())
            self._downloads.append(file_path)
            return 200, stored.mime_type or "application/octet-stream", stored.content

    # -- chats, users, messages, files ------------------------------------------------------

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def _user(self, user_id: int) -> JSONDict:
        if user_id not in self._users:
            self._users[user_id] = {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
            }
        return dict(self._users[user_id])

    @staticmethod
    def _private_chat(user: JSONDict) -> JSONDict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def _user_chat(self, user_id: int, chat_id: int | None, chat_type: str) -> JSONDict:
        if chat_type == "private":
            if chat_id is not None and chat_id != user_id:
                raise ValueError("a private chat's id is the user's id")
            chat = self._private_chat(self._user(user_id))
        elif chat_type in ("group", "supergroup"):
            if chat_id is None:
                chat_id = DEFAULT_GROUP_ID if chat_type == "group" else DEFAULT_SUPERGROUP_ID
            if chat_id >= 0:
                raise ValueError("group chat ids are negative")
            known = self._chats.get(chat_id)
            title = known["title"] if known and "title" in known else f"Test {chat_type}"
            chat = {"id": chat_id, "type": chat_type, "title": title}
        else:
            raise ValueError(f"unsupported chat_type {chat_type!r}")
        self._chats[chat["id"]] = chat
        return dict(chat)

    def _chat(self, chat_id: Any) -> JSONDict:
        """The chat a bot call addresses (chats never seen are made up, like open DMs)."""
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                if not chat_id.startswith("@"):
                    raise _bad("chat not found") from None
                for chat in self._chats.values():
                    if chat.get("username") == chat_id[1:]:
                        return dict(chat)
                channel_id = -1_009_000_000_000 - len(self._chats)
                chat = {
                    "id": channel_id,
                    "type": "channel",
                    "title": chat_id[1:],
                    "username": chat_id[1:],
                }
                self._chats[channel_id] = chat
                return dict(chat)
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = self._private_chat(self._user(chat_id))
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                self._chats[chat_id] = {"id": chat_id, "type": kind, "title": f"Test {kind}"}
        return dict(self._chats[chat_id])

    def _check_blocked(self, chat: JSONDict) -> None:
        if chat["id"] in self._blocked:
            if chat["type"] == "private":
                raise APIError(403, "Forbidden: bot was blocked by the user")
            where = "supergroup" if chat["type"] == "supergroup" else "group"
            raise APIError(403, f"Forbidden: bot was kicked from the {where} chat")

    def _new_message(
        self,
        chat: JSONDict,
        sender: JSONDict,
        content: JSONDict,
        reply_to: JSONDict | None,
    ) -> JSONDict:
        chat_id = chat["id"]
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        message: JSONDict = {
            "message_id": message_id,
            "from": sender,
            "chat": dict(chat),
            "date": int(time.time()),
            **content,
        }
        if reply_to is not None:
            quoted = copy.deepcopy(reply_to)
            quoted.pop("reply_to_message", None)
            message["reply_to_message"] = quoted
        self._messages[(chat_id, message_id)] = message
        if sender.get("id") == self.bot_id:
            self._bot_messages.append((chat_id, message_id))
        return message

    def _injected_reply_target(self, chat_id: int, reply_to: bool | int) -> JSONDict | None:
        if reply_to is False:
            return None
        if reply_to is True:
            mine = [mid for cid, mid in self._bot_messages if cid == chat_id]
            if not mine:
                raise ValueError(f"the bot has sent nothing to chat {chat_id} to reply to")
            return self._messages[(chat_id, mine[-1])]
        found = self._messages.get((chat_id, int(reply_to)))
        if found is None:
            raise ValueError(f"no message {reply_to} in chat {chat_id}")
        return found

    def _reply_target(self, chat_id: int, p: JSONDict) -> JSONDict | None:
        parameters = p.get("reply_parameters")
        allow = bool(p.get("allow_sending_without_reply"))
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            target_chat = parameters.get("chat_id", chat_id)
            allow = bool(parameters.get("allow_sending_without_reply", allow))
        elif p.get("reply_to_message_id") is not None:
            message_id, target_chat = p["reply_to_message_id"], chat_id
        else:
            return None
        if isinstance(target_chat, str) and target_chat.lstrip("-").isdigit():
            target_chat = int(target_chat)
        found = self._messages.get((target_chat, message_id))  # type: ignore[arg-type]
        if found is None and not allow:
            raise _bad("message to be replied not found")
        return found

    def _next_file_ids(self, prefix: str) -> tuple[str, str, int]:
        number = next(self._file_numbers)
        return f"{prefix}{number:08d}standin", f"AQAD{number:08d}", number

    def _store_file(
        self, prefix: str, content: bytes, folder: str, suffix: str, **extra: Any
    ) -> _StoredFile:
        file_id, unique_id, number = self._next_file_ids(prefix)
        stored = _StoredFile(
            file_id, unique_id, content, f"{folder}/file_{number}{suffix}", **extra
        )
        self._files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_photo(self, content: bytes, thumb: bytes, size: tuple[int, int]) -> list[JSONDict]:
        width, height = size
        scale = 90 / max(width, height)
        small_size = (max(1, round(width * scale)), max(1, round(height * scale)))
        sizes: list[JSONDict] = []
        jpeg = "image/jpeg"
        for data, (w, h) in ((thumb, small_size), (content, size)):
            stored = self._store_file("AgACAgUAAxkB", data, "photos", ".jpg", mime_type=jpeg)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": w,
                    "height": h,
                }
            )
        for entry in sizes:
            self._photo_sizes[entry["file_id"]] = sizes
        return copy.deepcopy(sizes)

    def _store_document(self, content: bytes, file_name: str, mime: str) -> JSONDict:
        suffix = ""
        if "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        if not re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix):
            suffix = ""
        stored = self._store_file(
            "BQACAgUAAxkB", content, "documents", suffix, file_name=file_name, mime_type=mime
        )
        return self._document_json(stored)

    @staticmethod
    def _document_json(stored: _StoredFile) -> JSONDict:
        document: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
        }
        if stored.file_name:
            document["file_name"] = stored.file_name
        if stored.mime_type:
            document["mime_type"] = stored.mime_type
        return document

    # -- validation ---------------------------------------------------------------------------

    @staticmethod
    def _formatted(
        text: Any,
        parse_mode: Any,
        entities: Any,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[JSONDict]]:
        text = "" if text is None else str(text)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            plain, found = parse_html(text)
        elif mode in ("markdown", "markdownv2"):
            plain, found = text, []  # accepted, not parsed
        elif mode:
            raise _bad("unsupported parse_mode")
        else:
            if entities is not None and not isinstance(entities, list):
                raise _bad("can't parse entities JSON object")
            plain, found = text, _entity_dicts(entities or [])
        plain, found = _trim(plain, found)
        if not plain and empty:
            raise _bad(empty)
        if len(plain) > limit:
            raise _bad(too_long)
        return plain, found

    @staticmethod
    def _markup(markup: Any) -> JSONDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        actions = (
            "callback_data",
            "url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "web_app",
            "login_url",
            "callback_game",
            "pay",
            "copy_text",
        )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    size = len(str(button["callback_data"]).encode())
                    if not 1 <= size <= MAX_CALLBACK_DATA:
                        raise _bad("BUTTON_DATA_INVALID")
                elif not any(key in button for key in actions):
                    raise _bad("text buttons are unallowed in the inline keyboard")
        return markup

    def _send(self, p: JSONDict, content: JSONDict) -> JSONDict:
        chat = self._chat(p.get("chat_id"))
        self._check_blocked(chat)
        markup = self._markup(p.get("reply_markup"))
        reply = self._reply_target(chat["id"], p)
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        return self._new_message(chat, self._bot_user(), content, reply)

    def _caption(self, p: JSONDict, content: JSONDict) -> None:
        caption, found = self._formatted(
            p.get("caption"),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
            empty=None,
        )
        if caption:
            content["caption"] = caption
            if found:
                content["caption_entities"] = found

    def _editable(self, p: JSONDict) -> JSONDict | None:
        """The message an edit addresses; None for inline messages (answered with True)."""
        if p.get("inline_message_id"):
            return None
        if p.get("chat_id") in (None, ""):
            raise _bad("chat_id is empty")
        if p.get("message_id") is None:
            raise _bad("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        message = self._messages.get((chat["id"], p["message_id"]))
        if message is None:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise _bad("message can't be edited")
        return message

    # -- API methods ------------------------------------------------------------------------

    def _true(self, p: JSONDict) -> bool:
        return True

    def _get_me(self, p: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": True,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _get_updates(self, p: JSONDict) -> list[JSONDict]:
        if self._webhook.get("url"):
            raise APIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(p.get("offset") or 0)
        limit = min(max(int(p.get("limit") or 100), 1), 100)
        timeout = min(max(float(p.get("timeout") or 0), 0.0), self.poll_cap)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed]
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_cond.notify_all()  # an older long poll is now terminated
        deadline = time.monotonic() + timeout
        while True:
            ready = [u for u in self._pending if self._wanted(u)]
            if ready or self._stopping:
                return copy.deepcopy(ready[:limit])
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._updates_cond.wait(remaining)
            if self._poll_generation != generation:
                raise APIError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )

    def _wanted(self, update: JSONDict) -> bool:
        if not self._allowed_updates:
            return not any(k in update for k in ("chat_member", "message_reaction"))
        return any(kind in update for kind in self._allowed_updates)

    def _set_webhook(self, p: JSONDict) -> bool:
        url = str(p.get("url") or "")
        if not url:
            return self._delete_webhook(p)
        if not url.startswith("https://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {key: value for key, value in p.items() if key != "certificate"}
        return True

    def _delete_webhook(self, p: JSONDict) -> bool:
        self._webhook = {}
        if p.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _get_webhook_info(self, p: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        for key in ("max_connections", "ip_address", "allowed_updates"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        return info

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(language_code or "")

    def _set_my_commands(self, p: JSONDict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("too many commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p.get("scope"), p.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, p: JSONDict) -> list[JSONDict]:
        key = self._commands_key(p.get("scope"), p.get("language_code"))
        return self._commands.get(key, [])

    def _delete_my_commands(self, p: JSONDict) -> bool:
        self._commands.pop(self._commands_key(p.get("scope"), p.get("language_code")), None)
        return True

    def _send_message(self, p: JSONDict) -> JSONDict:
        text, found = self._formatted(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
            empty="message text is empty",
        )
        content: JSONDict = {"text": text}
        if found:
            content["entities"] = found
        return self._send(p, content)

    def _photo(self, ref: Any) -> list[JSONDict]:
        """PhotoSize list for an upload, a known file_id or a URL."""
        if isinstance(ref, UploadedFile):
            return self._store_photo(ref.content, DEFAULT_THUMB_JPEG, (1280, 960))
        if isinstance(ref, str) and ref in self._photo_sizes:
            return copy.deepcopy(self._photo_sizes[ref])
        if isinstance(ref, str) and ref.startswith(("http://", "https://")):
            return self._store_photo(b"", DEFAULT_THUMB_JPEG, (1280, 960))
        if ref:
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad("there is no photo in the request")

    def _document(self, ref: Any) -> JSONDict:
        """Document JSON for an upload, a known file_id or a URL."""
        if isinstance(ref, UploadedFile):
            mime = ref.mime_type
            if mime == "application/octet-stream":
                mime = mimetypes.guess_type(ref.filename)[0] or mime
            return self._store_document(ref.content, ref.filename, mime)
        if isinstance(ref, str) and ref in self._files:
            return self._document_json(self._files[ref])
        if isinstance(ref, str) and ref.startswith(("http://", "https://")):
            name = ref.rsplit("/", 1)[-1] or "file"
            return self._store_document(b"", name, "application/octet-stream")
        if ref:
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad("there is no document in the request")

    def _send_photo(self, p: JSONDict) -> JSONDict:
        content: JSONDict = {"photo": self._photo(p.get("photo"))}
        self._caption(p, content)
        return self._send(p, content)

    def _send_document(self, p: JSONDict) -> JSONDict:
        content: JSONDict = {"document": self._document(p.get("document"))}
        self._caption(p, content)
        return self._send(p, content)

    def _send_media_group(self, p: JSONDict) -> list[JSONDict]:
        media = p.get("media")
        if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
            raise _bad("can't parse media JSON object")
        chat = self._chat(p.get("chat_id"))
        self._check_blocked(chat)
        reply = self._reply_target(chat["id"], p)
        contents = []
        for item in media:
            ref = item.get("media")
            if isinstance(ref, str) and ref.startswith("attach://"):
                ref = p.get(ref.removeprefix("attach://"))  # the uploaded part
                if not isinstance(ref, UploadedFile):
                    raise _bad("wrong file identifier/HTTP URL specified")
            if item.get("type") == "photo":
                content: JSONDict = {"photo": self._photo(ref)}
            elif item.get("type") == "document":
                content = {"document": self._document(ref)}
            else:
                raise _bad(f"the stand-in does not support media of type {item.get('type')!r}")
            self._caption(item, content)
            contents.append(content)
        group_id = str(13_000_000_000_000_000 + next(self._file_numbers))
        return [
            self._new_message(chat, self._bot_user(), {**c, "media_group_id": group_id}, reply)
            for c in contents
        ]

    def _send_chat_action(self, p: JSONDict) -> bool:
        chat = self._chat(p.get("chat_id"))
        self._check_blocked(chat)
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _edit_message_text(self, p: JSONDict) -> JSONDict | bool:
        text, found = self._formatted(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = self._markup(p.get("reply_markup"))
        message = self._editable(p)
        if message is None:
            return True
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        return self._apply_edit(message, {"text": text, "entities": found}, markup)

    def _edit_message_caption(self, p: JSONDict) -> JSONDict | bool:
        content: JSONDict = {}
        self._caption(p, content)
        markup = self._markup(p.get("reply_markup"))
        message = self._editable(p)
        if message is None:
            return True
        if not any(k in message for k in ("photo", "document", "video", "audio", "animation")):
            raise _bad("there is no caption in the message to edit")
        changes = {
            "caption": content.get("caption"),
            "caption_entities": content.get("caption_entities"),
        }
        return self._apply_edit(message, changes, markup)

    def _edit_message_reply_markup(self, p: JSONDict) -> JSONDict | bool:
        markup = self._markup(p.get("reply_markup"))
        message = self._editable(p)
        if message is None:
            return True
        return self._apply_edit(message, {}, markup)

    def _apply_edit(
        self, message: JSONDict, changes: JSONDict, markup: JSONDict | None
    ) -> JSONDict:
        inline = markup if markup is not None and "inline_keyboard" in markup else None
        new = dict(message)
        for key, value in changes.items():
            if value:
                new[key] = value
            else:
                new.pop(key, None)
        if inline is None:
            new.pop("reply_markup", None)
        else:
            new["reply_markup"] = inline
        if new == message:
            raise _bad(_NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        message.clear()
        message.update(new)
        return message

    def _delete_message(self, p: JSONDict) -> bool:
        chat = self._chat(p.get("chat_id"))
        if self._messages.pop((chat["id"], int(p.get("message_id") or 0)), None) is None:
            raise _bad("message to delete not found")
        return True

    def _answer_callback_query(self, p: JSONDict) -> bool:
        query = self._callback_queries.get(str(p.get("callback_query_id", "")))
        if query is None:
            raise _bad(_STALE_QUERY)
        if len(str(p.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        query["answered"] = True
        return True

    def _answer_inline_query(self, p: JSONDict) -> bool:
        query = self._inline_queries.get(str(p.get("inline_query_id", "")))
        if query is None:
            raise _bad(_STALE_QUERY)
        results = p.get("results")
        if not isinstance(results, list):
            raise _bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad("RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results if isinstance(r, dict)]
        if len(ids) != len(results) or len(set(ids)) != len(ids) or not all(ids):
            raise _bad("RESULT_ID_DUPLICATE")
        query["answered"] = True
        return True

    def _get_file(self, p: JSONDict) -> JSONDict:
        stored = self._files.get(str(p.get("file_id") or ""))
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
