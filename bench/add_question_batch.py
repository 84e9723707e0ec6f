"""Add a batch of labelled questions (written blind, see the README's search section) to the
question set: each style of the batch is shuffled with a fixed seed ("2026-<batch>") and a
quarter of it goes to heldout.jsonl, the rest to dev.jsonl, as batches 16-18 were split.
Measure the batch first (bench/search_new_batch.py); it is used only after this.

    python bench/add_question_batch.py BATCH.jsonl --batch 19
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

from add_message_batch import append, read_batch

QUESTIONS = Path(__file__).resolve().parents[1] / "tests" / "data" / "questions"
HELD_OUT = 0.25


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--batch", type=int, required=True)
    args = parser.parse_args()
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in read_batch(args.source, args.batch):
        groups[row["style"]].append(row)
    out: dict[str, list[dict]] = {"dev": [], "heldout": []}
    rng = random.Random(f"2026-{args.batch}")
    for style in sorted(groups):
        group = groups[style]
        rng.shuffle(group)
        cut = round(len(group) * HELD_OUT)
        out["heldout"] += group[:cut]
        out["dev"] += group[cut:]
    append(QUESTIONS, out, args.batch)


if __name__ == "__main__":
    main()
