"""The DingTalk channel: robot messages from the stream → the core → replies in the
conversation (its sessionWebhook), notices and private replies one to one (outbox.py).

Invariants:
- A message is taken up once, by its msgId, in the store's inbox: a delivery of a message
  already handled is only acknowledged again; one still being handled is left to the
  first delivery. It is acknowledged only after the core has handled it and its replies
  went out; if they could not be sent, it is released and acknowledged not, so the
  gateway delivers it again (the core stores a message's records once).
- In a group the robot hears only messages that @mention it; rulebook answers go to the
  group, everything with a unit's records to the sender one to one. Pictures and files
  are downloaded only for a bound person in a one-to-one chat.
- A number typed or tapped (a choice link sends its number) picks the choice shown under
  that number in the latest reply to that person; otherwise the core reads it.
- With a card template, a reply with choices in a one-to-one chat is an interactive card
  (card.py). A button press comes back on the stream (card callback topic) and is a press
  of the core's button data, by the person the callback names (a bound account; the core
  checks they are active), taken up once by the frame's messageId like a message,
  answered one to one and acknowledged only after that.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from typing import Any

from dingtalk_stream.chatbot import ChatbotMessage
from dingtalk_stream.frames import CallbackMessage

from bot.chat.followups import TAP_HOURS
from bot.chat.replies import Incoming, Reply
from bot.records.evidence import FAILED, TOO_BIG, EvidenceFile
from bot.records.inbox import Inbox, ShownChoices, Taken
from bot.service import AssistantService
from bot.settings import Settings, SettingsError
from bot.texts import t
from handlers import seam
from handlers.dingtalk.card import CALLBACK_TOPIC, parse_callback
from handlers.dingtalk.markdown import choices_of, render_all
from handlers.dingtalk.openapi import DingTalkAPI, DingTalkError, TooLarge
from handlers.dingtalk.outbox import DingTalkOutbox
from handlers.dingtalk.receive import (
    CHANNEL,
    Downloads,
    NotTaken,
    Received,
    parse,
    to_incoming,
)
from handlers.dingtalk.stream import Handler, Stream
from handlers.seam import Outboxes

log = logging.getLogger("gridsafe.dingtalk")
_NUMBER = re.compile(r"\d{1,2}")


def api_for(settings: Settings) -> DingTalkAPI:
    assert settings.dingtalk_client_id and settings.dingtalk_client_secret
    return DingTalkAPI(
        settings.dingtalk_api_url,
        settings.dingtalk_client_id,
        settings.dingtalk_client_secret,
        settings.dingtalk_robot_code or settings.dingtalk_client_id,
        settings.dingtalk_oapi_url,
    )


class DingTalkChannel:
    name = CHANNEL

    def __init__(
        self,
        settings: Settings,
        service: AssistantService,
        outboxes: Outboxes,
        **stream_options: Any,
    ) -> None:
        self.settings = settings
        self.service = service
        self.outboxes = outboxes
        self.api = api_for(settings)
        self.outbox = DingTalkOutbox(
            self.api, service, settings.dingtalk_send_rate, settings.dingtalk_card_template
        )
        self.downloads = Downloads(self.api, settings)
        self.owner = uuid.uuid4().hex  # this process, in the inbox
        handlers: dict[str, Handler] = {
            ChatbotMessage.TOPIC: self.on_message,
            CALLBACK_TOPIC: self.on_card,
        }
        self.stream = Stream(self.api, handlers, **stream_options)

        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        await self.service.call(lambda a: Inbox(a.ws.store, self.owner).forget_old())
        await self.stream.run()

    async def start(self) -> None:
        """seam.Channel: check the credentials once (credentials DingTalk rejects end the
        start in one line, as a rejected Telegram token does, rather than a stream retrying
        for ever; DingTalk out of reach is retried), then keep the stream connected in the
        background."""
        try:
            await self.api.access_token()
        except DingTalkError as error:
            if 400 <= error.status < 500:
                await self.api.close()
                raise SettingsError(t("dt.bad_credentials")) from None
            log.warning("DingTalk not reached at start (%s): the stream keeps trying", error)
        self._task = asyncio.create_task(self.run(), name="dingtalk")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.close()

    async def close(self) -> None:
        await self.stream.close()
        await self.api.close()

    # ---- one message ----------------------------------------------------------------------

    async def on_message(self, frame: CallbackMessage) -> bool:
        """Handle one robot message; True when it may be acknowledged."""
        try:
            received = parse(frame.data if isinstance(frame.data, dict) else {})
        except (KeyError, TypeError, ValueError, AttributeError):
            log.warning("message %s is malformed: dropped", frame.headers.message_id)
            return True  # it would fail the same way every time it came again
        key = str(received.message.message_id or frame.headers.message_id or "")
        if not key:
            return True  # nothing to tell apart or answer
        inbox = self._inbox
        taken = await self.service.call(lambda a: inbox(a).take(CHANNEL, key))
        if taken is Taken.DONE:
            return True
        if taken is Taken.BUSY:
            return False
        try:
            replies = await self._replies(received)
            await self._deliver(received, replies)
        except Exception as error:
            log.warning("message %s not answered (%s): it will come again", key, _kind(error))
            await self.service.call(lambda a: inbox(a).release(CHANNEL, key))
            return False
        await self.service.call(lambda a: inbox(a).done(CHANNEL, key))
        try:  # the message is answered: a notice that fails does not bring it back
            await self.outboxes.notify(replies)
        except Exception as error:
            log.warning("notices of message %s not sent (%s)", key, _kind(error))
        return True

    async def on_card(self, frame: CallbackMessage) -> bool:
        """Handle one card button press; True when it may be acknowledged."""
        key = "card:" + str(frame.headers.message_id or "")
        try:
            pressed = parse_callback(frame.data if isinstance(frame.data, dict) else {})
        except (TypeError, ValueError, AttributeError):
            pressed = None
        if pressed is None or key == "card:":
            log.warning("card callback %s is malformed: dropped", frame.headers.message_id)
            return True
        if not await self._bound(pressed.staff_id):
            log.info("card callback %s from an unbound account: ignored", key)
            return True
        inbox = self._inbox
        taken = await self.service.call(lambda a: inbox(a).take(CHANNEL, key))
        if taken is not Taken.NEW:
            return taken is Taken.DONE
        msg = Incoming(
            channel=CHANNEL,
            user_id=pressed.staff_id,
            chat_id=pressed.staff_id,
            message_id=key,
            is_group=pressed.in_group,
        )
        try:
            replies = await self.service.press(msg, pressed.choice)
        except Exception:
            log.exception("error while handling card callback %s", key)
            replies = [Reply(t("dt.error"))]
        status = await self.outbox.send_replies(pressed.staff_id, replies)
        if status == seam.FAILED:
            log.warning("card callback %s not answered: it will come again", key)
            await self.service.call(lambda a: inbox(a).release(CHANNEL, key))
            return False
        await self.service.call(lambda a: inbox(a).done(CHANNEL, key))
        try:
            await self.outboxes.notify(replies)
        except Exception as error:
            log.warning("notices of card callback %s not sent (%s)", key, _kind(error))
        return True

    def _inbox(self, assistant: Any) -> Inbox:
        return Inbox(assistant.ws.store, self.owner)

    async def _replies(self, received: Received) -> list[Reply]:
        staff = received.staff_id
        if not staff:
            return [Reply(t("dt.need_staff"), public=True)]
        text = received.text
        if not received.is_group and _NUMBER.fullmatch(text) and not received.has_files:
            data = await self.service.call(
                lambda a: ShownChoices(a.ws.store, CHANNEL).chosen(staff, int(text), TAP_HOURS)
            )
            if data is not None:
                return await self._core(received, [], data)
        notes: list[Reply] = []
        photos: list[EvidenceFile] = []
        lost: list[str] = []
        if received.has_files and not received.is_group and await self._takes_files(staff):
            photos, lost, notes = await self._download(received)
            if notes and not photos and not lost and not text:
                return notes
        return notes + await self._core(received, photos, lost=lost)

    async def _core(
        self,
        received: Received,
        photos: list[EvidenceFile],
        press: str | None = None,
        lost: list[str] | None = None,
    ) -> list[Reply]:
        msg = to_incoming(received, photos, lost)
        try:
            if press is not None:
                return await self.service.press(msg, press)
            return await self.service.handle(msg)
        except Exception:
            log.exception("error while handling message %s", msg.message_id)
            return [Reply(t("dt.error"))]

    async def _bound(self, staff: str) -> bool:
        person = await self.service.call(lambda a: a.ws.org.person_for_account(CHANNEL, staff))
        return person is not None

    async def _takes_files(self, staff: str) -> bool:
        """The core's rule (bound and active), as on every channel."""
        return await self.service.call(lambda a: a.takes_files(CHANNEL, staff))

    async def _download(
        self, received: Received
    ) -> tuple[list[EvidenceFile], list[str], list[Reply]]:
        """The pictures and files of a message; why any was not taken (records.evidence
        reasons: the core says them, as for every channel); a note for a picture whose
        content is no known picture."""
        photos: list[EvidenceFile] = []
        lost: list[str] = []
        notes: list[Reply] = []
        items = [(code, None) for code in received.pictures] + list(received.files)
        for code, name in items:
            try:
                if name is None:
                    picture = await self.downloads.picture(code)
                    if picture is None:
                        notes = [Reply(t("dt.picture_unknown"))]
                    else:
                        photos.append(picture)
                else:
                    photos.append(await self.downloads.file(code, name))
            except TooLarge:
                lost.append(TOO_BIG)
            except NotTaken as refused:
                lost.append(refused.reason)
            except (DingTalkError, OSError) as error:
                log.warning("download failed: %s", _kind(error))
                lost.append(FAILED)
        return photos, lost, notes

    # ---- replies --------------------------------------------------------------------------

    async def _deliver(self, received: Received, replies: list[Reply]) -> None:
        if not replies:
            return
        staff = received.staff_id
        if received.is_group and not _webhook_usable(received):
            if staff:  # handled late: everything to the sender, one to one
                await self._one_to_one(staff, replies)
            return
        if received.is_group:
            public = [r for r in replies if r.public]
            private = [r for r in replies if not r.public]
            if private and staff:
                status = await self.outbox.send_replies(staff, private)
                _sent(status)
                # unreachable one to one (outside the app's visible range): never claim it
                note = "dt.sent_privately" if status == seam.SENT else "dt.private_unreachable"
                public.append(Reply(t(note)))
            await self._in_conversation(received, public, remember=False)
            return
        await self._in_conversation(received, replies, remember=True)

    async def _in_conversation(
        self, received: Received, replies: list[Reply], remember: bool
    ) -> None:
        """Replies in the conversation the message came from, while its webhook is valid;
        one to one through the outbox when it is not (a message handled late)."""
        staff = received.staff_id
        message = received.message
        if not _webhook_usable(received):
            if staff and not received.is_group:
                await self._one_to_one(staff, replies)
            return
        choices = choices_of(replies)
        if remember and staff:  # before it is shown: a quick tap finds it
            await self.outbox.remember(staff, [b.data for b in choices])
        cards = bool(self.outbox.card_template and remember and staff and choices)
        first = 1
        for reply in replies:
            count = len(choices_of([reply]))
            if cards and count:
                if await self.outbox.send_card(staff, reply, first) != seam.SENT:
                    raise DingTalkError("card not sent")
            else:
                for markdown in render_all([reply], first)[0]:
                    await self.api.webhook(message.session_webhook, markdown.webhook_body())
            first += count
        for reply in replies:
            for attachment in reply.files:
                _sent(await self.outbox.send_file(staff, attachment))

    async def _one_to_one(self, staff: str, replies: list[Reply]) -> None:
        _sent(await self.outbox.send_replies(staff, replies))


class NotSent(Exception):
    """DingTalk did not take a reply (still failing after the outbox's retries)."""


def _sent(status: str) -> None:
    """A reply that failed leaves its message unacknowledged, to come again; one to a
    person DingTalk calls unreachable ("blocked") would fail the same way every time."""
    if status == seam.FAILED:
        raise NotSent(status)


def _webhook_usable(received: Received) -> bool:
    """Whether the conversation's sessionWebhook can still take a reply."""
    message = received.message
    expires = int(message.session_webhook_expired_time or 0) / 1000
    return bool(message.session_webhook) and not (expires and expires < time.time() + 5)


def _kind(error: BaseException) -> str:
    return str(error) if isinstance(error, DingTalkError) else type(error).__name__
