"""Errors: logged with context (ids, never message text or the token); the user gets a
short human message."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.texts import t
from handlers.telegram.updates import context_fields

log = logging.getLogger("gridsafe.telegram")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    fields = context_fields(update)
    if isinstance(error, NetworkError):
        log.warning("network error %s: %s", fields, type(error).__name__)
        return
    log.error("error while handling %s: %s", fields, type(error).__name__, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, t("tg.error"))
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)


class RedactToken(logging.Filter):
    """Scrub the bot token from every log record (library loggers print request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = ()
        return True
