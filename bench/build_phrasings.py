"""Write the rulebook's phrasings file from the tuned and dev questions.

    python bench/build_phrasings.py

knowledge/data/phrasings/<rulebook id>.yaml lists, per unit, the questions officers asked
about it (here: the tuned and dev parts of the question set; in use, the questions logged
from real officers). The held-out part is never written there: search_bench.py refuses to
run if it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_bench import load_split, phrasings_from

from knowledge.loader import load_rulebook
from knowledge.phrasings import phrasings_path
from knowledge.textnorm import normalize

HEADER = (
    "# 各条款的常见问法（来自问题集的 tuned、dev 两部分；held-out 部分从不写入）。\n"
    "# 由 bench/build_phrasings.py 生成；检索用它学习细则里没有的日常说法。\n"
)


def main() -> None:
    rulebook = load_rulebook()
    heldout = {normalize(q["q"]) for q in load_split("heldout")}
    known = [
        q for q in load_split("tuned") + load_split("dev") if normalize(q["q"]) not in heldout
    ]
    learned = phrasings_from(known)
    ordered = {u.code: learned[u.code] for u in rulebook.units if u.code in learned}
    body = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=200)
    path = phrasings_path(rulebook)
    path.write_text(HEADER + body, encoding="utf-8")
    print(f"{path}: {sum(map(len, ordered.values()))} questions over {len(ordered)} units")


if __name__ == "__main__":
    main()
