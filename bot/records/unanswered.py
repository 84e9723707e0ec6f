"""Questions people asked that the rulebook search could not answer, so that the office
can see what officers need and teach the search their words (``/teach``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.records.store import Store, now_iso
from bot.texts import t
from knowledge.model import Rulebook
from knowledge.refs import find_refs
from knowledge.textnorm import normalize

MAX_TEXT = 200


@dataclass(frozen=True)
class Asked:
    text: str
    times: int
    last_at: str
    offtopic: str  # the off-topic words search named, if any ("工资")


class UnansweredLog:
    def __init__(self, store: Store, rulebook_id: str) -> None:
        self.store = store
        self.rulebook_id = rulebook_id

    def record(self, person_id: int, text: str, offtopic: tuple[str, ...]) -> None:
        with self.store.write():
            self.store.insert(
                "unanswered",
                {
                    "at": now_iso(),
                    "person_id": person_id,
                    "rulebook": self.rulebook_id,
                    "text": text.strip()[:MAX_TEXT],
                    "offtopic": "、".join(offtopic),
                },
            )

    def open_questions(self, since: str, limit: int = 15) -> tuple[list[Asked], int]:
        """The untaught questions since ``since`` (ISO date), most asked first, and how
        many different ones there are in all."""
        rows = self.store.rows(
            "SELECT text, COUNT(*) AS times, MAX(at) AS last_at, MAX(offtopic) AS offtopic "
            "FROM unanswered WHERE rulebook = ? AND at >= ? AND taught_code IS NULL "
            "GROUP BY text ORDER BY times DESC, last_at DESC",
            [self.rulebook_id, since],
        )
        asked = [Asked(r["text"], r["times"], r["last_at"], r["offtopic"]) for r in rows]
        return asked[:limit], len(asked)

    def mark_taught(self, text: str, code: str) -> int:
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE unanswered SET taught_code = ? "
                "WHERE rulebook = ? AND text = ? AND taught_code IS NULL",
                [code, self.rulebook_id, text.strip()[:MAX_TEXT]],
            )
        return cursor.rowcount


def open_questions_text(log: UnansweredLog, since: date, days: int) -> str:
    items, total = log.open_questions(since.isoformat())
    if not items:
        return t("unanswered.none", days=days)
    lines = [t("unanswered.head", days=days, total=total)]
    for n, asked in enumerate(items, start=1):
        line = t("unanswered.line", n=n, text=asked.text, times=asked.times)
        if asked.offtopic:
            line += t("unanswered.offtopic", words=asked.offtopic)
        lines.append(line)
    lines.append(t("unanswered.tail"))
    return "\n".join(lines)


def parse_teach(rulebook: Rulebook, args: str) -> tuple[str, str] | str:
    """``/teach 3.3.5 问题`` → (unit code, question), or the key of what is wrong."""
    head, _, question = args.strip().partition(" ")
    question = question.strip()
    if not head or not question:
        return "teach.usage"
    refs = [r for r in find_refs(normalize(head), rulebook.is_code) if r.exists]
    code = refs[0].code if refs else head
    if rulebook.unit(code) is None:
        return "teach.unknown_code"
    if len(question) > MAX_TEXT:
        return "teach.too_long"
    return code, question
