"""Inline mode: `@bot 巡查` in any chat offers the best-matching items to insert as a quoted
requirement with its code. Rulebook text only, never anyone's records."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.chat.answers import unit_answer
from handlers.telegram.render import to_html
from handlers.telegram.updates import service_of

MAX_RESULTS = 8


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=60, is_personal=False)
        return

    def find(assistant):
        result = assistant.ws.library.search(text, k=MAX_RESULTS)
        units = [assistant.ws.rulebook.unit(code) for code in result.codes[:MAX_RESULTS]]
        return [(u, unit_answer(assistant.ws.rulebook, u)) for u in units if u is not None]

    found = await service_of(context).call(find)
    results = [
        InlineQueryResultArticle(
            id=unit.code,
            title=f"【{unit.code}】{unit.name}",
            description=unit.text[:80],
            input_message_content=InputTextMessageContent(
                to_html(body), parse_mode=ParseMode.HTML
            ),
        )
        for unit, body in found
    ]
    await query.answer(results, cache_time=300, is_personal=False)
