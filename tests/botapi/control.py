"""The test's side of the stand-in: inspecting recorded calls and state, waiting for calls,
and the levers that change how it answers (injected errors, hang-ups, blocks, latency)."""

from __future__ import annotations

import asyncio
import copy
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from tests.botapi.entities import Store
from tests.botapi.methods import canonical, commands_key
from tests.botapi.wire import Call, Failure, JSONDict


class Controls(Store):
    """Inspecting and steering the stand-in from a test (a mixin of ``BotAPIStandin``)."""

    # -- inspecting -----------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of all API calls so far (failed ones too), oldest first."""
        with self._lock:
            return list(self._calls)

    @property
    def counts(self) -> Counter[str]:
        """Calls per method (every attempt, including injected failures)."""
        with self._lock:
            return Counter(self._counts)

    def count(self, method: str) -> int:
        with self._lock:
            return self._counts[canonical(method)]

    def sent(
        self, method: str = "sendMessage", chat_id: int | str | None = None
    ) -> list[JSONDict]:
        """Params of the *successful* calls of ``method`` (to ``chat_id``), oldest first."""
        name = canonical(method)
        with self._lock:
            return [
                c.params
                for c in self._calls
                if c.method == name
                and c.ok
                and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
            ]

    def bot_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot sent (current state, edits applied, deleted ones gone)."""
        with self._lock:
            return [
                copy.deepcopy(self._messages[key])
                for key in self._bot_messages
                if key in self._messages and (chat_id is None or key[0] == chat_id)
            ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """What the user sees of each bot message: text or caption (HTML already parsed)."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.bot_messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        with self._lock:
            found = self._messages.get((chat_id, message_id))
            return copy.deepcopy(found) if found else None

    def file_content(self, file_id: str) -> bytes:
        with self._lock:
            return self._files[file_id].content

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._lock:
            return copy.deepcopy(self._pending)

    @property
    def downloads(self) -> list[str]:
        """File paths downloaded through the file route."""
        with self._lock:
            return list(self._downloads)

    @property
    def errors(self) -> list[str]:
        """Internal errors of the stand-in itself (answered as HTTP 500)."""
        with self._lock:
            return list(self._errors)

    @property
    def webhook(self) -> JSONDict:
        with self._lock:
            return dict(self._webhook)

    @property
    def commands(self) -> list[JSONDict]:
        """The command list for the default scope and no language."""
        return self.my_commands()

    def my_commands(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        with self._lock:
            return copy.deepcopy(self._commands.get(commands_key(scope, language_code), []))

    def wait_for(self, predicate: Callable[[list[Call]], Any], timeout: float = 10) -> bool:
        """Block until ``predicate(calls)`` is truthy; False on timeout. Not for use on the
        thread running PTB's event loop: use :meth:`wait_for_async` there."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "BotAPIStandin.wait_for() would block the running event loop (and PTB with it);"
                " use `await standin.wait_for_async(...)`"
            )
        deadline = time.monotonic() + timeout
        with self._calls_cond:
            while not predicate(list(self._calls)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._calls_cond.wait(min(remaining, 0.05))
            return True

    async def wait_for_async(
        self, predicate: Callable[[list[Call]], Any], timeout: float = 10
    ) -> bool:
        """Like :meth:`wait_for`, yielding to the event loop while waiting."""
        deadline = time.monotonic() + timeout
        while not predicate(self.calls):
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)
        return True

    def clear(self) -> None:
        """Forget recorded calls, counters and downloads (chats, messages, files stay)."""
        with self._lock:
            self._calls.clear()
            self._counts.clear()
            self._downloads.clear()

    # -- behaviour --------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        times: int = 1,
        error_code: int = 429,
        retry_after: float = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (nothing happens).
        429 carries ``parameters.retry_after``, which is what PTB turns into RetryAfter."""
        if error_code == 429:
            shown = int(retry_after) if float(retry_after).is_integer() else retry_after
            description = description or f"Too Many Requests: retry after {shown}"
            failure = Failure(429, description, shown)
        else:
            description = description or {
                400: "Bad Request: injected failure",
                403: "Forbidden: bot was blocked by the user",
                409: "Conflict: injected failure",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, f"Error {error_code}: injected failure")
            failure = Failure(error_code, description, None)
        self._add_failures(method, failure, times)

    def disconnect_next(self, method: str, times: int = 1) -> None:
        """Hang up without answering the next ``times`` calls (PTB raises NetworkError)."""
        self._add_failures(method, Failure(0, "", None, disconnect=True), times)

    def block_chat(self, chat_id: int) -> None:
        """Sends to this chat fail with 403, as for a user who blocked the bot (or a group
        the bot was removed from)."""
        with self._lock:
            self._blocked.add(chat_id)

    def throttle_chat(self, chat_id: int) -> None:
        """Sends to this chat keep failing with 429 (retry after 1 s), whatever the retries."""
        with self._lock:
            self._throttled.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay every answer (``method=None``) or those of one method, in seconds."""
        if method is None:
            self.latency = seconds
        else:
            with self._lock:
                self._method_latency[method.lower()] = seconds

    def _add_failures(self, method: str, failure: Failure, times: int) -> None:
        with self._lock:
            queue = self._failures.setdefault(method.lower(), deque())
            queue.extend([failure] * times)
