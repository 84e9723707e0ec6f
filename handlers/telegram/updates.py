"""Messages and commands: Telegram update → core message → replies back to Telegram.

A private chat must be the sender's own (a forged update naming another chat is dropped).
In a group the bot answers only commands, replies to it and mentions of it; rulebook
answers and help go to the group, anything with a unit's records goes to the sender
privately, so one unit's records never show up in another unit's group.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.chat.replies import Incoming, Reply
from bot.records.evidence import FAILED, TOO_BIG_FOR_SERVICE, EvidenceFile, file_refusal
from bot.service import AssistantService
from bot.settings import Settings
from bot.texts import t
from handlers.telegram.render import send_reply

log = logging.getLogger("gridsafe.telegram")
CHANNEL = "telegram"
ALBUM_WAIT = 1.5  # seconds to collect the photos of one album into one report


def service_of(context: ContextTypes.DEFAULT_TYPE) -> AssistantService:
    return context.bot_data["service"]  # type: ignore[no-any-return]


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]  # type: ignore[no-any-return]


def is_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def own_chat(message: Message) -> bool:
    """A group, or the sender's own private chat (in Telegram a private chat's id is the
    user's id). Anything else is a channel post or a forged update: never answered, so a
    reply can never be steered into another person's chat."""
    if is_group(message):
        return True
    user = message.from_user
    return (
        message.chat.type == ChatType.PRIVATE and user is not None and user.id == message.chat.id
    )


def addressed_to_bot(message: Message, bot_id: int, username: str) -> tuple[bool, str]:
    """(whether a group message is for the bot, its text without the mention)."""
    text = message.text or message.caption or ""
    if text.startswith("/"):
        return True, text
    reply_to = message.reply_to_message
    if reply_to is not None and reply_to.from_user is not None and reply_to.from_user.id == bot_id:
        return True, text
    entities = (
        message.parse_entities([MessageEntityType.MENTION])
        if message.text
        else message.parse_caption_entities([MessageEntityType.MENTION])
    )
    mention = f"@{username}".lower()
    if any(value.lower() == mention for value in entities.values()):
        return True, text.replace(f"@{username}", "").strip()
    return False, text


async def download_evidence(
    message: Message, settings: Settings
) -> tuple[list[EvidenceFile], list[str]]:
    """The largest size of a photo, or a sent image or PDF, saved in the data folder with
    its Telegram file id, so that evidence survives the chat; and why a file was not
    taken (records.evidence: failed, too_big, type). Call only for a bound person."""
    if message.photo:
        best = max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
        file_id, unique, suffix, kind = best.file_id, best.file_unique_id, ".jpg", "photo"
        size, mime = best.file_size, None
    elif message.document:
        doc = message.document
        mime = doc.mime_type or mimetypes.guess_type(doc.file_name or "")[0] or ""
        suffix = Path(doc.file_name or "").suffix or (mimetypes.guess_extension(mime) or ".bin")
        kind = "photo" if mime.startswith("image/") else "document"
        file_id, unique, size = doc.file_id, doc.file_unique_id, doc.file_size
    else:
        return [], []
    refusal = file_refusal(mime, size, settings.max_file_bytes)
    if refusal is not None:
        return [], [refusal]
    folder = settings.files_dir / CHANNEL / datetime.now(settings.timezone).strftime("%Y-%m")
    path = folder / f"{unique}{safe_suffix(suffix)}"
    try:
        telegram_file = await message.get_bot().get_file(file_id)
        refusal = file_refusal(mime, telegram_file.file_size, settings.max_file_bytes)
        if refusal is not None:
            return [], [refusal]
        folder.mkdir(parents=True, exist_ok=True)
        await telegram_file.download_to_drive(path)
    except BadRequest as error:  # "file is too big" from the Bot API, or a stale file id
        log.warning("file of message %s not fetched: %s", message.message_id, error.message)
        return [], [TOO_BIG_FOR_SERVICE if "too big" in error.message.lower() else FAILED]
    except (TelegramError, OSError) as error:
        log.warning("file of message %s not fetched: %s", message.message_id, type(error).__name__)
        return [], [FAILED]
    return [EvidenceFile(str(path), kind, file_id)], []


def safe_suffix(suffix: str) -> str:
    """A file name's extension as sent, kept only if it is plain (no path, no oddities)."""
    cleaned = suffix.lower()
    return cleaned if re.fullmatch(r"\.[a-z0-9]{1,8}", cleaned) else ".bin"


async def fetch_files(
    message: Message, context: ContextTypes.DEFAULT_TYPE
) -> tuple[list[EvidenceFile], list[str]]:
    """A message's file, only when the sender is a bound person: a stranger's is never
    downloaded."""
    if not (message.photo or message.document) or message.from_user is None:
        return [], []
    user_id = str(message.from_user.id)
    if not await service_of(context).call(lambda a: a.takes_files(CHANNEL, user_id)):
        return [], []
    return await download_evidence(message, settings_of(context))


