"""Message understanding on the labelled message set (tests/data/messages/, see its README).

    python bench/understand_bench.py [--errors dev] [--batch N] [--split S]

For tuned / dev / held-out: intent accuracy; for done reports, the item right at rank 1 and
among the offered choices; hazard recall; hazard-number accuracy; the share of messages that
end in a clarifying question; and the worst error, the share that would have recorded
something the writer did not mean (a proposal or an immediate record of another action, item,
hazard number or day; a report offered on several days it names is wrong when the day meant
is not among them). The reference day of every message is 2026-11-25 (a Wednesday).
Errors can be listed for tuned and dev only: the held-out part is reported as figures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.chat.commands import COMMAND_INTENTS  # noqa: E402
from bot.chat.intent_model import ReaderModel  # noqa: E402
from bot.chat.learned import LearnedReader  # noqa: E402
from bot.chat.reader import read_offline  # noqa: E402
from bot.chat.understand import Understander  # noqa: E402
from bot.library import Library  # noqa: E402
from bot.schedule.holidays import WorkCalendar, warm  # noqa: E402
from bot.schedule.periods import Schedule  # noqa: E402
from knowledge.loader import DEFAULT_RULEBOOK  # noqa: E402

TODAY = date(2026, 11, 25)
MESSAGES = ROOT / "tests" / "data" / "messages"
RECORDING = {"done", "hazard", "fix", "verify", "reject", "void", "extend", "photo", "undo"}
NUMBERED = {"fix", "verify", "reject", "void", "extend", "photo"}


def load(name: str) -> list[dict]:
    text = (MESSAGES / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def number_of(ref: str | None) -> int | None:
    if ref is None:
        return None
    digits = re.findall(r"\d+", str(ref))
    return int(digits[-1]) if digits else None


@dataclass
class Judged:
    intent_ok: bool
    item1: bool | None  # done with labelled codes: rank 1 right
    offered: bool | None  # done with labelled codes: among the choices
    hazard_found: bool | None  # labelled hazard: read as hazard
    number_ok: bool | None  # labelled hazard number: read right
    clarifies: bool
    wrong_record: bool
    got: dict


# The dates of the rulebook's windows of 2026 ("2026-month": 安全生产月, June), so that a
# reading's window period can be compared with a label's month or week.
WINDOWS: dict[str, tuple[date, date]] = {}


def learn_windows(library: Library) -> None:
    schedule = Schedule(library.rulebook, WorkCalendar())
    for _unit, task in library.rulebook.tasks():
        if task.window is not None:
            period = schedule.window(task, TODAY.year)
            WINDOWS[period.key] = (period.start, period.end)


def same_period(got: str | None, want: str) -> bool:
    """Whether the period read is the one labelled: the same key, or a window lying inside the
    month or the week labelled (labels name months, weeks, quarters and years only)."""
    if got == want or got not in WINDOWS:
        return got == want
    start, end = WINDOWS[got]
    if re.fullmatch(r"\d{4}-\d{2}", want):
        return start.strftime("%Y-%m") == want == end.strftime("%Y-%m")
    if re.fullmatch(r"\d{4}-W\d{2}", want):
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}" == want and end.isocalendar()[:2] == (year, week)
    return False


def judge(reading, m: dict) -> Judged:
    want = m["intent"]
    got = reading.intent
    codes = list(dict.fromkeys(reading.codes))
    number = number_of(reading.hazard)
    # a question back: what is meant, which item, which hazard, or which of the days named
    clarifies = reading.clarifies or bool(reading.days)
    item1 = offered = hazard_found = number_ok = None
    if want == "done" and m["codes"]:
        item1 = got == "done" and bool(codes) and codes[0] in m["codes"] and not reading.clarifies
        offered = got == "done" and any(c in m["codes"] for c in codes[: reading.max_choices])
    if want == "hazard":
        hazard_found = got == "hazard"
    if m.get("hazard") is not None:
        number_ok = number == m["hazard"]
    wrong = False
    if got in RECORDING and not reading.clarifies:
        if got != want:
            wrong = True
        elif (
            got == "done"
        ):  # a choice of days is no excuse for a wrong item, nor a day not offered
            wrong = (
                not codes
                or codes[0] not in m["codes"]
                or (m.get("date") is not None and m["date"] not in (reading.date, *reading.days))
                or (m.get("period") is not None and not same_period(reading.period, m["period"]))
                # another day's button records that day's own period: never a period labelled
                # as other than its day's
                or (m.get("period") is not None and m.get("date") != reading.date)
            )
        elif got in NUMBERED and m.get("hazard") is not None:
            wrong = number != m["hazard"]
    return Judged(
        got == want, item1, offered, hazard_found, number_ok, clarifies, wrong, reading.as_json()
    )


def fold_of(m: dict) -> int:
    return sum(map(ord, m["text"] + m["role"])) % FOLDS[0]


FOLDS = [5]


def cv_readers(library: Library, folds: int) -> list:
    """One reader per fold, its models trained on the tuned and dev rows of the other folds:
    the tuned and dev figures are then those of messages the models never saw."""
    sys.path.insert(0, str(ROOT / "bench"))
    from train_reader import examples, fit, fit_items

    FOLDS[0] = folds
    rulebook = library.rulebook
    base = Understander(rulebook, library.index, library.search, COMMAND_INTENTS)
    schedule = Schedule(rulebook, WorkCalendar())

    def period_of(unit, task, day):
        inst = schedule.instance(unit, task, day)
        return inst.period.key if inst else None

    warm(TODAY.year)
    messages = load("tuned") + load("dev")
    readers = []
    for k in range(folds):
        ir, it, mr, mt = examples(base, [m for m in messages if fold_of(m) != k])
        model = ReaderModel(fit(ir, it), fit_items(base, mr, mt), {})
        u = LearnedReader(base, model)
        read = lambda text, role, photo, u=u: u.understand(text, role, photo, TODAY, period_of)  # noqa: E731
        read.explain = u.explain  # type: ignore[attr-defined]
        readers.append(read)
    return readers


def share(values: list[bool | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(known) / len(known):.3f}" if known else "–"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", choices=["tuned", "dev"], help="list this split's errors")
    parser.add_argument("--batch", type=int, help="only this batch (1 = the first set)")
    parser.add_argument("--split", action="append", help="only these splits")
    parser.add_argument("--file", help="measure this JSONL file instead (a new batch)")
    parser.add_argument("--dump", help="write every tuned and dev reading (with --cv) here")
    parser.add_argument(
        "--cv", type=int, default=0, help="tuned and dev rows read by models that never saw them"
    )
    args = parser.parse_args()
    library = Library.load(DEFAULT_RULEBOOK, ROOT / "data" / "cache")
    learn_windows(library)
    read = read_offline(library, TODAY)
    folds = cv_readers(library, args.cv) if args.cv else None
    splits = args.split or ["tuned", "dev", "heldout"]
    print(
        "| split | messages | intent | item@1 (done) | item offered (done) | hazard recall "
        "| hazard no. | clarifying | wrong record |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    timings: list[float] = []
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115
    sources = [("file", None)] if args.file else [(s, None) for s in splits]
    for split, _ in sources:
        messages = load(split) if split != "file" else [
            json.loads(x) for x in Path(args.file).read_text("utf-8").splitlines() if x
        ]  # fmt: skip
        if args.batch is not None:
            messages = [m for m in messages if m.get("batch", 1) == args.batch]
        if not messages:
            continue
        results = []
        for m in messages:
            reader = read
            if folds is not None and split in ("tuned", "dev"):
                reader = folds[fold_of(m)]
            start = time.perf_counter()
            reading = reader(m["text"], m["role"], m["photo"])
            timings.append(time.perf_counter() - start)
            results.append(judge(reading, m))
            if dump is not None and split in ("tuned", "dev") and hasattr(reader, "explain"):
                extra = reader.explain(m["text"], m["role"], m["photo"])
                dump.write(json.dumps({"split": split, "want": m, "got": results[-1].got,
                                       "judged": asdict(results[-1]) | {"got": None},
                                       "explain": extra}, ensure_ascii=False) + "\n")  # fmt: skip
        row = [
            share([r.intent_ok for r in results]),
            share([r.item1 for r in results]),
            share([r.offered for r in results]),
            share([r.hazard_found for r in results]),
            share([r.number_ok for r in results]),
            share([r.clarifies for r in results]),
            share([r.wrong_record for r in results]),
        ]
        print(f"| {split} | {len(messages)} | " + " | ".join(row) + " |")
        if split == args.errors:
            for m, r in zip(messages, results, strict=True):
                bad = not r.intent_ok or r.item1 is False or r.number_ok is False
                if bad or r.wrong_record:
                    mark = "WRONG" if r.wrong_record else "miss"
                    print(
                        f"  {mark} {m['role'][:2]} {m['intent']}→{r.got['intent']} "
                        f"{m['codes']}→{r.got.get('codes')} h{m.get('hazard')}→"
                        f"{r.got.get('hazard')} d{m.get('date')}→{r.got.get('date')} "
                        f"{m['text'][:60]}",
                        file=sys.stderr,
                    )
    timings.sort()
    if timings:
        p50 = timings[len(timings) // 2] * 1000
        p99 = timings[int(len(timings) * 0.99)] * 1000
        print(f"\nwarm time per message: p50 {p50:.2f} ms, p99 {p99:.2f} ms")


if __name__ == "__main__":
    main()
