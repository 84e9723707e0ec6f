"""The HTTP side: a threaded loopback server, routing of method calls and file downloads,
the lifecycle, and :class:`BotAPIStandin`, which puts the mixins together."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import unquote, urlsplit

from tests.botapi.actions import UserActions
from tests.botapi.control import Controls
from tests.botapi.entities import DEFAULT_TOKEN, DEFAULT_USERNAME
from tests.botapi.methods import METHODS, MessageMethods, UpdateMethods, canonical
from tests.botapi.wire import APIError, Call, JSONDict, UploadedFile, json_answer, read_request

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import ApplicationBuilder

_LOG = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # bursts of concurrent sends, as Telegram would take them

    def __init__(self, address: tuple[str, int], standin: BotAPIStandin) -> None:
        self.standin = standin
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up (PTB cancels long polls on shutdown) are expected.
        _LOG.debug("connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.standin._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.standin._track(self.connection, add=False)

    def log_message(self, fmt: str, *args: Any) -> None:
        _LOG.debug("%s " + fmt, self.address_string(), *args)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        answer = self.server.standin._serve_http(
            self.command, self.path, self.headers.get("Content-Type", ""), body
        )
        if answer is None:  # injected disconnect: hang up without answering
            self.close_connection = True
            return
        status, content_type, payload = answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class BotAPIStandin(UserActions, Controls, UpdateMethods, MessageMethods):
    """A Telegram Bot API on 127.0.0.1 for PTB; see the package docstring (:mod:`tests.botapi`).

    Thread-safe: the server answers each connection in its own thread; inject updates and
    inspect calls from the test (any thread). In async tests use :meth:`wait_for_async`
    (the blocking :meth:`wait_for` would stall the event loop PTB runs on).
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        username: str = DEFAULT_USERNAME,
        first_name: str = "GridSafe Test Bot",
        poll_cap: float = 1.0,
        latency: float = 0.0,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(
            token=token,
            username=username,
            first_name=first_name,
            poll_cap=poll_cap,
            latency=latency,
        )
        self.host = host
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None
        self._connections: set[socket.socket] = set()
        self._methods: dict[str, Callable[[JSONDict], Any]] = {
            name: getattr(self, handler) for name, handler in METHODS.items()
        }

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("BotAPIStandin is already running")
        self._stopping = False
        self._server = _Server((self.host, 0), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"BotAPIStandin:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._lock:
            self._stopping = True
            self._updates_cond.notify_all()
            connections = list(self._connections)
        server.shutdown()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("BotAPIStandin has not been started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    def bot(self, **kwargs: Any) -> Bot:
        """A ``telegram.Bot`` talking to this stand-in (use ``async with``)."""
        from telegram import Bot

        return Bot(self.token, base_url=self.base_url, base_file_url=self.base_file_url, **kwargs)

    def application_builder(self) -> ApplicationBuilder:
        """An ``ApplicationBuilder`` with token and both base URLs set."""
        from telegram.ext import ApplicationBuilder

        return (
            ApplicationBuilder()
            .token(self.token)
            .base_url(self.base_url)
            .base_file_url(self.base_file_url)
        )

    def __repr__(self) -> str:
        where = f"{self.host}:{self._port}" if self._port else "not started"
        return f"<BotAPIStandin @{self.username} {where}, {len(self._calls)} calls>"

    # -- HTTP dispatch ----------------------------------------------------------------------

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _serve_http(
        self, verb: str, target: str, content_type: str, body: bytes
    ) -> tuple[int, str, bytes] | None:
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            return self._download(token, file_path)
        if not path.startswith("/bot"):
            return json_answer(404, APIError(404, "Not Found").payload())
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return json_answer(401, APIError(401, "Unauthorized").payload())
        if not method or "/" in method:
            return json_answer(404, APIError(404, "Not Found").payload())
        try:
            raw, files, decoded = read_request(parts.query, content_type, body)
        except APIError as exc:
            return json_answer(exc.code, exc.payload())
        except Exception as exc:  # undecodable request: a bug worth seeing
            _LOG.exception("BotAPIStandin could not read a %s request", method)
            with self._lock:
                self._errors.append(f"{method}: {exc!r}")
            return json_answer(500, APIError(500, f"Internal Server Error: {exc!r}").payload())
        return self._call(method, raw, files, decoded)

    def _call(
        self,
        method: str,
        raw: dict[str, str],
        files: dict[str, UploadedFile],
        params: JSONDict,
    ) -> tuple[int, str, bytes] | None:
        name = canonical(method)
        with self._lock:
            self._counts[name] += 1
            queue = self._failures.get(name.lower())
            failure = queue.popleft() if queue else None
        delay = self._method_latency.get(name.lower(), self.latency)
        if delay > 0:
            time.sleep(delay)
        with self._lock:
            if failure is not None and failure.disconnect:
                self._record(name, params, raw, files, 0, {})
                return None
            try:
                if failure is not None:
                    extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                    raise APIError(failure.error_code, failure.description, extra)
                handler = self._methods.get(name)
                if handler is None:
                    raise APIError(404, "Not Found: method not found")
                payload: JSONDict = {"ok": True, "result": handler(params)}
                status = 200
            except APIError as exc:
                payload, status = exc.payload(), exc.code
            except Exception as exc:  # a bug in the stand-in: make it loud, not a hang
                _LOG.exception("BotAPIStandin failed on %s", name)
                self._errors.append(f"{name}: {exc!r}")
                status = 500
                payload = APIError(500, f"Internal Server Error: stand-in bug: {exc!r}").payload()
            answer = json_answer(status, payload)
            self._record(name, params, raw, files, status, json.loads(answer[2]))
            return answer

    def _record(
        self,
        method: str,
        params: JSONDict,
        raw: dict[str, str],
        files: dict[str, UploadedFile],
        status: int,
        response: JSONDict,
    ) -> None:
        call = Call(method, params)
        call.raw, call.files, call.status = raw, files, status
        call.response, call.at = response, time.monotonic()
        self._calls.append(call)
        self._calls_cond.notify_all()

    def _download(self, token: str, file_path: str) -> tuple[int, str, bytes]:
        with self._lock:
            stored = self._files_by_path.get(file_path) if token == self.token else None
            if stored is None:
                return json_answer(404, APIError(404, "Not Found").payload())
            self._downloads.append(file_path)
            return 200, stored.mime_type or "application/octet-stream", stored.content
