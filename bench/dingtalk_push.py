"""Load test: one daily push round to N people on DingTalk (one-to-one robot messages,
``/v1.0/robot/oToMessages/batchSend``) through the real DingTalk outbox and the shared push
round (handlers/seam.py) against the loopback DingTalk stand-in, at the configured rate.

    python bench/dingtalk_push.py [--people 2000] [--rate 20] [--flow 0.05]

``--flow``: the share of people DingTalk puts on flowControlledStaffIdList once (they are
sent to again after a pause). Prints the time, messages/s against the configured rate, and
how many pushes were lost or doubled. A second round the same day must send nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat.assistant import build_assistant  # noqa: E402
from bot.service import AssistantService  # noqa: E402
from bot.settings import TIMEZONE, Settings  # noqa: E402
from bot.texts import t  # noqa: E402
from bot.workspace import load_library  # noqa: E402
from handlers import seam  # noqa: E402
from handlers.dingtalk.channel import api_for  # noqa: E402
from handlers.dingtalk.outbox import DingTalkOutbox  # noqa: E402
from tests.dtapi import DingTalkStandin  # noqa: E402

MOMENT = datetime(2026, 11, 25, 8, 45, tzinfo=TIMEZONE)


def seed(settings: Settings, people: int) -> list[str]:
    """The push benchmark's street (bench/push_load.py), bound on DingTalk by staff id."""
    from push_load import seed as seed_street

    return seed_street(settings, people, channel="dingtalk", prefix="staff")


async def run(people: int, rate: float, flow: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, DingTalkStandin() as api:
        settings = replace(
            Settings(data_dir=Path(tmp), db_path=Path(tmp) / "gridsafe.db"),
            dingtalk_client_id=api.client_id,
            dingtalk_client_secret=api.client_secret,
            dingtalk_api_url=api.base_url,
            dingtalk_oapi_url=api.base_url,
            dingtalk_send_rate=rate,
        )
        library = load_library(settings)
        staff_ids = seed(settings, people)
        throttled = random.Random(17).sample(staff_ids, int(people * flow))
        api.flow_control = {staff: 1 for staff in throttled}
        service = AssistantService(
            lambda: build_assistant(settings, library=library, clock=lambda: MOMENT)
        )
        await service.start()
        dingtalk = api_for(settings)
        outboxes = seam.Outboxes(service, [DingTalkOutbox(dingtalk, service, rate)])
        start = time.perf_counter()
        counts = await seam.push_round(service, outboxes, MOMENT)
        seconds = time.perf_counter() - start
        second = await seam.push_round(service, outboxes, MOMENT.replace(hour=11))
        await dingtalk.close()
        await service.close()
        head = t("push.head")
        calls = sum(1 for path in api.calls if path.endswith("/batchSend"))
        per_person = Counter(s.to for s in api.batch_sends() if head in s.text)
        lost = sum(1 for staff in staff_ids if per_person[staff] == 0)
        doubled = sum(1 for n in per_person.values() if n > 1)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"people {people}, configured rate {rate:.0f}/s, flow-controlled once {len(throttled)}"
        )
        print(
            f"push round: {calls} batchSend calls in {seconds:.1f} s = {calls / seconds:.1f}/s "
            f"({calls / seconds / rate:.2f} of the configured rate)"
        )
        print(
            f"pushes to {len(per_person)} people; statuses {dict(counts)}; lost {lost}, "
            f"doubled {doubled}; second round the same day sent {sum(second.values())}"
        )
        print(f"peak memory (RSS) {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=Settings().dingtalk_send_rate)
    parser.add_argument("--flow", type=float, default=0.05)
    args = parser.parse_args()
    asyncio.run(run(args.people, args.rate, args.flow))


if __name__ == "__main__":
    main()
