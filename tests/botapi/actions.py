"""What users do: injecting messages, photos, documents, button presses and inline queries
as updates for the bot to fetch with ``getUpdates``."""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Sequence
from typing import Any, NamedTuple

from tests.botapi.entities import DEFAULT_JPEG, DEFAULT_THUMB_JPEG, Store
from tests.botapi.formatting import detect_entities, entity_dicts
from tests.botapi.wire import JSONDict


class Injected(NamedTuple):
    """What an injected user message became."""

    update_id: int
    message_id: int
    chat_id: int
    file_id: str | None = None


class UserActions(Store):
    """Injecting updates, as if users wrote to the bot (a mixin of ``BotAPIStandin``)."""

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
            found = entity_dicts(entities) if entities is not None else detect_entities(text)
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
                    entity_dicts(caption_entities)
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
