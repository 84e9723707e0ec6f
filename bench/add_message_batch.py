"""Add a batch of labelled messages (written blind, see tests/data/messages/README.md) to the
message set: each (intent, role) group of the batch is shuffled with a fixed seed and a
share of it goes to heldout.jsonl, the rest to dev.jsonl (or all of it to one split).

    python bench/add_message_batch.py BATCH.jsonl --batch 2 --heldout 0.33
    python bench/add_message_batch.py BATCH.jsonl --batch 8 --split dev
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

MESSAGES = Path(__file__).resolve().parents[1] / "tests" / "data" / "messages"
SEED = 2026


def read_batch(source: str, batch: int) -> list[dict]:
    """The batch's rows (JSONL), each marked with its batch number."""
    rows = [json.loads(line) for line in Path(source).read_text("utf-8").splitlines() if line]
    for row in rows:
        row["batch"] = batch
    return rows


def append(folder: Path, out: dict[str, list[dict]], batch: int) -> None:
    """Append each split's rows to folder/<split>.jsonl and say how many went where."""
    for split, chosen in out.items():
        if chosen:
            with (folder / f"{split}.jsonl").open("a", encoding="utf-8") as fh:
                for row in chosen:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"batch {batch}: {len(chosen)} → {split}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--heldout", type=float, default=0.0, help="share held out")
    parser.add_argument("--split", choices=["dev", "heldout"], help="all rows to one split")
    args = parser.parse_args()
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in read_batch(args.source, args.batch):
        groups[(row["intent"], row["role"])].append(row)
    out: dict[str, list[dict]] = {"dev": [], "heldout": []}
    rng = random.Random(f"{SEED}-{args.batch}")
    for key in sorted(groups):
        group = groups[key]
        rng.shuffle(group)
        if args.split:
            out[args.split] += group
            continue
        cut = round(len(group) * args.heldout)
        out["heldout"] += group[:cut]
        out["dev"] += group[cut:]
    append(MESSAGES, out, args.batch)


if __name__ == "__main__":
    main()
