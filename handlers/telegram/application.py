"""The one wiring function: builds the python-telegram-bot Application from settings.

Heavy start-up (jieba, the search index, the database) happens once in post_init, on
the core's own thread, never on the first message.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.chat.assistant import Assistant, build_assistant
from bot.chat.commands import COMMANDS
from bot.records.store import storage_problem
from bot.service import AssistantService
from bot.settings import Settings, SettingsError, webhook_secret
from bot.texts import t
from handlers.seam import Outboxes, recover_pushes
from handlers.telegram.error_log import RedactToken, on_error
from handlers.telegram.inline import on_inline
from handlers.telegram.morning import TICK_SECONDS, TelegramOutbox, push_tick
from handlers.telegram.presses import on_button
from handlers.telegram.updates import on_message

log = logging.getLogger("gridsafe.telegram")


def handlers() -> list[BaseHandler]:  # type: ignore[type-arg]
    """Every handler, in the order they are tried."""
    return [
        MessageHandler(
            (
                filters.TEXT
                | filters.PHOTO
                | filters.Document.ALL
                | filters.COMMAND
                | filters.LOCATION
            )
            & ~filters.UpdateType.EDITED,
            on_message,
        ),
        CallbackQueryHandler(on_button),
        InlineQueryHandler(on_inline),
    ]


def menu() -> list[BotCommand]:
    return [BotCommand(c.name, t(f"cmd.{c.name}.menu")) for c in COMMANDS if c.menu]


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    service: AssistantService = application.bot_data["service"]
    await service.start()
    await recover_pushes(service)
    await application.bot.set_my_commands(menu())
    if application.job_queue is not None and application.bot_data.get("push_job", True):
        application.job_queue.run_repeating(
            push_tick,
            interval=TICK_SECONDS,
            first=1,
            name="push",
            # a tick delayed by a busy loop must still run (APScheduler's default grace is 1 s)
            job_kwargs={
                "misfire_grace_time": 10 * TICK_SECONDS,
                "coalesce": True,
                "max_instances": 1,
            },
        )
    log.info("GridSafe bot @%s ready", application.bot.username)


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    await application.bot_data["service"].close()


def build_application(
    settings: Settings,
    factory: Callable[[], Assistant] | None = None,
    push_job: bool = True,
    service: AssistantService | None = None,
) -> Application:  # type: ignore[type-arg]
    """``service``: a core shared with other channels (handlers/runner.py), which then
    also runs the push job for all of them."""
    if not settings.telegram_token:
        raise ValueError(t("tg.no_token"))
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        # naive times in jobs would otherwise be UTC
        .defaults(Defaults(tzinfo=settings.timezone))
        # AIORateLimiter retries nothing by default: wait out up to three 429s
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.send_rate, max_retries=3))
        .concurrent_updates(16)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_proxy:
        builder = builder.proxy(settings.telegram_proxy).get_updates_proxy(settings.telegram_proxy)
    application = builder.build()
    application.bot_data["settings"] = settings
    application.bot_data["push_job"] = push_job
    application.bot_data["service"] = service or AssistantService(
        factory or (lambda: build_assistant(settings))
    )
    # notices and pushes: Telegram's alone, until a runner shares every channel's
    application.bot_data["outboxes"] = Outboxes(
        application.bot_data["service"], [TelegramOutbox(application.bot)]
    )
    for handler in handlers():
        application.add_handler(handler)
    application.add_error_handler(on_error)
    return application


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token URL
    redact = RedactToken(settings.telegram_token or "")
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """How the webhook listens, and its secret: never without one. Telegram sends the
    secret back with every update (setWebhook's secret_token) and PTB answers 403 to a
    request without it."""
    assert settings.webhook_url
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": "telegram",
        "webhook_url": settings.webhook_url.rstrip("/") + "/telegram",
        "secret_token": webhook_secret(settings),
        "allowed_updates": Update.ALL_TYPES,
    }


def run_bot(settings: Settings) -> int:
    """Run until stopped. A token the server rejects, a webhook secret that is not usable,
    a database that cannot be used and any other failure to start (Telegram out of reach)
    end in one Chinese line on stderr, never a traceback (PTB's InvalidToken names the
    token)."""
    if not settings.telegram_token:
        print(t("tg.no_token"))
        return 2
    configure_logging(settings)
    try:
        application = build_application(settings)
        if settings.webhook_url:
            application.run_webhook(**webhook_options(settings))
        else:
            application.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        print(t("tg.bad_token"), file=sys.stderr)
        return 2
    except SettingsError as error:
        print(str(error), file=sys.stderr)
        return 2
    except Exception as error:  # as handlers/runner.py: one line, the traceback in debug
        log.debug("stopped", exc_info=True)
        problem = storage_problem(error)
        if problem is None:  # Telegram out of reach, or a fault: a restart may mend it
            print(t("run.failed", what=type(error).__name__), file=sys.stderr)
            return 1
        print(problem, file=sys.stderr)
        return 2
    return 0


class TelegramChannel:
    """Telegram beside other channels on one core (seam.Channel, handlers/runner.py):
    polling or the webhook, no push job of its own (the runner's covers every channel)."""

    name = "telegram"

    def __init__(self, settings: Settings, service: AssistantService, outboxes: Outboxes) -> None:
        self.settings = settings
        self.application = build_application(settings, push_job=False, service=service)
        self.application.bot_data["outboxes"] = outboxes
        self.outbox = TelegramOutbox(self.application.bot)

    async def start(self) -> None:
        application, settings = self.application, self.settings
        await application.initialize()
        await post_init(application)
        await application.start()
        assert application.updater is not None
        if settings.webhook_url:
            await application.updater.start_webhook(**webhook_options(settings))
        else:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)

    async def stop(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
