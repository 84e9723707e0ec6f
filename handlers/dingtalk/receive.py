"""A DingTalk robot message (the stream's callback data) → the core's Incoming.

Invariants: a person is known by their senderStaffId (their account in the enterprise),
never by the conversation; pictures and files are downloaded only for a bound person in a
one-to-one chat (records are made only there), under the rules every channel follows
(bot/records/evidence.py: at most ``GRIDSAFE_MAX_FILE_MB`` each, only pictures and PDF); a
file's type is taken from its content (DingTalk's download URL has no extension) and
content that is no known picture is not kept as one. Why a file was not taken goes to the
core as ``Incoming.lost_files``, which says it, as for Telegram.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dingtalk_stream.chatbot import ChatbotMessage

from bot.chat.replies import Incoming
from bot.records.evidence import WRONG_TYPE, EvidenceFile, file_refusal
from bot.settings import Settings
from handlers.dingtalk.openapi import DingTalkAPI

CHANNEL = "dingtalk"
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
    (b"BM", ".bmp"),
)
_PDF_MAGIC = b"%PDF-"


class NotTaken(Exception):
    """A file refused by the rules of evidence; ``reason`` is a records.evidence reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def image_suffix(content: bytes) -> str | None:
    """The file suffix of a picture, from its first bytes; None when it is no picture."""
    for magic, suffix in _IMAGE_MAGIC:
        if content.startswith(magic):
            return suffix
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    if content[4:8] == b"ftyp" and content[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return ".heic"
    return None


@dataclass
class Received:
    """What a message carries before anything is downloaded."""

    message: ChatbotMessage
    text: str
    pictures: list[str] = field(default_factory=list)  # download codes
    files: list[tuple[str, str]] = field(default_factory=list)  # (download code, file name)

    @property
    def staff_id(self) -> str:
        return str(self.message.sender_staff_id or "")

    @property
    def is_group(self) -> bool:
        return str(self.message.conversation_type) == "2"

    @property
    def has_files(self) -> bool:
        return bool(self.pictures or self.files)


def parse(data: dict[str, Any]) -> Received:
    """The robot message in a stream callback (SDK parsing, plus ``file`` and ``audio``
    messages, which the SDK in 0.24.3 leaves unparsed)."""
    message = ChatbotMessage.from_dict(data)
    kind = message.message_type
    text, pictures, files = "", [], []
    if kind == "text" and message.text is not None:
        text = message.text.content or ""
    elif kind == "picture" and message.image_content is not None:
        pictures = [message.image_content.download_code]
    elif kind == "richText" and message.rich_text_content is not None:
        parts = []
        for item in message.rich_text_content.rich_text_list or []:
            if "text" in item:
                parts.append(str(item["text"]))
            if "downloadCode" in item:
                pictures.append(str(item["downloadCode"]))
        text = "\n".join(p for p in parts if p.strip())
    elif kind == "file":
        content = data.get("content") or {}
        if content.get("downloadCode"):
            files = [(str(content["downloadCode"]), str(content.get("fileName") or ""))]
    elif kind == "audio":  # a voice message: DingTalk's own transcript is its text
        text = str((data.get("content") or {}).get("recognition") or "")
    return Received(message, text.strip(), [p for p in pictures if p], files)


def to_incoming(
    received: Received, photos: list[EvidenceFile], lost: list[str] | None = None
) -> Incoming:
    message = received.message
    return Incoming(
        channel=CHANNEL,
        user_id=received.staff_id,
        chat_id=str(message.conversation_id or received.staff_id),
        message_id=str(message.message_id) if message.message_id else None,
        text=received.text,
        photos=tuple(photos),
        display_name=str(message.sender_nick or ""),
        is_group=received.is_group,
        lost_files=tuple(lost or ()),
    )


class Downloads:
    """Pictures and files of a message, saved under data/files/dingtalk/<month>/."""

    def __init__(self, api: DingTalkAPI, settings: Settings) -> None:
        self.api = api
        self.settings = settings

    def _path(self, code: str, suffix: str) -> Path:
        month = datetime.now(self.settings.timezone).strftime("%Y-%m")
        folder = self.settings.files_dir / CHANNEL / month
        folder.mkdir(parents=True, exist_ok=True)
        return folder / (hashlib.sha256(code.encode()).hexdigest()[:24] + suffix)

    async def picture(self, code: str) -> EvidenceFile | None:
        """None when the content is no known picture."""
        content = await self.api.download(code, self.settings.max_file_bytes)
        suffix = image_suffix(content)
        if suffix is None:
            return None
        path = self._path(code, suffix)
        path.write_bytes(content)
        return EvidenceFile(str(path), "photo", code[:200])

    async def file(self, code: str, name: str) -> EvidenceFile:
        """A picture or PDF sent as a file; NotTaken for any other type (by its name before
        the download, by its content after)."""
        declared = mimetypes.guess_type(name)[0] or ""
        if file_refusal(declared, None, self.settings.max_file_bytes) is not None:
            raise NotTaken(WRONG_TYPE)
        content = await self.api.download(code, self.settings.max_file_bytes)
        suffix, kind = image_suffix(content), "photo"
        if suffix is None and content.startswith(_PDF_MAGIC):
            suffix, kind = ".pdf", "document"
        if suffix is None:
            raise NotTaken(WRONG_TYPE)
        path = self._path(code, suffix)
        path.write_bytes(content)
        return EvidenceFile(str(path), kind, code[:200])
