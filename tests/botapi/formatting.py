"""Message text as Telegram treats it: HTML parse mode, automatic entities, trimming,
length limits and inline keyboard checks. Offsets and lengths are in UTF-16 code units."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.botapi.wire import APIError, JSONDict, bad

MAX_TEXT = 4096  # characters (code points) after entity parsing
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets and lengths."""
    return len(text.encode("utf-16-le")) // 2


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
        return bad(f"can't parse entities: {message}")

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


def entity_dicts(entities: Iterable[Any]) -> list[JSONDict]:
    """Entities as plain dicts, whether given as dicts or as PTB ``MessageEntity``."""
    out = []
    for e in entities:
        if hasattr(e, "to_dict"):
            e = e.to_dict()
        out.append(dict(e))
    return out


def trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
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


def formatted(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    limit: int,
    too_long: str,
    empty: str | None,
) -> tuple[str, list[JSONDict]]:
    """Plain text and entities of a text or caption as Telegram would store them; raises
    :class:`APIError` 400 for bad markup, an empty text (if ``empty`` names the error) or one
    over ``limit`` characters."""
    text = "" if text is None else str(text)
    mode = str(parse_mode or "").lower()
    if mode == "html":
        plain, found = parse_html(text)
    elif mode in ("markdown", "markdownv2"):
        plain, found = text, []  # accepted, not parsed
    elif mode:
        raise bad("unsupported parse_mode")
    else:
        if entities is not None and not isinstance(entities, list):
            raise bad("can't parse entities JSON object")
        plain, found = text, entity_dicts(entities or [])
    plain, found = trim(plain, found)
    if not plain and empty:
        raise bad(empty)
    if len(plain) > limit:
        raise bad(too_long)
    return plain, found


def check_markup(markup: Any) -> JSONDict | None:
    """``reply_markup`` after Telegram's checks of inline keyboards (None if absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
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
                raise bad("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode())
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise bad("BUTTON_DATA_INVALID")
            elif not any(key in button for key in actions):
                raise bad("text buttons are unallowed in the inline keyboard")
    return markup
