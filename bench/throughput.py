"""End-to-end throughput: question messages through the real PTB Application, the core and
the loopback Bot API stand-in, against a baseline run side by side (the same stack with an
echo handler: what PTB and HTTP alone cost).

    python bench/throughput.py [--messages 400] [--users 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import ContextTypes, MessageHandler, filters  # noqa: E402

from bot.chat.assistant import build_assistant  # noqa: E402
from bot.workspace import load_library  # noqa: E402
from handlers.telegram.application import build_application  # noqa: E402
from tests.botapi import BotAPIStandin  # noqa: E402
from tests.harness import standin_settings  # noqa: E402

# Distinct questions (the question set), so that no answer comes from a cache.
QUESTIONS = [
    json.loads(line)["q"]
    for name in ("tuned", "heldout")
    for line in (ROOT / "tests" / "data" / "questions" / f"{name}.jsonl").read_text().splitlines()
    if line.strip()
]


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


async def run(messages: int, users: int, baseline: bool) -> float:
    with tempfile.TemporaryDirectory() as tmp, BotAPIStandin() as api:
        settings = standin_settings(api, Path(tmp), send_rate=100_000)
        library = load_library(settings)
        app = build_application(
            settings, lambda: build_assistant(settings, library=library), push_job=False
        )
        if baseline:
            app.handlers.clear()
            app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.post_init(app)
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            await asyncio.sleep(0.5)
            api.clear()
            start = time.perf_counter()
            for i in range(messages):
                api.send_text(50_000 + i % users, QUESTIONS[i % len(QUESTIONS)])
            ok = await api.wait_for_async(lambda _: api.count("sendMessage") >= messages, 300)
            seconds = time.perf_counter() - start
            await app.updater.stop()
            await app.stop()
            await app.bot_data["service"].close()
        assert ok, "not every message was answered"
        return messages / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--users", type=int, default=40)
    args = parser.parse_args()
    base = asyncio.run(run(args.messages, args.users, baseline=True))
    full = asyncio.run(run(args.messages, args.users, baseline=False))
    print(f"{args.messages} question messages from {args.users} users, end to end over HTTP")
    print(f"baseline (PTB + stand-in, echo handler): {base:.0f} updates/s")
    print(
        f"GridSafe (understanding, search, answer):  {full:.0f} updates/s "
        f"({full / base:.2f} of the baseline)"
    )


if __name__ == "__main__":
    main()
