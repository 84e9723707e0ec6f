"""The daily push on Telegram: the job that runs every minute, and the Telegram outbox.

Who is due, the claim before a send and the record after it are shared by every channel
(handlers/seam.py over the core's PushPlanner), so a restart never repeats a push and a
late start still sends the day's push; pushes a stopped process left half-done are sent
again at start (``handlers.seam.recover_pushes``). Sends go through the rate limiter (which
waits out 429s); a person who blocked the bot is marked and skipped from then on. Pushes
go only to private chats: an account whose stored chat is a group gets none (the log says
so).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from telegram import Bot
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ContextTypes

from bot.chat.replies import Reply
from bot.service import AssistantService
from handlers import seam
from handlers.telegram.render import send_reply
from handlers.telegram.updates import CHANNEL, private_chat, service_of

log = logging.getLogger("gridsafe.push")
TICK_SECONDS = 60
NETWORK_RETRIES = 2


class TelegramOutbox:
    """Proactive messages on Telegram (seam.Outbox)."""

    name = CHANNEL

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def push(self, account: dict[str, Any], reply: Reply) -> str:
        chat = private_chat(account)
        if chat is None:  # a group: records only in private chats
            return seam.NOT_PRIVATE
        try:
            await send_with_retry(self.bot, chat, reply)
            return seam.SENT
        except Forbidden:
            log.info("account %s blocked the bot: no more pushes", account["external_id"])
            return seam.BLOCKED
        except RetryAfter:
            log.warning("push to person %s still rate-limited after retries", account["person_id"])
        except TelegramError as error:
            log.warning("push to person %s failed: %s", account["person_id"], type(error).__name__)
        return seam.FAILED


def outboxes_of(context: Any, service: AssistantService) -> seam.Outboxes:
    """The process's outboxes (every running channel), or Telegram's alone."""
    shared = context.bot_data.get("outboxes")
    if isinstance(shared, seam.Outboxes):
        return shared
    return seam.Outboxes(service, [TelegramOutbox(context.bot)])


async def push_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await push_round(context, service_of(context))


async def push_round(
    context: Any, service: AssistantService, now: datetime | None = None
) -> dict[str, int]:
    """Send every push due at ``now`` (the assistant's clock by default)."""
    return await seam.push_round(service, outboxes_of(context, service), now)


async def send_with_retry(bot: Bot, chat: str, reply: Reply) -> None:
    """Network hiccups are retried at once; 429s are waited out by the rate limiter."""
    for attempt in range(NETWORK_RETRIES + 1):
        try:
            await send_reply(bot, chat, reply)
            return
        except BadRequest:  # a NetworkError subclass in PTB, but retrying cannot help
            raise
        except (NetworkError, TimedOut):
            if attempt == NETWORK_RETRIES:
                raise
            await asyncio.sleep(1 + attempt)