def incoming(
    message: Message, text: str, files: list[EvidenceFile], lost: list[str] | None = None
) -> Incoming:
    user = message.from_user
    assert user is not None
    where = message.location
    return Incoming(
        channel=CHANNEL,
        user_id=str(user.id),
        chat_id=str(message.chat_id),
        message_id=str(message.message_id),
        text=text,
        photos=tuple(files),
        display_name=user.full_name,
        is_group=is_group(message),
        location=(where.latitude, where.longitude) if where is not None else None,
        lost_files=tuple(lost or ()),
    )


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos with captions, files and commands: all go to the core."""
    message = update.effective_message
    if message is None or message.from_user is None:
        return
    if not own_chat(message):
        log.warning("update %s: not the sender's own chat; ignored", update.update_id)
        return
    text = message.text or message.caption or ""
    if is_group(message):
        me = context.bot
        wanted, text = addressed_to_bot(message, me.id, me.username)
        if not wanted:
            return
    if message.media_group_id and (message.photo or message.document):
        collect_album(message, text, context)
        return
    files, lost = await fetch_files(message, context)
    msg = incoming(message, text, files, lost)
    replies = await service_of(context).handle(msg)
    await deliver(context, message, replies)


def collect_album(message: Message, text: str, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos sent together arrive as separate messages; report them as one."""
    albums: dict[str, list[tuple[Message, str]]] = context.bot_data.setdefault("albums", {})
    key = str(message.media_group_id)
    albums.setdefault(key, []).append((message, text))
    if len(albums[key]) == 1 and context.job_queue is not None:
        context.job_queue.run_once(finish_album, ALBUM_WAIT, data=key, name=f"album-{key}")


async def finish_album(context: ContextTypes.DEFAULT_TYPE) -> None:
    key = str(context.job.data) if context.job else ""
    parts = context.bot_data.get("albums", {}).pop(key, [])
    if not parts:
        return
    first = parts[0][0]
    files: list[EvidenceFile] = []
    lost: list[str] = []
    for message, _ in parts:
        got, missed = await fetch_files(message, context)
        files += got
        lost += missed
    text = next((text for _, text in parts if text), "")
    replies = await service_of(context).handle(incoming(first, text, files, lost))
    await deliver(context, first, replies)


class ReplyNotSent(Exception):
    """A reply could not be sent (Telegram still rate-limiting after the retries, or out of
    reach). ``recorded``: what the message reported is stored all the same, so the person
    is told that, never "没有记录"."""

    def __init__(self, recorded: bool) -> None:
        super().__init__("reply not sent")
        self.recorded = recorded


async def deliver(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    replies: list[Reply],
    user_id: int | None = None,
    notices_only: bool = False,
) -> None:
    """Replies to where they belong, and notices to the other people they concern.
    ``user_id`` is the person who acted (the sender of ``message`` unless given). A reply
    that cannot be sent does not stop the notices; it is raised as ReplyNotSent after."""
    if user_id is None:
        assert message.from_user is not None
        user_id = message.from_user.id
    group = is_group(message)
    failed: TelegramError | None = None
    for reply in replies:
        try:
            if notices_only or failed is not None:
                pass
            elif group and not reply.public:
                await send_private(context, message, user_id, reply)
            else:
                await send_reply(
                    context.bot,
                    message.chat_id,
                    reply,
                    reply_to=message.message_id if group else None,
                )
        except Forbidden:
            raise
        except TelegramError as error:
            failed = error
        for notice in reply.notices:
            await notify(context, notice.person_id, notice.reply)
    if failed is not None:
        raise ReplyNotSent(any(r.recorded for r in replies)) from failed


async def send_private(
    context: ContextTypes.DEFAULT_TYPE, message: Message, user_id: int, reply: Reply
) -> None:
    try:
        await send_reply(context.bot, user_id, reply)
        note = t("tg.sent_privately")
    except Forbidden:
        note = t("tg.start_private", username=context.bot.username)
    await message.reply_text(note)


def private_chat(account: dict[str, Any]) -> str | None:
    """Where a push or a notice for an account may go: its owner's private chat (in Telegram
    its id is the user's id), never a group that was stored as the account's chat."""
    chat = str(account["chat_id"] or account["external_id"])
    if chat != str(account["external_id"]):
        log.warning(
            "person %s: stored chat %s is not a private chat; nothing sent there",
            account["person_id"],
            chat,
        )
        return None
    return chat


async def notify(context: ContextTypes.DEFAULT_TYPE, person_id: int, reply: Reply) -> None:
    """A notice to a person through the process's outboxes (handlers/seam.py: every running
    channel, Telegram's alone when it runs alone; set up in application.py): only to
    private chats, a blocked account marked, a send Telegram keeps refusing logged and
    skipped, so it never turns the sender's recorded message into an error."""
    await context.bot_data["outboxes"].send(person_id, reply)


def context_fields(update: object) -> dict[str, Any]:
    """What the error log says about an update: ids only, never its text or a token."""
    if not isinstance(update, Update):
        return {}
    return {
        "update_id": update.update_id,
        "user_id": update.effective_user.id if update.effective_user else None,
        "chat_id": update.effective_chat.id if update.effective_chat else None,
    }
