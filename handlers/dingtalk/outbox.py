"""Proactive one-to-one robot messages on DingTalk (seam.Outbox): the daily push, notices,
and replies that must reach a person privately.

Invariants: calls to batchSend start at most ``rate`` per second, all people together; a
person DingTalk puts on ``flowControlledStaffIdList`` (or an HTTP 429) is sent to again
after a pause, up to ``FLOW_RETRIES`` times, and otherwise reported "failed" so the push
ledger tries again on the next round; a person on ``invalidStaffIdList`` is "blocked" (left
the enterprise, or outside the app's visible range). The numbered choices sent are added
to the ones the account was shown, under new numbers (bot/records/inbox.py), before the
message goes out, so a typed or tapped number picks the right one. With a card template
(``DINGTALK_CARD_TEMPLATE``) a reply with choices goes as an interactive card (card.py)
whose buttons show the same numbers.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from pathlib import Path
from typing import Any

from bot.chat.followups import TAP_HOURS
from bot.chat.replies import Attachment, Reply
from bot.records.inbox import ShownChoices
from bot.service import AssistantService
from handlers import seam
from handlers.dingtalk.card import card_params
from handlers.dingtalk.markdown import Markdown, choices_of, render_all
from handlers.dingtalk.openapi import DingTalkAPI, DingTalkError
from handlers.dingtalk.receive import CHANNEL

log = logging.getLogger("gridsafe.dingtalk")
FLOW_RETRIES = 4
FLOW_PAUSE = 1.0  # seconds, doubled on each retry
NETWORK_RETRIES = 2


class RateGate:
    """At most ``rate`` starts per second, spaced evenly, across every caller."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class DingTalkOutbox:
    name = CHANNEL

    def __init__(
        self,
        api: DingTalkAPI,
        service: AssistantService,
        rate: float,
        card_template: str | None = None,
    ) -> None:
        self.api = api
        self.service = service
        self.gate = RateGate(rate)
        self.card_template = card_template

    async def push(self, account: dict[str, Any], reply: Reply) -> str:
        return await self.send_replies(str(account["external_id"]), [reply])

    async def send_replies(self, staff_id: str, replies: list[Reply]) -> str:
        """Replies to one person, one to one; "sent", "blocked" or "failed"."""
        data = [b.data for b in choices_of(replies)]
        first = await self.service.call(
            lambda a: ShownChoices(a.ws.store, CHANNEL).add(staff_id, data, TAP_HOURS)
        )
        status = seam.SENT
        for reply in replies:
            count = len(choices_of([reply]))
            if self.card_template and count:
                status = await self.send_card(staff_id, reply, first)
            else:
                for message in render_all([reply], first)[0]:
                    status = await self._send(staff_id, "sampleMarkdown", message.batch_param())
                    if status != seam.SENT:
                        break
            if status != seam.SENT:
                return status
            first += count
        for reply in replies:
            for attachment in reply.files:
                status = await self.send_file(staff_id, attachment)
                if status != seam.SENT:
                    return status
        return status

    async def remember(self, staff_id: str, data: list[str]) -> None:
        await self.service.call(
            lambda a: ShownChoices(a.ws.store, CHANNEL).remember(staff_id, data, TAP_HOURS)
        )

    async def send_file(self, staff_id: str, attachment: Attachment) -> str:
        path = Path(attachment.path)
        try:
            content = path.read_bytes()
            if attachment.kind == "photo":
                media = await self.api.upload(path.name, content, "image")
                return await self._send(staff_id, "sampleImageMsg", {"photoURL": media})
            media = await self.api.upload(path.name, content, "file")
        except (OSError, DingTalkError) as error:
            log.warning("file for %s not sent: %s", staff_id, error)
            return seam.FAILED
        param = {"mediaId": media, "fileName": path.name, "fileType": path.suffix.lstrip(".")}
        return await self._send(staff_id, "sampleFile", param)

    async def send_card(self, staff_id: str, reply: Reply, first_number: int) -> str:
        """A reply with choices as an interactive card, one to one; "sent" or "failed"."""
        assert self.card_template
        params, _ = card_params(reply, first_number)
        await self.gate.wait()
        try:
            await self.api.send_card(self.card_template, uuid.uuid4().hex, params, staff_id)
        except DingTalkError as error:
            log.warning("card to %s not sent: %s", staff_id, error)
            return seam.FAILED
        return seam.SENT

    async def send_markdown(self, staff_id: str, message: Markdown) -> str:
        return await self._send(staff_id, "sampleMarkdown", message.batch_param())

    async def _send(self, staff_id: str, key: str, param: dict[str, Any]) -> str:
        flow = failures = 0
        while True:
            await self.gate.wait()
            try:
                result = await self.api.batch_send([staff_id], key, param)
                throttled = staff_id in result.flow_controlled
            except DingTalkError as error:
                throttled = error.status == 429 or "Throttling" in error.code
                if not throttled:
                    failures += 1
                    if 0 < error.status < 500 or failures > NETWORK_RETRIES:
                        log.warning("send to %s failed: %s", staff_id, error)
                        return seam.FAILED
                    await asyncio.sleep(failures)
                    continue
            else:
                if staff_id in result.invalid:
                    return seam.BLOCKED
            if throttled:
                flow += 1
                if flow > FLOW_RETRIES:
                    log.warning("send to %s still flow-controlled after retries", staff_id)
                    return seam.FAILED
                await asyncio.sleep(FLOW_PAUSE * 2 ** (flow - 1))
                continue
            return seam.SENT
