"""A loopback stand-in for DingTalk: the OpenAPI over HTTP (connection open, access token,
file download, one-to-one robot messages, media upload, session webhooks) and the Stream
gateway over a websocket. Everything listens on 127.0.0.1 only.

The test side plays the people: ``send_text``, ``send_picture``, ``send_rich``,
``send_file`` put robot messages on the stream as the gateway would (CALLBACK frames whose
``data`` is a JSON string); ``redeliver`` sends a message again with its messageId, as the
gateway does when no acknowledgement came; ``drop`` cuts the socket without a close,
``disconnect`` sends the gateway's SYSTEM disconnect. What the robot sent is kept:
``replies(conversation)`` (session webhook), ``pushes(staff)`` (batchSend), ``cards(staff)``
(interactive cards created and delivered), ``acks``. ``press_card`` puts a card button
press on the stream (topic ``/v1.0/card/instances/callback``, ``content`` and
``extension`` as JSON strings, as dingtalk_stream.card_callback reads them).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
ROBOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"


@dataclass
class Sent:
    """A message the robot sent: where, its kind and its text (markdown or plain)."""

    to: str  # conversation id (webhook) or staff id (batchSend)
    kind: str  # markdown | text | sampleMarkdown | sampleFile | sampleImageMsg …
    text: str
    raw: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class _HTTP(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, standin: DingTalkStandin) -> None:
        self.standin = standin
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTP

    def log_message(self, fmt: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, raw: bytes | None = None) -> None:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        status, body, raw = self.server.standin._get(urlsplit(self.path).path)
        self._answer(status, body, raw)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length)
        url = urlsplit(self.path)
        status, body = self.server.standin._post(
            url.path, parse_qs(url.query), dict(self.headers), payload
        )
        self._answer(status, body)


class DingTalkStandin:
    client_id = "dingstandinappkey"
    client_secret = "standin-secret-Zq8xW3"
    corp_id = "dingcorp"

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: list[Sent] = []
        self.acks: dict[str, int] = {}
        self.files: dict[str, bytes] = {}
        self.uploads: list[tuple[str, bytes]] = []
        self.calls: list[str] = []
        self.frames: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.tickets: set[str] = set()
        self.connections = 0
        self.flow_control: dict[str, int] = {}  # staff id → times still to refuse
        self.invalid: set[str] = set()
        self.fail_open = 0  # connection opens still to refuse
        self.batch_delay = 0.0  # seconds each batchSend takes
        self.fail_webhook = 0  # session webhook calls still to fail (HTTP 500)
        self.download_delay = 0.0  # seconds each file download takes (a slow handler)
        self.card_instances: dict[str, dict[str, Any]] = {}  # outTrackId → create body
        self.fail_download = 0  # file downloads still to fail (HTTP 500)
        self._http = _HTTP(self)
        self._loop = asyncio.new_event_loop()
        self._ws_server: Server | None = None
        self._sockets: set[ServerConnection] = set()
        self._counter = 0

    # ---- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> DingTalkStandin:
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        threading.Thread(target=self._loop.run_forever, daemon=True).start()
        self._ws_server = self._on_loop(self._serve_ws())
        self.ws_port = self._ws_server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()
        if self._ws_server is not None:
            self._ws_server.close()
            with contextlib.suppress(Exception):
                self._on_loop(self._ws_server.wait_closed(), timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {
            "DINGTALK_CLIENT_ID": self.client_id,
            "DINGTALK_CLIENT_SECRET": self.client_secret,
            "DINGTALK_API_URL": self.base_url,
            "DINGTALK_OAPI_URL": self.base_url,
        }

    def _on_loop(self, coro: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # ---- the websocket gateway --------------------------------------------------------------

    async def _serve_ws(self) -> Server:
        return await serve(self._ws_handler, "127.0.0.1", 0, ping_interval=None)

    async def _ws_handler(self, ws: ServerConnection) -> None:
        query = parse_qs(urlsplit(ws.request.path if ws.request else "").query)
        ticket = (query.get("ticket") or [""])[0]
        with self.lock:
            if ticket not in self.tickets:
                return
            self.tickets.discard(ticket)
            self.connections += 1
        self._sockets.add(ws)
        try:
            async for raw in ws:
                frame = json.loads(raw)
                message_id = (frame.get("headers") or {}).get("messageId", "")
                with self.lock:
                    self.acks[message_id] = self.acks.get(message_id, 0) + 1
        except Exception:
            pass
        finally:
            self._sockets.discard(ws)

    @property
    def online(self) -> int:
        return len(self._sockets)

    def _push_frame(self, frame: dict[str, Any]) -> None:
        async def send() -> None:
            for ws in list(self._sockets):
                with contextlib.suppress(Exception):
                    await ws.send(json.dumps(frame))

        self._on_loop(send())

    def drop(self) -> None:
        """Cut every socket without a close frame (the network went away)."""

        async def cut() -> None:
            for ws in list(self._sockets):
                ws.transport.abort()

        self._on_loop(cut())

    def stall(self) -> None:
        """Stop reading every socket: pings go unanswered, as on a half-open connection."""

        async def pause() -> None:
            for ws in list(self._sockets):
                ws.transport.pause_reading()

        self._on_loop(pause())

    def disconnect(self) -> None:
        self._push_frame(
            {
                "specVersion": "1.0",
                "type": "SYSTEM",
                "headers": {"topic": "disconnect", "messageId": self._id("sys")},
                "data": "{}",
            }
        )

    def ping(self) -> str:
        message_id = self._id("ping")
        self._push_frame(
            {
                "specVersion": "1.0",
                "type": "SYSTEM",
                "headers": {"topic": "ping", "messageId": message_id},
                "data": json.dumps({"opaque": message_id}),
            }
        )
        return message_id

    # ---- people ---------------------------------------------------------------------------

    def _id(self, prefix: str) -> str:
        with self.lock:
            self._counter += 1
            return f"{prefix}{self._counter:06d}{secrets.token_hex(3)}"

    def conversation(self, staff: str) -> str:
        return f"cid-{staff}"

    def robot_message(
        self, staff: str, kind: str, body: dict[str, Any], group: str | None = None
    ) -> dict[str, Any]:
        conversation = group or self.conversation(staff)
        return {
            "conversationId": conversation,
            "conversationType": "2" if group else "1",
            "senderId": f"$:LWCP_v1:${staff}",
            "senderStaffId": staff,
            "senderNick": f"用户{staff}",
            "senderCorpId": self.corp_id,
            "chatbotUserId": "$:LWCP_v1:$robot",
            "chatbotCorpId": self.corp_id,
            "robotCode": self.client_id,
            "msgId": self._id("msg"),
            "createAt": int(time.time() * 1000),
            "sessionWebhook": f"{self.base_url}/webhook/{conversation}",
            "sessionWebhookExpiredTime": int((time.time() + 5400) * 1000),
            "isAdmin": False,
            "isInAtList": bool(group),
            "msgtype": kind,
            **body,
        }

    def deliver(self, data: dict[str, Any], topic: str = ROBOT_TOPIC) -> str:
        """Put a robot message on the stream; returns its msgId."""
        frame = {
            "specVersion": "1.0",
            "type": "CALLBACK",
            "headers": {
                "appId": "standin",
                "connectionId": "c1",
                "contentType": "application/json",
                "messageId": data["msgId"],
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        with self.lock:
            self.frames[data["msgId"]] = frame
        self._push_frame(frame)
        return str(data["msgId"])

    def redeliver(self, message_id: str) -> None:
        self._push_frame(self.frames[message_id])

    def send_text(self, staff: str, text: str, group: str | None = None) -> str:
        return self.deliver(self.robot_message(staff, "text", {"text": {"content": text}}, group))

    def add_file(self, content: bytes) -> str:
        code = self._id("dl")
        with self.lock:
            self.files[code] = content
        return code

    def send_picture(self, staff: str, content: bytes = JPEG) -> str:
        code = self.add_file(content)
        body = {"content": {"downloadCode": code, "pictureDownloadCode": code}}
        return self.deliver(self.robot_message(staff, "picture", body))

    def send_rich(self, staff: str, parts: list[str | bytes]) -> str:
        items = [{"text": p} if isinstance(p, str) else {"downloadCode": self.add_file(p),
                 "type": "picture"} for p in parts]  # fmt: skip
        return self.deliver(
            self.robot_message(staff, "richText", {"content": {"richText": items}})
        )

    def press_card(self, staff: str, card: Sent, number: int) -> str:
        """``staff`` presses the button numbered ``number`` on ``card``; returns the
        callback's messageId (``redeliver`` sends it again)."""
        item = next(
            c for c in json.loads(card.raw["params"]["choices"]) if c["number"] == str(number)
        )
        data = {
            "msgId": self._id("card"),
            "type": "actionCallback",
            "corpId": self.corp_id,
            "userId": staff,
            "userIdType": 1,
            "outTrackId": card.raw["outTrackId"],
            "spaceType": "IM_ROBOT",
            "spaceId": staff,
            "extension": "{}",
            "content": json.dumps(
                {
                    "cardPrivateData": {
                        "actionIds": ["choose"],
                        "params": {"choice": item["choice"]},
                    }
                },
                ensure_ascii=False,
            ),
        }
        return self.deliver(data, CARD_TOPIC)

    def send_file(self, staff: str, name: str, content: bytes) -> str:
        code = self.add_file(content)
        body = {"content": {"downloadCode": code, "fileName": name}}
        return self.deliver(self.robot_message(staff, "file", body))

    # ---- what the robot sent ------------------------------------------------------------

    def replies(self, conversation: str) -> list[str]:
        with self.lock:
            return [s.text for s in self.sent if s.to == conversation and s.kind == "markdown"]

    def pushes(self, staff: str, kind: str | None = None) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.to == staff and (kind is None or s.kind == kind)]

    def cards(self, staff: str) -> list[Sent]:
        """Cards delivered to ``staff``; ``text`` is the card's text, ``raw`` has
        ``params`` (its variables), ``outTrackId`` and ``template``."""
        return self.pushes(staff, "card")

    def batch_sends(self) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.kind.startswith("sample")]

    def wait_for(self, check: Callable[[], bool], timeout: float = 20) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if check():
                return True
            time.sleep(0.05)
        return check()

    async def wait_async(self, check: Callable[[], bool], timeout: float = 20) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if check():
                return True
            await asyncio.sleep(0.05)
        return check()

    # ---- HTTP -------------------------------------------------------------------------------

    def _get(self, path: str) -> tuple[int, Any, bytes | None]:
        if path.startswith("/files/"):
            time.sleep(self.download_delay)
            with self.lock:
                if self.fail_download > 0:
                    self.fail_download -= 1
                    return 500, {"code": "ServiceUnavailable"}, None
            content = self.files.get(path.removeprefix("/files/"))
            if content is not None:
                return 200, None, content
        return 404, {"code": "NotFound"}, None

    def _authorised(self, headers: dict[str, str], query: dict[str, list[str]]) -> bool:
        token = (
            headers.get("x-acs-dingtalk-access-token") or (query.get("access_token") or [""])[0]
        )
        return token in self.tokens

    def _post(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str], payload: bytes
    ) -> tuple[int, Any]:
        headers = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.calls.append(path)
        if path == "/media/upload":
            if not self._authorised(headers, query):
                return 401, {"errcode": 40014}
            with self.lock:
                self.uploads.append(((query.get("type") or [""])[0], payload))
            return 200, {"errcode": 0, "media_id": f"@media{len(self.uploads)}"}
        body = json.loads(payload or b"{}")
        if path == "/v1.0/gateway/connections/open":
            if body.get("clientSecret") != self.client_secret:
                return 401, {"code": "InvalidAuthentication"}
            with self.lock:
                if self.fail_open > 0:
                    self.fail_open -= 1
                    return 503, {"code": "ServiceUnavailable"}
                ticket = secrets.token_hex(8)
                self.tickets.add(ticket)
            return 200, {"endpoint": f"ws://127.0.0.1:{self.ws_port}/connect", "ticket": ticket}
        if path == "/v1.0/oauth2/accessToken":
            if body.get("appSecret") != self.client_secret:
                return 400, {"code": "invalidClientSecret"}
            token = secrets.token_hex(16)
            with self.lock:
                self.tokens.add(token)
            return 200, {"accessToken": token, "expireIn": 7200}
        if path.startswith("/webhook/"):
            with self.lock:
                if self.fail_webhook > 0:
                    self.fail_webhook -= 1
                    return 500, {"errcode": 500}
            conversation = path.removeprefix("/webhook/")
            kind = body.get("msgtype", "")
            text = (body.get(kind) or {}).get("text") or (body.get(kind) or {}).get("content", "")
            with self.lock:
                self.sent.append(Sent(conversation, kind, text, body))
            return 200, {"errcode": 0, "errmsg": "ok"}
        if not self._authorised(headers, query):
            return 401, {"code": "InvalidAuthentication"}
        if path == "/v1.0/robot/messageFiles/download":
            code = body.get("downloadCode", "")
            if code not in self.files or body.get("robotCode") != self.client_id:
                return 400, {"code": "invalidDownloadCode"}
            return 200, {"downloadUrl": f"{self.base_url}/files/{code}"}
        if path == "/v1.0/robot/oToMessages/batchSend":
            return self._batch_send(body)
        if path == "/v1.0/card/instances":
            params = (body.get("cardData") or {}).get("cardParamMap")
            if not body.get("cardTemplateId") or not body.get("outTrackId") or not params:
                return 400, {"code": "invalidParameter"}
            if not all(isinstance(v, str) for v in params.values()):
                return 400, {"code": "invalidParameter.cardParamMap"}
            with self.lock:
                self.card_instances[body["outTrackId"]] = body
            return 200, {"success": True, "result": body["outTrackId"]}
        if path == "/v1.0/card/instances/deliver":
            return self._deliver_card(body)
        return 404, {"code": "NotFound"}

    def _deliver_card(self, body: dict[str, Any]) -> tuple[int, Any]:
        space = str(body.get("openSpaceId") or "")
        model = body.get("imRobotOpenDeliverModel") or {}
        with self.lock:
            created = self.card_instances.get(str(body.get("outTrackId")))
            if created is None:
                return 400, {"code": "cardInstanceNotFound"}
            if (
                not space.startswith("dtv1.card//IM_ROBOT.")
                or model.get("spaceType") != "IM_ROBOT"
            ):
                return 400, {"code": "invalidOpenSpaceId"}
            staff = space.removeprefix("dtv1.card//IM_ROBOT.")
            params = created["cardData"]["cardParamMap"]
            raw = {
                "params": params,
                "outTrackId": created["outTrackId"],
                "template": created["cardTemplateId"],
            }
            self.sent.append(Sent(staff, "card", params.get("text", ""), raw))
        return 200, {"success": True, "result": [{"spaceId": space, "success": True}]}

    def _batch_send(self, body: dict[str, Any]) -> tuple[int, Any]:
        if self.batch_delay:
            time.sleep(self.batch_delay)
        if body.get("robotCode") != self.client_id:
            return 400, {"code": "invalidRobotCode"}
        param = json.loads(body.get("msgParam") or "{}")
        flow, invalid = [], []
        with self.lock:
            for staff in body.get("userIds") or []:
                if staff in self.invalid:
                    invalid.append(staff)
                elif self.flow_control.get(staff, 0) > 0:
                    self.flow_control[staff] -= 1
                    flow.append(staff)
                else:
                    text = param.get("text") or param.get("content") or param.get("fileName", "")
                    self.sent.append(Sent(staff, body.get("msgKey", ""), text, param))
        return 200, {
            "processQueryKey": secrets.token_hex(6),
            "invalidStaffIdList": invalid,
            "flowControlledStaffIdList": flow,
        }
