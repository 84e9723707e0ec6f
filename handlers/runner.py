"""``gridsafe run``: every channel whose credentials are set, in one process on one core.

Invariants: one AssistantService (one thread, one database connection) serves every
channel; one push job runs for all of them (handlers/seam.py), so the push ledger is
shared; Telegram alone runs as before (python-telegram-bot's own loop and push job).
Secrets never reach the output: a missing credential is named, never shown, and every log
record is scrubbed of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable

from bot.chat.assistant import Assistant, build_assistant
from bot.records.store import storage_problem
from bot.service import AssistantService
from bot.settings import Settings, SettingsError
from bot.texts import t
from handlers.seam import Channel, Outboxes, push_loop, recover_pushes

log = logging.getLogger("gridsafe.run")
CHANNELS = ("telegram", "dingtalk")
PUSH_GRACE = 20.0  # seconds a push round under way may take to finish at a stop


def missing(settings: Settings, channel: str | None) -> str | None:
    """What to tell the person starting GridSafe when the credentials are not there."""
    if channel is not None and channel not in CHANNELS:
        return t("run.unknown_channel", name=channel)
    if channel == "telegram" and not settings.bot_enabled:
        return t("tg.no_token")
    if channel == "dingtalk" and not settings.dingtalk_enabled:
        return t("dt.no_credentials")
    if channel is None and not settings.channels:
        return t("run.no_channel")
    return None


class RedactSecrets(logging.Filter):
    """Scrub every secret from every log record, its traceback included (library loggers
    print request URLs; PTB's InvalidToken names the token)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._scrub(message), ()
        if record.exc_info or record.exc_text:  # a traceback names what its error names
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)  # type: ignore[arg-type]
            if any(s in text for s in self.secrets):
                record.exc_info, record.exc_text = None, self._scrub(text)
        return True

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry URLs
    logging.getLogger("websockets").setLevel(logging.WARNING)
    filters: list[logging.Filter] = []
    if settings.telegram_token:  # PTB's rejected-token records, as when Telegram runs alone
        from handlers.telegram.error_log import RedactToken

        filters.append(RedactToken(settings.telegram_token))
    filters.append(
        RedactSecrets([settings.telegram_token or "", settings.dingtalk_client_secret or ""])
    )
    for handler in logging.getLogger().handlers:
        for redact in filters:
            handler.addFilter(redact)


def run(settings: Settings, channel: str | None = None) -> int:
    problem = missing(settings, channel)
    if problem:
        print(problem)
        return 2
    names = [channel] if channel else list(settings.channels)
    if names == ["telegram"]:
        from handlers.telegram.application import run_bot

        return run_bot(settings)
    configure_logging(settings)
    try:
        asyncio.run(serve(settings, names))
    except KeyboardInterrupt:
        pass
    except Exception as error:  # a channel that cannot start: one line, no traceback
        log.debug("stopped", exc_info=True)
        line = refusal(error)
        if line is not None:  # nothing a restart would change: exit 2 (systemd stops)
            print(line, file=sys.stderr)
            return 2
        print(t("run.failed", what=type(error).__name__))
        return 1
    return 0


def refusal(error: BaseException) -> str | None:
    """The one line of an error a restart cannot mend, as Telegram alone says it
    (handlers/telegram/application.py run_bot): an unusable database or data folder, bad
    settings (a webhook secret), a token the server rejects. None for anything else."""
    if isinstance(error, SettingsError):
        return str(error)
    if type(error).__name__ == "InvalidToken":  # telegram.error, imported only when used
        return t("tg.bad_token")
    return storage_problem(error)


def build_channel(
    name: str, settings: Settings, service: AssistantService, outboxes: Outboxes
) -> Channel:
    """The channels GridSafe knows; each is imported only when it is used."""
    if name == "telegram":
        from handlers.telegram.application import TelegramChannel

        return TelegramChannel(settings, service, outboxes)
    if name == "dingtalk":
        from handlers.dingtalk.channel import DingTalkChannel

        return DingTalkChannel(settings, service, outboxes)
    raise ValueError(name)


async def serve(
    settings: Settings,
    names: list[str],
    factory: Callable[[], Assistant] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the channels ``names`` on one core until ``stop`` is set (or SIGINT/SIGTERM)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    service = AssistantService(factory or (lambda: build_assistant(settings)))
    await service.start()
    await recover_pushes(service)
    outboxes = Outboxes(service)
    started: list[Channel] = []
    push: asyncio.Task[None] | None = None
    stopping = asyncio.Event()
    try:
        for name in names:
            channel = build_channel(name, settings, service, outboxes)
            outboxes.add(channel.outbox)
            await channel.start()
            started.append(channel)
        push = asyncio.create_task(
            push_loop(service, outboxes, settings.push_tick_seconds, stopping)
        )
        log.info("GridSafe running on %s", ", ".join(names))
        await stop.wait()
    finally:
        if push is not None:  # a round under way finishes and records what it sent
            stopping.set()
            await asyncio.wait({push}, timeout=PUSH_GRACE)
            push.cancel()
            await asyncio.gather(push, return_exceptions=True)
        for channel in reversed(started):
            try:
                await channel.stop()
            except Exception:
                log.warning("channel %s did not stop cleanly", channel.name, exc_info=True)
        await service.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
