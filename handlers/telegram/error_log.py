"""Errors: logged with context (ids, never message text or the token); the user gets a
short human message."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot.texts import t
from handlers.telegram.updates import ReplyNotSent, context_fields

log = logging.getLogger("gridsafe.telegram")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    fields = context_fields(update)
    if isinstance(error, ReplyNotSent):
        # say only what is true: a stored record is never called "没有记录"
        cause = type(error.__cause__).__name__
        log.warning("reply to %s not sent (%s); recorded: %s", fields, cause, error.recorded)
        text = t("tg.unsent_recorded") if error.recorded else t("tg.unsent")
    elif isinstance(error, NetworkError):
        log.warning("network error %s: %s", fields, type(error).__name__)
        return
    else:
        log.error("error while handling %s: %s", fields, type(error).__name__, exc_info=error)
        text = t("tg.error")
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, text)
        except TelegramError:
            log.warning("could not tell chat %s about the error", update.effective_chat.id)


class RedactToken(logging.Filter):
    """Scrub the bot token from every log record (library loggers print request URLs), its
    traceback included. PTB logs a rejected token (InvalidToken names it) with a traceback:
    at start that record is dropped (``run_bot`` prints one Chinese line), later it becomes
    that line."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            if "Bootstrap" in record.getMessage():
                return False  # at start: run_bot says so in one Chinese line
            record.msg, record.args = t("tg.bad_token"), ()  # later (revoked while running)
            record.exc_info, record.exc_text = None, None
            return True
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = ()
            if record.exc_info:
                text = logging.Formatter().formatException(record.exc_info)
                record.exc_info, record.exc_text = None, text.replace(self.token, "<token>")
        return True
