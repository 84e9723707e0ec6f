"""Load test: one daily push round to N registered people through the real PTB stack and
the loopback Bot API stand-in, at a configured send rate.

    python bench/push_load.py [--people 2000] [--rate 200]

Prints messages/s, whether any push was lost or doubled, and peak memory. A second round
the same day must send nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat.assistant import build_assistant  # noqa: E402
from bot.settings import TIMEZONE, Settings  # noqa: E402
from bot.texts import t  # noqa: E402
from bot.workspace import load_library  # noqa: E402
from handlers.telegram.application import build_application  # noqa: E402
from handlers.telegram.morning import push_round  # noqa: E402
from tests.botapi import BotAPIStandin  # noqa: E402
from tests.harness import standin_settings  # noqa: E402

MOMENT = datetime(2026, 11, 25, 8, 45, tzinfo=TIMEZONE)


def seed(
    settings: Settings, people: int, channel: str = "telegram", prefix: str = ""
) -> list[str]:
    """A street of ``people`` (one street officer in 20, the rest in communities of 20),
    each bound on ``channel``; returns their account ids (``prefix`` and a number)."""
    accounts = []
    assistant = build_assistant(settings)
    store = assistant.ws.store
    with store.write():
        street = store.insert(
            "units",
            {"name": "压测街道", "kind": "street", "short": "压测", "created_at": "2026-01-01"},
        )
        communities = [
            store.insert(
                "units",
                {
                    "name": f"压测社区{i:03d}",
                    "kind": "community",
                    "parent_id": street,
                    "created_at": "2026-01-01",
                },
            )
            for i in range(people // 20)
        ]
        for i in range(people):
            role, unit = ("street", street) if i % 20 == 0 else ("officer", communities[i // 20])
            pid = store.insert(
                "people",
                {"name": f"人员{i}", "role": role, "unit_id": unit, "created_at": "2026-01-01"},
            )
            account = f"{prefix}{10_000 + i}"
            accounts.append(account)
            store.insert(
                "accounts",
                {
                    "channel": channel,
                    "external_id": account,
                    "person_id": pid,
                    "chat_id": account,
                    "bound_at": "2026-01-01",
                },
            )
    store.close()
    return accounts


async def run(people: int, rate: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, BotAPIStandin() as api:
        settings = standin_settings(api, Path(tmp), send_rate=rate)
        library = load_library(settings)
        seed(settings, people)
        app = build_application(
            settings,
            lambda: build_assistant(settings, library=library, clock=lambda: MOMENT),
            push_job=False,
        )
        async with app:
            await app.post_init(app)
            api.clear()
            start = time.perf_counter()
            counts = await push_round(app, app.bot_data["service"], MOMENT)
            seconds = time.perf_counter() - start
            second = await push_round(app, app.bot_data["service"], MOMENT.replace(hour=11))
            await app.bot_data["service"].close()
        # a push is the message that opens with the push heading (a long one may be split)
        messages = [c for c in api.calls if c.method == "sendMessage" and c.ok]
        head = t("push.head")
        per_chat = Counter(c.params["chat_id"] for c in messages if head in str(c.params["text"]))
        sent = len(messages)
        lost = people - len(per_chat)
        doubled = sum(1 for n in per_chat.values() if n > 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"people {people}, configured rate {rate:.0f}/s")
        print(
            f"push round: {sent} messages in {seconds:.1f} s = {sent / seconds:.0f} messages/s "
            f"({sent / seconds / rate:.2f} of the configured rate)"
        )
        print(
            f"pushes to {len(per_chat)} people; statuses {dict(counts)}; lost {lost}, "
            f"doubled {doubled}; "
            f"second round the same day sent {sum(second.values())}"
        )
        print(f"peak memory (RSS) {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.rate))


if __name__ == "__main__":
    main()
