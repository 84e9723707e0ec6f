"""A unit's figures: the one place that counts what is due, done, overdue and due soon, and
how its hazards stand. The checklist's community lines (/todo, the push), /report, its
chart and the export's summary all read them from here, so they never disagree.

Invariants: the figures cover the task instances due between ``start`` and ``end`` (both
included) and never one due before the unit's counting start (the day it joined, or its
configured start date); overdue = not done and due before ``today``; due soon = not done
and due within :data:`SOON_DAYS` from ``today``. The hazards counted are the unit's
hazards reported between ``start`` and ``end`` plus every one still live (to fix or to
verify) however old; voided hazards count nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.records.hazards import FIXED, LIVE, OPEN, Hazard, HazardLedger, rates
from bot.records.org import OrgUnit
from bot.records.tasklog import TaskLog
from bot.schedule.periods import Schedule, TaskInstance

UNIT_ROLE = {"community": "officer", "street": "street"}
SOON_DAYS = 3
COUNTS = (
    "due",
    "done",
    "overdue",
    "due_soon",
    "hazards",
    "handled",
    "closed",
    "open_hazards",
    "awaiting_review",
    "hazards_overdue",
)


@dataclass
class UnitFigures:
    unit: OrgUnit
    due: int = 0
    done: int = 0
    overdue: int = 0
    due_soon: int = 0
    hazards: int = 0  # counted (reported in the span, or still live)
    handled: int = 0  # fixed or closed
    closed: int = 0
    open_hazards: int = 0  # still to fix
    awaiting_review: int = 0  # fix reported, waiting for the street office
    hazards_overdue: int = 0
    handling_rate: float = 1.0
    on_time_rate: float = 1.0
    worst: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, days late)

    @property
    def done_rate(self) -> float:
        return self.done / self.due if self.due else 1.0

    @property
    def color(self) -> str:
        """red: something overdue; amber: due soon or hazards live; green: nothing pressing."""
        if self.overdue or self.hazards_overdue:
            return "red"
        if self.due_soon or self.open_hazards or self.awaiting_review:
            return "amber"
        return "green"


def counted(instances: list[TaskInstance], unit: OrgUnit) -> list[TaskInstance]:
    """The instances that count for the unit: none due before its counting start."""
    start = unit.counting_start
    return [i for i in instances if start is None or i.due >= start]


class Figures:
    def __init__(self, schedule: Schedule, tasklog: TaskLog, ledger: HazardLedger) -> None:
        self.schedule = schedule
        self.tasklog = tasklog
        self.ledger = ledger
        self._instances: dict[tuple[str, date, date], list[TaskInstance]] = {}

    def instances(self, role: str, start: date, end: date) -> list[TaskInstance]:
        key = (role, start, end)
        if key not in self._instances:
            self._instances[key] = self.schedule.due_between(role, start, end)
        return self._instances[key]

    def unit(
        self,
        unit: OrgUnit,
        today: date,
        start: date,
        end: date,
        hazards: list[Hazard] | None = None,
    ) -> UnitFigures:
        figures = UnitFigures(unit)
        role = UNIT_ROLE.get(unit.kind)
        if role:
            self._tasks(figures, role, today, start, end)
        if hazards is None:
            hazards = self.hazards([unit.id], start, end)
        self._hazards(figures, [h for h in hazards if h.unit_id == unit.id], today)
        return figures

    def hazards(self, unit_ids: list[int], start: date, end: date) -> list[Hazard]:
        return [
            h
            for h in self.ledger.select(unit_ids)
            if start <= h.reported_on <= end or (h.state in LIVE and h.reported_on <= end)
        ]

    def _tasks(self, f: UnitFigures, role: str, today: date, start: date, end: date) -> None:
        instances = counted(self.instances(role, start, end), f.unit)
        counts = self.tasklog.done_counts(f.unit.id, sorted({i.period.key for i in instances}))
        soon = today + timedelta(days=SOON_DAYS)
        for inst in instances:
            f.due += 1
            if counts.get((inst.unit.code, inst.task.key, inst.period.key), 0) >= inst.task.count:
                f.done += 1
            elif inst.due < today:
                f.overdue += 1
                f.worst.append((inst.unit.code, inst.task.name, (today - inst.due).days))
            elif inst.due <= soon:
                f.due_soon += 1
        f.worst.sort(key=lambda w: -w[2])

    @staticmethod
    def _hazards(f: UnitFigures, hazards: list[Hazard], today: date) -> None:
        found = rates(hazards, today)
        f.hazards, f.handled = int(found["reported"]), int(found["handled"])
        f.closed, f.hazards_overdue = int(found["closed"]), int(found["overdue"])
        f.handling_rate, f.on_time_rate = found["handling_rate"], found["on_time_rate"]
        f.open_hazards = sum(h.state == OPEN for h in hazards)
        f.awaiting_review = sum(h.state == FIXED for h in hazards)

    def total(self, street: OrgUnit, rows: list[UnitFigures], hazards: list[Hazard],
              today: date) -> UnitFigures:  # fmt: skip
        """The street's total over its rows; rates over all their hazards together."""
        total = UnitFigures(street)
        for row in rows:
            for name in COUNTS:
                setattr(total, name, getattr(total, name) + getattr(row, name))
        ids = {row.unit.id for row in rows}
        found = rates([h for h in hazards if h.unit_id in ids], today)
        total.handling_rate, total.on_time_rate = found["handling_rate"], found["on_time_rate"]
        return total
