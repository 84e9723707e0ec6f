"""The DingTalk stream: one websocket to the gateway, kept open.

Frames are parsed and acknowledged with the SDK's own frame classes (dingtalk_stream.frames);
the connection loop is GridSafe's, because the SDK's (``DingTalkStreamClient.start``) opens
connections with blocking ``requests`` calls, waits a fixed 10 s after any error, and
acknowledges a robot message whatever became of it.

Invariants:
- A callback is acknowledged only when its handler returns True (the message is safely
  handled); otherwise the gateway delivers it again (same messageId) and the handler's
  deduplication decides. Each frame runs in its own task, so a slow handler never holds
  up pings or other messages.
- Reconnect: at once after the gateway's ``disconnect``; otherwise after a back-off that
  doubles from ``backoff`` to ``max_backoff`` seconds (with jitter) and is reset by a
  connection that stayed up.
- Watchdog: after ``watchdog`` seconds without a frame the socket is pinged; no pong within
  ``pong_timeout`` seconds and it is dropped and a new connection opened (a half-open
  socket would otherwise go unnoticed for a minute or more).
"""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import random
from collections.abc import Awaitable, Callable
from typing import Any

import websockets
from dingtalk_stream.frames import AckMessage, CallbackMessage, Headers, SystemMessage
from dingtalk_stream.version import VERSION_STRING
from websockets.asyncio.client import ClientConnection, connect

from handlers.dingtalk.openapi import DingTalkAPI, DingTalkError

log = logging.getLogger("gridsafe.dingtalk")
Handler = Callable[[CallbackMessage], Awaitable[bool]]
STABLE_SECONDS = 30.0  # a connection up this long resets the back-off


class Stalled(Exception):
    """The socket did not answer a ping: drop it."""


class Stream:
    def __init__(
        self,
        api: DingTalkAPI,
        handlers: dict[str, Handler],
        *,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        watchdog: float = 30.0,
        pong_timeout: float = 10.0,
    ) -> None:
        self.api = api
        self.handlers = handlers
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.watchdog = watchdog
        self.pong_timeout = pong_timeout
        self.connected = asyncio.Event()
        self.connections = 0  # how many connections were opened (for health and tests)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def ua(self) -> str:
        return f"gridsafe dingtalk-sdk-python/v{VERSION_STRING} Python/{platform.python_version()}"

    async def run(self) -> None:
        """Connect and serve until cancelled."""
        delay = self.backoff
        loop = asyncio.get_running_loop()
        subscriptions = [{"type": "CALLBACK", "topic": topic} for topic in self.handlers]
        while True:
            started = loop.time()
            asked_to_leave = False
            try:
                uri = await self.api.open_connection(subscriptions, self.ua)
                async with connect(uri, ping_interval=None, max_size=2**22) as ws:
                    self.connections += 1
                    self.connected.set()
                    log.info("DingTalk stream connected (connection %d)", self.connections)
                    asked_to_leave = await self._serve(ws)
            except asyncio.CancelledError:
                raise
            except (
                Stalled,
                DingTalkError,
                OSError,
                websockets.exceptions.WebSocketException,
            ) as error:
                log.warning("DingTalk stream lost: %s", _describe(error))
            except Exception:
                log.exception("DingTalk stream failed")
            self.connected.clear()
            if loop.time() - started > STABLE_SECONDS:
                delay = self.backoff
            if asked_to_leave:
                continue
            wait = delay * (0.8 + 0.4 * random.random())
            log.info("DingTalk stream: reconnecting in %.1f s", wait)
            await asyncio.sleep(wait)
            delay = min(delay * 2, self.max_backoff)

    async def _serve(self, ws: ClientConnection) -> bool:
        """Frames until the socket closes; True when the gateway asked us to reconnect."""
        while True:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=self.watchdog)
            except TimeoutError:
                await self._check_alive(ws)
                continue
            except websockets.exceptions.ConnectionClosedOK:
                return False
            try:
                frame = json.loads(raw)
            except ValueError:
                log.warning("DingTalk stream: a frame that is not JSON")
                continue
            if frame.get("type") == SystemMessage.TYPE:
                topic = (frame.get("headers") or {}).get("topic")
                await self._ack(ws, frame, AckMessage.STATUS_OK, frame.get("data") or "{}")
                if topic == SystemMessage.TOPIC_DISCONNECT:
                    log.info("DingTalk stream: the gateway asks to reconnect")
                    await ws.close()
                    return True
                continue
            task = asyncio.create_task(self._route(ws, frame))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _check_alive(self, ws: ClientConnection) -> None:
        try:
            pong = await ws.ping()
            await asyncio.wait_for(pong, timeout=self.pong_timeout)
        except (TimeoutError, websockets.exceptions.ConnectionClosed):
            log.warning("DingTalk stream: no answer to a ping, dropping the socket")
            ws.transport.abort()
            raise Stalled from None

    async def _route(self, ws: ClientConnection, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind != CallbackMessage.TYPE:  # events: nothing subscribed, acknowledged
            await self._ack(ws, frame, AckMessage.STATUS_OK, "{}")
            return
        message = CallbackMessage.from_dict(frame)
        handler = self.handlers.get(message.headers.topic or "")
        if handler is None:
            await self._ack(ws, frame, AckMessage.STATUS_NOT_IMPLEMENT, "{}")
            return
        try:
            handled = await handler(message)
        except Exception:
            log.exception("DingTalk message %s not handled", message.headers.message_id)
            handled = False
        if handled:
            await self._ack(ws, frame, AckMessage.STATUS_OK, json.dumps({"response": "OK"}))

    async def _ack(
        self, ws: ClientConnection, frame: dict[str, Any], code: int, data: str
    ) -> None:
        ack = AckMessage()
        ack.code = code
        ack.headers.message_id = (frame.get("headers") or {}).get("messageId")
        ack.headers.content_type = Headers.CONTENT_TYPE_APPLICATION_JSON
        ack.message = "OK"
        body = ack.to_dict()
        body["data"] = data  # already a JSON string (AckMessage would encode it again)
        try:
            await ws.send(json.dumps(body))
        except websockets.exceptions.ConnectionClosed:
            log.info("DingTalk stream: closed before an acknowledgement; it will come again")

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _describe(error: BaseException) -> str:
    """An error for the log: its kind and, for OpenAPI errors, path and status only."""
    if isinstance(error, DingTalkError):
        return str(error)
    return type(error).__name__
