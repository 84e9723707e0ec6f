"""The assistant for async callers: one dedicated thread owns the assistant and its SQLite
connection; coroutines hand work to that thread and await the result.

SQLite connections may only be used by the thread that made them, and the core is
synchronous: running every call on one thread keeps the database single-writer inside
the process and never blocks the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from bot.chat.assistant import Assistant
from bot.chat.replies import Incoming, Reply

T = TypeVar("T")


class AssistantService:
    def __init__(self, factory: Callable[[], Assistant]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridsafe-core")
        self._assistant: Assistant | None = None
        self._factory = factory

    async def start(self) -> Assistant:
        """Build the assistant on the worker thread (heavy: index, database)."""
        if self._assistant is None:
            self._assistant = await self._run(self._factory)
        return self._assistant

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            raise RuntimeError("AssistantService.start() was not awaited")
        return self._assistant

    async def _run(self, func: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, func, *args)

    async def call(self, func: Callable[[Assistant], T]) -> T:
        """Run ``func(assistant)`` on the owner thread."""
        return await self._run(func, self.assistant)

    async def handle(self, msg: Incoming) -> list[Reply]:
        return await self._run(self.assistant.handle, msg)

    async def press(self, msg: Incoming, data: str) -> list[Reply]:
        return await self._run(self.assistant.press, msg, data)

    async def close(self) -> None:
        if self._assistant is not None:
            await self._run(self._assistant.ws.store.close)
        self._executor.shutdown(wait=True)
