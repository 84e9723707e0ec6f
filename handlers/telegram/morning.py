"""The daily push job. It runs every minute; the core decides who is due (push time,
working day, not muted, not yet pushed today) and claims each push in the database
before it is sent, so a restart never repeats a push and a late start still sends the
day's push. Sends go through the rate limiter (which waits out 429s); a person who
blocked the bot is marked and skipped from then on. Pushes go only to private chats: an
account whose stored chat is a group gets none (the log says so)."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime

from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ContextTypes

from bot.chat.digest import Delivery, PushPlanner
from bot.service import AssistantService
from handlers.telegram.render import send_reply
from handlers.telegram.updates import CHANNEL, block, private_chat, service_of

log = logging.getLogger("gridsafe.push")
TICK_SECONDS = 60
CONCURRENT_SENDS = 32
NETWORK_RETRIES = 2


async def recover_pushes(service: AssistantService) -> None:
    """Pushes a stopped process left half-done are sent again by this one."""
    count = await service.call(lambda a: PushPlanner(a.ws).recover())
    if count:
        log.info("%s push(es) left unfinished by the previous run will be sent again", count)


async def push_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    await push_round(context, service_of(context))


async def push_round(
    context: ContextTypes.DEFAULT_TYPE, service: AssistantService, now: datetime | None = None
) -> dict[str, int]:
    """Send every push due at ``now`` (the assistant's clock by default)."""
    moment: datetime = now if now is not None else await service.call(lambda a: a.ws.clock())
    day = moment.date()
    due = await service.call(lambda a: PushPlanner(a.ws).due(moment))
    gate = asyncio.Semaphore(CONCURRENT_SENDS)
    results = await asyncio.gather(*(_push_one(context, service, d, day, gate) for d in due))
    counts: dict[str, int] = {}
    for status in results:
        counts[status] = counts.get(status, 0) + 1
    if due:
        log.info("push round %s: %s", moment.isoformat(timespec="minutes"), counts)
    return counts


async def _push_one(
    context: ContextTypes.DEFAULT_TYPE,
    service: AssistantService,
    delivery: Delivery,
    day: date,
    gate: asyncio.Semaphore,
) -> str:
    if not await service.call(lambda a: PushPlanner(a.ws).claim(delivery, day)):
        return "skipped"
    async with gate:
        status = await _send(context, service, delivery)
    await service.call(lambda a: PushPlanner(a.ws).finish(delivery, day, status))
    return status


async def send_with_retry(context: ContextTypes.DEFAULT_TYPE, chat: str,
                          delivery: Delivery) -> None:  # fmt: skip
    """Network hiccups are retried at once; 429s are waited out by the rate limiter."""
    for attempt in range(NETWORK_RETRIES + 1):
        try:
            await send_reply(context.bot, chat, delivery.reply)
            return
        except BadRequest:  # a NetworkError subclass in PTB, but retrying cannot help
            raise
        except (NetworkError, TimedOut):
            if attempt == NETWORK_RETRIES:
                raise
            await asyncio.sleep(1 + attempt)


async def _send(
    context: ContextTypes.DEFAULT_TYPE, service: AssistantService, delivery: Delivery
) -> str:
    accounts = await service.call(
        lambda a: a.ws.org.accounts_for_push(delivery.person_id, CHANNEL)
    )
    status = "none"
    for account in accounts:
        chat = private_chat(account)
        if chat is None:  # a group: records only in private chats
            status = "not_private" if status == "none" else status
            continue
        try:
            await send_with_retry(context, chat, delivery)
            status = "sent"
        except Forbidden:
            await block(service, account["external_id"])
            log.info("person %s blocked the bot: no more pushes", delivery.person_id)
            status = "blocked" if status != "sent" else status
        except RetryAfter:
            log.warning("push to person %s still rate-limited after retries", delivery.person_id)
            status = "failed" if status != "sent" else status
        except TelegramError as error:
            log.warning("push to person %s failed: %s", delivery.person_id, type(error).__name__)
            status = "failed" if status != "sent" else status
    return status
