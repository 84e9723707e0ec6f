"""Button presses: answered at once, then the message is edited to show the outcome."""

from __future__ import annotations

import contextlib
import html

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.chat.replies import Incoming
from handlers.telegram.render import to_html
from handlers.telegram.updates import CHANNEL, deliver, is_group, log, service_of

ANSWER_CHARS = 180  # Telegram shows at most 200 characters in a callback answer


def own_chat_of(message: Message, user_id: int) -> bool:
    """A button under a message in a group, or in the presser's own private chat."""
    return is_group(message) or (message.chat.type == "private" and message.chat.id == user_id)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.data is None or query.from_user is None:
        return
    message = query.message
    if isinstance(message, Message) and not own_chat_of(message, query.from_user.id):
        log.warning("button %s: not the presser's own chat; ignored", update.update_id)
        return
    chat_id = str(message.chat.id) if message else str(query.from_user.id)
    msg = Incoming(
        channel=CHANNEL,
        user_id=str(query.from_user.id),
        chat_id=chat_id,
        message_id=f"{message.message_id if message else 0}:{query.id}",
        display_name=query.from_user.full_name,
        is_group=bool(message and message.chat.type in ("group", "supergroup")),
    )
    replies = await service_of(context).press(msg, query.data)
    first = replies[0].text if replies else ""
    await query.answer(first.splitlines()[0][:ANSWER_CHARS] if first else None)
    if not isinstance(message, Message):
        return
    outcome = first.splitlines()[0] if first else ""
    original = message.text or ""
    with contextlib.suppress(BadRequest):  # message too old to edit, or unchanged
        await query.edit_message_text(
            to_html(original) + "\n\n→ " + html.escape(outcome),
            parse_mode=ParseMode.HTML,
            reply_markup=None,
        )
    # A one-line outcome is fully shown by the edit; anything more is sent as well.
    short = len(replies) == 1 and not replies[0].buttons and "\n" not in replies[0].text
    await deliver(
        context,
        message,
        replies,
        user_id=query.from_user.id,
        notices_only=short and not is_group(message),
    )
