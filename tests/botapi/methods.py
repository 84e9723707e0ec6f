"""The Bot API methods the stand-in implements, one handler per method: getMe, getUpdates
(long polling), webhooks and bot commands, then sending, editing and deleting messages,
answering queries and getFile. Handlers run under the stand-in's lock."""

from __future__ import annotations

import copy
import json
import mimetypes
import re
import time
from typing import Any

from tests.botapi.entities import DEFAULT_THUMB_JPEG, Store
from tests.botapi.formatting import MAX_CAPTION, MAX_TEXT, check_markup, formatted
from tests.botapi.wire import APIError, JSONDict, UploadedFile, bad

MAX_CALLBACK_ANSWER = 200
MAX_INLINE_RESULTS = 50
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files

# Each method and the name of its handler on the stand-in.
METHODS = {
    "getMe": "_get_me",
    "logOut": "_true",
    "close": "_true",
    "getUpdates": "_get_updates",
    "setWebhook": "_set_webhook",
    "deleteWebhook": "_delete_webhook",
    "getWebhookInfo": "_get_webhook_info",
    "setMyCommands": "_set_my_commands",
    "getMyCommands": "_get_my_commands",
    "deleteMyCommands": "_delete_my_commands",
    "sendMessage": "_send_message",
    "sendPhoto": "_send_photo",
    "sendDocument": "_send_document",
    "sendMediaGroup": "_send_media_group",
    "sendChatAction": "_send_chat_action",
    "editMessageText": "_edit_message_text",
    "editMessageCaption": "_edit_message_caption",
    "editMessageReplyMarkup": "_edit_message_reply_markup",
    "deleteMessage": "_delete_message",
    "answerCallbackQuery": "_answer_callback_query",
    "answerInlineQuery": "_answer_inline_query",
    "getFile": "_get_file",
}
_CANONICAL = {name.lower(): name for name in METHODS}

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


def canonical(method: str) -> str:
    """The Bot API spelling of a method name (method names are case-insensitive)."""
    return _CANONICAL.get(method.lower(), method)


def commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
    """Where a command list is stored: its scope (default scope if none) and language."""
    scope = scope if isinstance(scope, dict) else {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(language_code or "")


class UpdateMethods(Store):
    """getMe, getUpdates, webhooks and bot commands (a mixin of ``BotAPIStandin``)."""

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
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
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

    def _set_my_commands(self, p: JSONDict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("too many commands")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        key = commands_key(p.get("scope"), p.get("language_code"))
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, p: JSONDict) -> list[JSONDict]:
        key = commands_key(p.get("scope"), p.get("language_code"))
        return self._commands.get(key, [])

    def _delete_my_commands(self, p: JSONDict) -> bool:
        self._commands.pop(commands_key(p.get("scope"), p.get("language_code")), None)
        return True


class MessageMethods(Store):
    """Sending, editing and deleting messages, answering queries, getFile (a mixin of
    ``BotAPIStandin``)."""

    def _send(self, p: JSONDict, content: JSONDict) -> JSONDict:
        chat = self._chat(p.get("chat_id"))
        self._check_blocked(chat)
        markup = check_markup(p.get("reply_markup"))
        reply = self._reply_target(chat["id"], p)
        if markup is not None and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        return self._new_message(chat, self._bot_user(), content, reply)

    def _caption(self, p: JSONDict, content: JSONDict) -> None:
        caption, found = formatted(
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
            raise bad("chat_id is empty")
        if p.get("message_id") is None:
            raise bad("message identifier is not specified")
        chat = self._chat(p["chat_id"])
        message = self._messages.get((chat["id"], p["message_id"]))
        if message is None:
            raise bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id:
            raise bad("message can't be edited")
        return message

    def _send_message(self, p: JSONDict) -> JSONDict:
        text, found = formatted(
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
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad("there is no photo in the request")

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
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad("there is no document in the request")

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
            raise bad("can't parse media JSON object")
        chat = self._chat(p.get("chat_id"))
        self._check_blocked(chat)
        reply = self._reply_target(chat["id"], p)
        contents = []
        for item in media:
            ref = item.get("media")
            if isinstance(ref, str) and ref.startswith("attach://"):
                ref = p.get(ref.removeprefix("attach://"))  # the uploaded part
                if not isinstance(ref, UploadedFile):
                    raise bad("wrong file identifier/HTTP URL specified")
            if item.get("type") == "photo":
                content: JSONDict = {"photo": self._photo(ref)}
            elif item.get("type") == "document":
                content = {"document": self._document(ref)}
            else:
                raise bad(f"the stand-in does not support media of type {item.get('type')!r}")
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
            raise bad("wrong parameter action in request")
        return True

    def _edit_message_text(self, p: JSONDict) -> JSONDict | bool:
        text, found = formatted(
            p.get("text"),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = check_markup(p.get("reply_markup"))
        message = self._editable(p)
        if message is None:
            return True
        if "text" not in message:
            raise bad("there is no text in the message to edit")
        return self._apply_edit(message, {"text": text, "entities": found}, markup)

    def _edit_message_caption(self, p: JSONDict) -> JSONDict | bool:
        content: JSONDict = {}
        self._caption(p, content)
        markup = check_markup(p.get("reply_markup"))
        message = self._editable(p)
        if message is None:
            return True
        if not any(k in message for k in ("photo", "document", "video", "audio", "animation")):
            raise bad("there is no caption in the message to edit")
        changes = {
            "caption": content.get("caption"),
            "caption_entities": content.get("caption_entities"),
        }
        return self._apply_edit(message, changes, markup)

    def _edit_message_reply_markup(self, p: JSONDict) -> JSONDict | bool:
        markup = check_markup(p.get("reply_markup"))
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
            raise bad(_NOT_MODIFIED)
        new["edit_date"] = int(time.time())
        message.clear()
        message.update(new)
        return message

    def _delete_message(self, p: JSONDict) -> bool:
        chat = self._chat(p.get("chat_id"))
        if self._messages.pop((chat["id"], int(p.get("message_id") or 0)), None) is None:
            raise bad("message to delete not found")
        return True

    def _answer_callback_query(self, p: JSONDict) -> bool:
        query = self._callback_queries.get(str(p.get("callback_query_id", "")))
        if query is None:
            raise bad(_STALE_QUERY)
        if len(str(p.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise bad("MESSAGE_TOO_LONG")
        query["answered"] = True
        return True

    def _answer_inline_query(self, p: JSONDict) -> bool:
        query = self._inline_queries.get(str(p.get("inline_query_id", "")))
        if query is None:
            raise bad(_STALE_QUERY)
        results = p.get("results")
        if not isinstance(results, list):
            raise bad("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad("RESULTS_TOO_MUCH")
        ids = [r.get("id") for r in results if isinstance(r, dict)]
        if len(ids) != len(results) or len(set(ids)) != len(ids) or not all(ids):
            raise bad("RESULT_ID_DUPLICATE")
        query["answered"] = True
        return True

    def _get_file(self, p: JSONDict) -> JSONDict:
        stored = self._files.get(str(p.get("file_id") or ""))
        if stored is None:
            raise bad("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD:
            raise bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }
