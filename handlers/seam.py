"""The channel seam: what every chat channel provides, and what they share.

A channel turns what its platform delivers into an :class:`~bot.chat.replies.Incoming`,
hands it to the one core (:class:`~bot.service.AssistantService`) and renders the replies
back into the conversation (text, numbered choices, files). To reach a person outside a
conversation (the daily push, notices to other people) it provides an :class:`Outbox`:
``push(account, reply)`` sends one reply to one of the person's accounts on that channel.

Shared here, so that no channel keeps its own copy:

- :class:`Outboxes`: the outboxes of the channels running in this process; notices go to
  every account a person has on any of them.
- :func:`push_round` and :func:`push_loop`: the daily push over all running channels. The
  core (:class:`~bot.chat.digest.PushPlanner`) decides who is due; the push ledger (the
  ``pushes`` table) is per person and day, whatever the channel: a push is claimed before it
  is sent, so a restart never repeats it, a late start still sends the day's push, and a
  person on two channels gets it once on each of their accounts, in one claimed round.

A third channel adds a package beside ``handlers/telegram`` and ``handlers/dingtalk`` with a
:class:`Channel` (and its Outbox) and an entry in ``handlers/runner.py``; business rules
stay in ``bot/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Protocol

from bot.chat.assistant import Assistant
from bot.chat.digest import Delivery, PushPlanner
from bot.chat.replies import Reply
from bot.service import AssistantService

log = logging.getLogger("gridsafe.push")
CONCURRENT_SENDS = 32
SENT, BLOCKED, FAILED, NONE = "sent", "blocked", "failed", "none"
NOT_PRIVATE = "not_private"  # the stored chat is a group: nothing is sent there


class Outbox(Protocol):
    """Proactive messages to a person on one channel."""

    name: str  # the channel, as in accounts.channel

    async def push(self, account: dict[str, Any], reply: Reply) -> str:
        """Send ``reply`` to one account; "sent", "blocked" (the person cannot be
        reached on this channel any more) or "failed" (try again later)."""
        ...


class Channel(Protocol):
    """A chat channel running in this process, on the shared core.

    ``start`` connects and starts receiving: each message becomes an Incoming for the core
    (``AssistantService.handle``, or ``press`` for a chosen button) and its replies are
    rendered back into the conversation (text, choices, files); notices go through the
    shared Outboxes. ``stop`` disconnects. ``outbox`` reaches a person proactively."""

    name: str

    @property
    def outbox(self) -> Outbox: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def combine(statuses: Iterable[str]) -> str:
    """One status for a person from the statuses of their accounts: sent anywhere wins."""
    found = set(statuses)
    for status in (SENT, FAILED, BLOCKED, NOT_PRIVATE):
        if status in found:
            return status
    return NONE


class Outboxes:
    """The outboxes of the channels running in this process."""

    def __init__(self, service: AssistantService, outboxes: Iterable[Outbox] = ()) -> None:
        self.service = service
        self.by_name: dict[str, Outbox] = {o.name: o for o in outboxes}

    def add(self, outbox: Outbox) -> None:
        self.by_name[outbox.name] = outbox

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)

    async def send(self, person_id: int, reply: Reply) -> str:
        """``reply`` to every reachable account of the person, on every running channel."""
        statuses = []
        for name, outbox in self.by_name.items():
            accounts = await self.service.call(_accounts(person_id, name))
            for account in accounts:
                status = await outbox.push(account, reply)
                if status == BLOCKED:
                    await self.block(name, account["external_id"])
                statuses.append(status)
        return combine(statuses)

    async def notify(self, replies: Iterable[Reply]) -> None:
        """The notices of replies (a new hazard for the street office, a decision for the
        reporter) to the people they concern."""
        for reply in replies:
            for notice in reply.notices:
                await self.send(notice.person_id, notice.reply)

    async def block(self, channel: str, external_id: str) -> None:
        """The person cannot be reached there: no more pushes until they write again."""
        await self.service.call(lambda a: a.ws.org.set_blocked(channel, external_id, True))


def _accounts(person_id: int, channel: str) -> Callable[[Assistant], list[dict[str, Any]]]:
    return lambda a: a.ws.org.accounts_for_push(person_id, channel)


async def push_round(
    service: AssistantService, outboxes: Outboxes, now: datetime | None = None
) -> dict[str, int]:
    """Send every push due at ``now`` (the assistant's clock by default) through the
    running channels; returns how many people ended in each status."""
    moment: datetime = now if now is not None else await service.call(lambda a: a.ws.clock())
    day = moment.date()
    names = outboxes.names
    due = await service.call(lambda a: PushPlanner(a.ws, names).due(moment))
    gate = asyncio.Semaphore(CONCURRENT_SENDS)
    results = await asyncio.gather(
        *(_push_one(service, outboxes, d, day, gate) for d in due), return_exceptions=True
    )
    counts: dict[str, int] = {}
    for result in results:
        status = result if isinstance(result, str) else FAILED
        if isinstance(result, BaseException):
            log.warning("push failed: %s", type(result).__name__)
        counts[status] = counts.get(status, 0) + 1
    if due:
        log.info("push round %s: %s", moment.isoformat(timespec="minutes"), counts)
    return counts


async def _push_one(
    service: AssistantService,
    outboxes: Outboxes,
    delivery: Delivery,
    day: date,
    gate: asyncio.Semaphore,
) -> str:
    names = outboxes.names
    if not await service.call(lambda a: PushPlanner(a.ws, names).claim(delivery, day)):
        return "skipped"
    status = FAILED
    try:
        async with gate:
            status = await outboxes.send(delivery.person_id, delivery.reply)
    finally:
        await service.call(lambda a: PushPlanner(a.ws, names).finish(delivery, day, status))
    return status


async def recover_pushes(service: AssistantService) -> None:
    """At start: pushes a stopped process left half-done are sent again by this one."""
    count = await service.call(lambda a: PushPlanner(a.ws).recover())
    if count:
        log.info("%s push(es) left unfinished by the previous run will be sent again", count)


async def push_loop(
    service: AssistantService,
    outboxes: Outboxes,
    tick: float,
    stopping: asyncio.Event | None = None,
) -> None:
    """The push job for a process that runs channels itself: a round every ``tick`` seconds
    until ``stopping`` is set (a round under way is finished first, so a push the channel
    took is recorded as sent) or the task is cancelled. A failed round is logged and the
    next one tries again."""
    stopping = stopping or asyncio.Event()
    while not stopping.is_set():
        try:
            await push_round(service, outboxes)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("push round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), tick)
