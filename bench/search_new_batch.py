"""Measure a new batch of questions before it is used (search as it stands, phrasings as
they are), the way batches 10-15 were measured:

    python bench/search_new_batch.py BATCH.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import evaluate  # noqa: E402

from bot.library import Library  # noqa: E402
from knowledge.loader import DEFAULT_RULEBOOK  # noqa: E402


def main() -> None:
    rows = [json.loads(x) for x in Path(sys.argv[1]).read_text("utf-8").splitlines() if x]
    library = Library.load(DEFAULT_RULEBOOK, ROOT / "data" / "cache")
    results = []
    for q in rows:
        found = library.index.search(q["q"], 10)
        results.append((q, found.codes, found.found))
    figures = evaluate(results)
    print(
        f"{len(rows)} questions ({int(figures['n'])} in scope, {int(figures['oos_n'])} out): "
        f"Recall@1 {figures['R@1']:.3f}, Recall@3 {figures['R@3']:.3f}, "
        f"MRR {figures['MRR']:.3f}, out-of-scope rejected {figures['OOS']:.3f}"
    )


if __name__ == "__main__":
    main()
