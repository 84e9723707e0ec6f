"""Search quality and speed on the question set, GridSafe against two baselines.

    python bench/search_bench.py [--repeat N]

Question set: tests/data/questions/{tuned,dev,heldout}.jsonl. The tuned and dev parts were
used to tune GridSafe (synonyms, stopwords, weights, threshold) and are the phrasings it
learns officers' words from (knowledge/data/phrasings/, bench/build_phrasings.py); their
GridSafe rows are therefore cross-validated: each of 5 parts is answered by an index whose
phrasings leave that part out. The held-out part was never tuned on nor learned from, so its
figures are the ones that predict real use; the bench stops if a held-out question is among
the phrasings. "GridSafe, no phrasings" is the same search with none. Questions came in
batches ("batch"): 1, written with the search; 2, 190 questions over all 79 units; 3, 104
mostly heavily colloquial ones; 4 and 5; each was split 3:1 per style into dev and held-out
with a fixed seed before any run. Batch 6 (100) was written after the phrasings and is held
out whole. Later batches were written by helpers who saw only the rulebook: 7 and 8 (dev), 9
(held out whole), then 10, 12, 14 and 15 (dev) and 11 and 13 (held out whole), each from six
kinds of askers (a new 网格员, an older officer in dialect, 安办 staff preparing the assessment,
a 书记 telling what they did, a keyword typer, a formal writer) with out-of-scope questions
that borrow the rulebook's words. The held-out figures are also shown per batch. Both
baselines run in the same process on the same rulebook text: character-bigram BM25
(rank-bm25) and rapidfuzz WRatio. A baseline has no notion of "not found", so it gets a score
threshold, chosen on the tuned and dev parts to maximise the mean of its Recall@1 and its
out-of-scope rejection.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rank_bm25 import BM25Okapi  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402

from knowledge.loader import load_rulebook  # noqa: E402
from knowledge.phrasings import load_phrasings  # noqa: E402
from knowledge.search import SearchIndex, bigrams  # noqa: E402
from knowledge.textnorm import normalize  # noqa: E402

QUESTIONS = ROOT / "tests" / "data" / "questions"
Ranker = Callable[[str], tuple[list[str], float]]  # codes best first, top score


def load_split(name: str) -> list[dict]:
    lines = (QUESTIONS / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def baseline_documents(rulebook) -> list[tuple[str, str]]:
    docs = []
    for unit in rulebook.units:
        item = rulebook.item(unit.item_code) if unit.item_code else None
        title = f"{rulebook.section(unit.code).title} {item.title if item else ''}"
        docs.append((unit.code, normalize(f"{title} {unit.text}")))
    return docs


def bm25_ranker(docs: list[tuple[str, str]]) -> Ranker:
    model = BM25Okapi([bigrams(text) or [text] for _, text in docs])
    codes = [c for c, _ in docs]

    def rank(query: str) -> tuple[list[str], float]:
        scores = model.get_scores(bigrams(normalize(query)))
        order = sorted(range(len(codes)), key=lambda i: -scores[i])
        return [codes[i] for i in order[:10]], float(scores[order[0]])

    return rank


def fuzzy_ranker(docs: list[tuple[str, str]]) -> Ranker:
    texts = [text for _, text in docs]
    codes = [c for c, _ in docs]

    def rank(query: str) -> tuple[list[str], float]:
        found = process.extract(normalize(query), texts, scorer=fuzz.WRatio, limit=10)
        return [codes[i] for _, _, i in found], float(found[0][1]) if found else 0.0

    return rank


def evaluate(results: list[tuple[dict, list[str], bool]]) -> dict[str, float]:
    """results: (question, codes returned best first, found)."""
    r1 = r3 = rr = n = oos = oos_ok = 0.0
    for question, codes, found in results:
        expected = set(question["codes"])
        if not expected:
            oos += 1
            oos_ok += not found
            continue
        n += 1
        codes = codes if found else []
        rank = next((i for i, c in enumerate(codes) if c in expected), None)
        r1 += rank == 0
        r3 += rank is not None and rank < 3
        rr += 1 / (rank + 1) if rank is not None else 0
    return {
        "R@1": r1 / n,
        "R@3": r3 / n,
        "MRR": rr / n,
        "OOS": oos_ok / oos if oos else 1.0,
        "n": n,
        "oos_n": oos,
    }


def run_baseline(rank: Ranker, questions: list[dict], threshold: float):
    out = []
    for q in questions:
        codes, top = rank(q["q"])
        out.append((q, codes, top >= threshold))
    return out


def tune_threshold(rank: Ranker, questions: list[dict]) -> float:
    scored = [(q, *rank(q["q"])) for q in questions]
    candidates = sorted({top for _, _, top in scored})
    best, best_value = 0.0, -1.0
    for threshold in [0.0, *candidates]:
        metrics = evaluate([(q, codes, top >= threshold) for q, codes, top in scored])
        value = (metrics["R@1"] + metrics["OOS"]) / 2
        if value > best_value:
            best, best_value = threshold, value
    return best


PHRASING_STYLES = ("colloquial", "paraphrase", "keyword", "short", "typo")
FOLDS = 5


def phrasings_from(questions: list[dict]) -> dict[str, list[str]]:
    """Unit code → the in-scope questions about that one unit (never code references)."""
    out: dict[str, list[str]] = {}
    for q in questions:
        if q["style"] in PHRASING_STYLES and len(q["codes"]) == 1:
            out.setdefault(q["codes"][0], []).append(q["q"])
    return out


def cross_validated(rulebook, questions: list[dict], cache: Path):
    """GridSafe on questions it has learned phrasings from: each of FOLDS parts is answered
    by an index whose phrasings leave that part out."""
    order = list(range(len(questions)))
    random.Random(7).shuffle(order)
    results: list = [None] * len(questions)
    for fold in range(FOLDS):
        part = set(order[fold::FOLDS])
        asked = {normalize(questions[i]["q"]) for i in part}
        learned = phrasings_from(
            [
                q
                for i, q in enumerate(questions)
                if i not in part and normalize(q["q"]) not in asked
            ]
        )
        index = SearchIndex.build(rulebook, cache, learned)
        for i in part:
            results[i] = run_gridsafe(index, [questions[i]])[0]
    return results


def run_gridsafe(index: SearchIndex, questions: list[dict]):
    out = []
    for q in questions:
        result = index.search(q["q"], k=10)
        out.append((q, result.codes, result.found))
    return out


def latency(index: SearchIndex, questions: list[dict], repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        for q in questions:
            start = time.perf_counter()
            index.search(q["q"], k=5)
            times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99)] * 1000


def fresh_process(args: list[str], env_extra: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a fresh process."""
    import os

    code = (
        "import resource,subprocess,sys,time;t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:],capture_output=True);"
        "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    env = {**os.environ, **env_extra}
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    seconds, rss = out.stdout.split()
    return float(seconds), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tuned, dev, heldout = load_split("tuned"), load_split("dev"), load_split("heldout")
    rulebook = load_rulebook()
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        SearchIndex.build(rulebook, Path(cache))
        cold_build = time.perf_counter() - start
        start = time.perf_counter()
        index = SearchIndex.build(rulebook, Path(cache))
        warm_build = time.perf_counter() - start
        env = {"GRIDSAFE_CACHE_DIR": cache, "GRIDSAFE_DATA": cache}
        ask = [sys.executable, "-m", "bot", "ask", "社区安全专干每周要巡查几次"]
        fresh_process(ask, env)  # the first start builds the data folder's own cache
        ask_runs = [fresh_process(ask, env) for _ in range(5)]
        learned = load_phrasings(rulebook)
        asked = {normalize(q) for questions in learned.values() for q in questions}
        if any(normalize(q["q"]) in asked for q in heldout):
            sys.exit("a held-out question is among the phrasings: the held-out part is spoiled")
        folded = cross_validated(rulebook, tuned + dev, Path(cache))
        bare = SearchIndex.build(rulebook, Path(cache), {})
    docs = baseline_documents(rulebook)
    rankers = {"char-bigram BM25": bm25_ranker(docs), "rapidfuzz WRatio": fuzzy_ranker(docs)}
    gridsafe = {"tuned": folded[: len(tuned)], "dev": folded[len(tuned) :]}
    rows = []
    for split, questions in (("tuned", tuned), ("dev", dev), ("held-out", heldout)):
        results = gridsafe.get(split) or run_gridsafe(index, questions)
        rows.append(("GridSafe", split, evaluate(results)))
        rows.append(("GridSafe, no phrasings", split, evaluate(run_gridsafe(bare, questions))))
        for name, rank in rankers.items():
            threshold = tune_threshold(rank, tuned + dev)
            rows.append((name, split, evaluate(run_baseline(rank, questions, threshold))))
    print(f"questions: tuned {len(tuned)}, dev {len(dev)}, held-out {len(heldout)}\n")
    print("| system | split | Recall@1 | Recall@3 | MRR | out-of-scope rejected |")
    print("|---|---|---|---|---|---|")
    for name, split, m in rows:
        print(
            f"| {name} | {split} (n={int(m['n'])}+{int(m['oos_n'])}) | {m['R@1']:.4f} | "
            f"{m['R@3']:.4f} | {m['MRR']:.3f} | {m['OOS']:.3f} |"
        )
    print("\nheld-out by batch:\n")
    print("| system | batch | Recall@1 | Recall@3 | MRR | out-of-scope rejected |")
    print("|---|---|---|---|---|---|")
    bigram_threshold = tune_threshold(rankers["char-bigram BM25"], tuned + dev)
    for batch in sorted({q.get("batch", 1) for q in heldout}):
        part = [q for q in heldout if q.get("batch", 1) == batch]
        for name, results in (
            ("GridSafe", run_gridsafe(index, part)),
            ("GridSafe, no phrasings", run_gridsafe(bare, part)),
            (
                "char-bigram BM25",
                run_baseline(rankers["char-bigram BM25"], part, bigram_threshold),
            ),
        ):
            m = evaluate(results)
            print(
                f"| {name} | {batch} (n={int(m['n'])}+{int(m['oos_n'])}) | {m['R@1']:.4f} | "
                f"{m['R@3']:.4f} | {m['MRR']:.3f} | {m['OOS']:.3f} |"
            )
    p50, p99 = latency(index, tuned + dev + heldout, args.repeat)
    seconds = sorted(s for s, _ in ask_runs)
    print()
    print(f"warm latency per question: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"index build: cold {cold_build:.2f} s (first start), from cache {warm_build:.2f} s")
    print(
        f"`gridsafe ask` fresh process: median {statistics.median(seconds):.2f} s, "
        f"max {seconds[-1]:.2f} s; peak RSS {max(r for _, r in ask_runs) / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main()
