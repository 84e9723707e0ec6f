"""Replies (plain data from the core) rendered for Telegram: HTML text and inline keyboards."""

from __future__ import annotations

import html
import re
from pathlib import Path

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode

from bot.chat.replies import Reply, split_lines

MAX_TEXT = 4000  # Telegram allows 4096 characters per message
_CODE = re.compile(r"(【[0-9.]+】)")


def to_html(text: str) -> str:
    """Escape, then make item codes bold so people can find and cite them."""
    return _CODE.sub(r"<b>\1</b>", html.escape(text))


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send_reply(
    bot: Bot, chat_id: int | str, reply: Reply, reply_to: int | None = None
) -> list[Message]:
    sent: list[Message] = []
    parts = split_lines(reply.text, MAX_TEXT)
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent.append(
            await bot.send_message(
                chat_id,
                to_html(part),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply) if last else None,
                reply_to_message_id=reply_to if i == 0 else None,
            )
        )
    for attachment in reply.files:
        path = Path(attachment.path)
        with path.open("rb") as fh:
            if attachment.kind == "photo":
                sent.append(await bot.send_photo(chat_id, fh, caption=attachment.caption or None))
            else:
                caption = attachment.caption or None
                sent.append(
                    await bot.send_document(chat_id, fh, filename=path.name, caption=caption)
                )
    return sent
