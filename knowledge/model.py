"""Typed model of a rulebook: sections, items, units (the atomic clauses) and their tasks."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("recurring", "window", "annual", "ledger", "standing", "indicator", "event", "bonus")
ROLES = ("officer", "street")
PERIODS = ("week", "month", "quarter", "year")
WINDOW_KINDS = ("month", "week_of", "days_from", "range", "festival")


@dataclass(frozen=True)
class Window:
    """A calendar window inside the year in which a task must be done.

    kind month: the whole month ``month``; week_of: the Monday-start week containing
    ``date`` (MM-DD); days_from: ``days`` days from ``date``; range: ``date`` to ``end``;
    festival: ``before`` days before a festival (named as chinese-calendar knows it) to
    ``after`` days after its first day.
    """

    kind: str
    month: int | None = None
    date: str | None = None
    end: str | None = None
    days: int | None = None
    festival: str | None = None
    before: int = 0
    after: int = 0


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    every: str
    count: int = 1
    window: Window | None = None
    due: str | None = None  # MM-DD inside the period for annual deliverables
    roles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # words people use when they report this task done

    def task_id(self, code: str) -> str:
        return f"{code}:{self.key}"


@dataclass(frozen=True)
class Unit:
    code: str
    text: str
    name: str
    kind: str
    roles: tuple[str, ...]
    tasks: tuple[Task, ...] = ()
    keywords: tuple[str, ...] = ()
    ledger: str | None = None
    bonus: bool = False
    note: str | None = None

    @property
    def item_code(self) -> str | None:
        parts = self.code.split(".")
        return ".".join(parts[:2]) if len(parts) == 3 else None


@dataclass(frozen=True)
class Item:
    code: str
    title: str
    text: str = ""


@dataclass(frozen=True)
class Section:
    code: str
    numeral: str
    title: str
    assessor: str | None
    items: tuple[Item, ...] = ()


@dataclass
class Rulebook:
    id: str
    title: str
    year: int
    applies_to: str
    note: str
    source: str
    sections: tuple[Section, ...]
    units: tuple[Unit, ...]
    _by_code: dict[str, Unit] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {u.code: u for u in self.units}

    def unit(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code.split(".")[0])

    def item(self, code: str) -> Item | None:
        section = self.section(code)
        return next((i for i in section.items if i.code == code), None)

    def assessor(self, code: str) -> str | None:
        return self.section(code).assessor

    def units_under(self, code: str) -> list[Unit]:
        """Units named by a unit, item or section code, in document order."""
        if code in self._by_code:
            return [self._by_code[code]]
        prefix = code + "."
        return [u for u in self.units if u.code.startswith(prefix)]

    def is_code(self, code: str) -> bool:
        return bool(self.units_under(code))

    def tasks(self) -> list[tuple[Unit, Task]]:
        return [(u, t) for u in self.units for t in u.tasks]

    def task(self, task_id: str) -> tuple[Unit, Task] | None:
        code, _, key = task_id.partition(":")
        unit = self.unit(code)
        if unit is None:
            return None
        return next(((unit, t) for t in unit.tasks if t.key == key), None)
