"""Message understanding on the labelled message set: intent accuracy and item accuracy.

    python bench/understand_bench.py [--show-tuned-errors]

tests/data/messages/tuned.jsonl was used to shape the rules; heldout.jsonl never was.
The reference day of every message is 2026-11-25 (a Wednesday). Only tuned errors can be
listed: the held-out part is reported as figures only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat.commands import COMMAND_INTENTS  # noqa: E402
from bot.chat.understand import Understander  # noqa: E402
from bot.library import Library  # noqa: E402
from bot.schedule.holidays import WorkCalendar  # noqa: E402
from bot.schedule.periods import Schedule  # noqa: E402
from knowledge.loader import DEFAULT_RULEBOOK  # noqa: E402

TODAY = date(2026, 11, 25)
MESSAGES = ROOT / "tests" / "data" / "messages"


def load(name: str) -> list[dict]:
    text = (MESSAGES / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def judge(understander: Understander, schedule: Schedule, m: dict) -> tuple[bool, bool, dict]:
    def period_of(unit, task, day):
        inst = schedule.instance(unit, task, day)
        return inst.period.key if inst else None

    u = understander.understand(m["text"], m["role"], m["photo"], TODAY, period_of)
    intent_ok = u.intent == m["intent"]
    item_ok = intent_ok
    if intent_ok and m["intent"] == "done":
        expected = set(m["codes"])
        item_ok = (not expected and (len(u.tasks) != 1 or u.confidence < 0.8)) or (
            bool(expected) and len(set(u.codes)) == 1 and u.codes[0] in expected
        )
        item_ok = item_ok and (m.get("date") in (None, u.date))
    if intent_ok and m["intent"] == "fix" and m.get("hazard") is not None:
        item_ok = u.hazard is not None and int(u.hazard.split("-")[-1]) == m["hazard"]
    return intent_ok, item_ok, u.as_json()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-tuned-errors", action="store_true")
    args = parser.parse_args()
    library = Library.load(DEFAULT_RULEBOOK, ROOT / "data" / "cache")
    understander = Understander(library.rulebook, library.index, commands=COMMAND_INTENTS)
    schedule = Schedule(library.rulebook, WorkCalendar())
    print("| split | messages | intent accuracy | intent + item/date/number accuracy |")
    print("|---|---|---|---|")
    for split in ("tuned", "dev", "heldout"):
        messages = load(split)
        results = [judge(understander, schedule, m) for m in messages]
        intent = sum(r[0] for r in results) / len(results)
        full = sum(r[1] for r in results) / len(results)
        print(f"| {split} | {len(messages)} | {intent:.3f} | {full:.3f} |")
        if split in ("tuned", "dev") and args.show_tuned_errors:
            confusion = Counter()
            for m, (ok, ok2, u) in zip(messages, results, strict=True):
                if not (ok and ok2):
                    confusion[(m["intent"], u["intent"])] += 1
                    print(
                        "  ",
                        m["intent"],
                        "→",
                        u["intent"],
                        m["text"][:40],
                        m["codes"],
                        u.get("codes"),
                        u.get("date"),
                        m.get("date"),
                        file=sys.stderr,
                    )
            print("  confusion (expected → got):", dict(confusion), file=sys.stderr)


if __name__ == "__main__":
    main()
