"""The stand-in's world: its shared state (one lock guards it all) and the users, chats,
messages and files built from it, for API calls and injected updates alike."""

from __future__ import annotations

import base64
import copy
import itertools
import re
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from tests.botapi.wire import APIError, Call, Failure, JSONDict, bad

DEFAULT_TOKEN = "123456:TEST"
DEFAULT_USERNAME = "gridsafe_test_bot"
DEFAULT_GROUP_ID = -4_012_345_678
DEFAULT_SUPERGROUP_ID = -1_001_234_567_890

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


@dataclass
class StoredFile:
    """A file the stand-in holds: sent by a user, or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    content: bytes = field(repr=False)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None


class Store:
    """The bot's identity and everything the stand-in remembers, guarded by ``_lock``;
    builds and looks up users, chats, messages and files (callers hold the lock)."""

    def __init__(
        self, *, token: str, username: str, first_name: str, poll_cap: float, latency: float
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.poll_cap = poll_cap
        self.latency = latency
        self._method_latency: dict[str, float] = {}

        self._lock = threading.RLock()
        self._updates_cond = threading.Condition(self._lock)
        self._calls_cond = threading.Condition(self._lock)
        self._stopping = False

        self._calls: list[Call] = []
        self._counts: Counter[str] = Counter()
        self._downloads: list[str] = []
        self._errors: list[str] = []
        self._failures: dict[str, deque[Failure]] = {}
        self._blocked: set[int] = set()
        self._throttled: set[int] = set()

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
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[JSONDict]] = {}
        self._file_numbers = itertools.count(1)
        self._callback_queries: dict[str, JSONDict] = {}
        self._inline_queries: dict[str, JSONDict] = {}
        self._query_ids = itertools.count(4_100_000_000_000_000_001)

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
            raise bad("chat_id is empty")
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                if not chat_id.startswith("@"):
                    raise bad("chat not found") from None
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
            raise bad("chat not found")
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = self._private_chat(self._user(chat_id))
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                self._chats[chat_id] = {"id": chat_id, "type": kind, "title": f"Test {kind}"}
        return dict(self._chats[chat_id])

    def _check_blocked(self, chat: JSONDict) -> None:
        if chat["id"] in self._throttled:
            raise APIError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
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
            raise bad("message to be replied not found")
        return found

    def _next_file_ids(self, prefix: str) -> tuple[str, str, int]:
        number = next(self._file_numbers)
        return f"{prefix}{number:08d}standin", f"AQAD{number:08d}", number

    def _store_file(
        self, prefix: str, content: bytes, folder: str, suffix: str, **extra: Any
    ) -> StoredFile:
        file_id, unique_id, number = self._next_file_ids(prefix)
        stored = StoredFile(
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
    def _document_json(stored: StoredFile) -> JSONDict:
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
