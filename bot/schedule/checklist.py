"""Checklists: what is still open for a person on a day, and how a street's communities stand.

Open = the task instances of the person's role and unit whose period is not yet fulfilled
(overdue ones first, then by due date), plus the hazards they must fix or verify. Nothing
due before the unit's counting start is listed. A street's community lines are the
units' figures for the year so far (bot.schedule.figures), the same as /report's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.records.hazards import FIXED, OPEN, Hazard, HazardLedger
from bot.records.org import Org, OrgUnit, Person
from bot.records.tasklog import TaskLog
from bot.schedule.figures import SOON_DAYS, UNIT_ROLE, Figures, UnitFigures, counted
from bot.schedule.periods import Schedule, TaskInstance
from knowledge.model import Rulebook

__all__ = ["SOON_DAYS", "UNIT_ROLE", "CheckItem", "Checklist", "Checklists", "HazardItem"]


@dataclass(frozen=True)
class CheckItem:
    code: str
    task: str
    name: str
    period: str
    start: date
    due: date
    done: int
    count: int
    unit_id: int
    every: str
    window: bool

    @property
    def task_id(self) -> str:
        return f"{self.code}:{self.task}"

    def overdue(self, day: date) -> bool:
        return self.done < self.count and day > self.due

    def status(self, day: date) -> str:
        if self.done >= self.count:
            return "done"
        return "overdue" if self.overdue(day) else "open"


@dataclass(frozen=True)
class HazardItem:
    hazard: Hazard
    action: str  # fix | verify | watch (another unit's) | wait (for verification)

    def overdue(self, day: date) -> bool:
        return self.hazard.overdue(day)


@dataclass
class Checklist:
    person: Person
    day: date
    unit: OrgUnit | None
    tasks: list[CheckItem] = field(default_factory=list)
    hazards: list[HazardItem] = field(default_factory=list)
    later: set[str] = field(default_factory=set)  # "task_id|period" put off till tomorrow

    def put_off(self, item: CheckItem) -> bool:
        return f"{item.task_id}|{item.period}" in self.later

    @property
    def empty(self) -> bool:
        return not self.tasks and not self.hazards


class Checklists:
    def __init__(
        self,
        rulebook: Rulebook,
        schedule: Schedule,
        tasklog: TaskLog,
        ledger: HazardLedger,
        org: Org,
        grace_days: int = 31,
    ) -> None:
        self.rulebook = rulebook
        self.schedule = schedule
        self.tasklog = tasklog
        self.ledger = ledger
        self.org = org
        self.grace_days = grace_days
        self.figures = Figures(schedule, tasklog, ledger)

    def items(self, unit: OrgUnit, day: date, include_done: bool = False) -> list[CheckItem]:
        role = UNIT_ROLE.get(unit.kind)
        if role is None:
            return []
        instances = counted(self.schedule.due_instances(role, day, self.grace_days), unit)
        counts = self.tasklog.done_counts(unit.id, sorted({i.period.key for i in instances}))
        items = [self._item(unit, i, counts) for i in instances]
        items = [i for i in items if include_done or i.done < i.count]
        return sorted(items, key=lambda i: (not i.overdue(day), i.due, i.task_id))

    @staticmethod
    def _item(
        unit: OrgUnit, inst: TaskInstance, counts: dict[tuple[str, str, str], int]
    ) -> CheckItem:
        done = counts.get((inst.unit.code, inst.task.key, inst.period.key), 0)
        return CheckItem(
            code=inst.unit.code,
            task=inst.task.key,
            name=inst.task.name,
            period=inst.period.key,
            start=inst.period.start,
            due=inst.due,
            done=min(done, inst.task.count),
            count=inst.task.count,
            unit_id=unit.id,
            every=inst.task.every,
            window=inst.task.window is not None,
        )

    def for_person(self, person: Person, day: date) -> Checklist:
        unit = self.org.unit(person.unit_id)
        checklist = Checklist(person, day, unit)
        if unit is None:
            return checklist
        checklist.tasks = self.items(unit, day)
        checklist.hazards = self._hazards(person, unit, day)
        return checklist

    def for_unit(self, person: Person, unit: OrgUnit, day: date) -> Checklist:
        """A community's list as its street office sees it (fixes to verify first)."""
        checklist = Checklist(person, day, unit, self.items(unit, day))
        own = self.ledger.select([unit.id], (OPEN, FIXED))
        items = [HazardItem(h, "verify" if h.state == FIXED else "watch") for h in own]
        checklist.hazards = sorted(items, key=lambda i: (i.action != "verify", i.hazard.deadline))
        return checklist

    def snoozed_last(self, checklist: Checklist) -> Checklist:
        """Items the person put off (明天再提醒) go to the end until their day."""
        checklist.later = self.tasklog.snoozed(checklist.person.id, checklist.day)
        checklist.tasks.sort(key=checklist.put_off)
        return checklist

    def _hazards(self, person: Person, unit: OrgUnit, day: date) -> list[HazardItem]:
        if person.role == "officer":
            own = self.ledger.select([unit.id], (OPEN, FIXED))
            return [HazardItem(h, "fix" if h.state == OPEN else "wait") for h in own]
        ids = self.org.visible_unit_ids(person)
        items = []
        for hazard in self.ledger.select(ids, (OPEN, FIXED)):
            if hazard.state == FIXED:
                items.append(HazardItem(hazard, "verify"))
            else:
                items.append(HazardItem(hazard, "fix" if hazard.unit_id == unit.id else "watch"))
        order = {"verify": 0, "fix": 1, "watch": 2, "wait": 3}
        return sorted(
            items, key=lambda i: (not i.overdue(day), order[i.action], i.hazard.deadline)
        )

    def street_lines(self, street: OrgUnit, day: date) -> list[UnitFigures]:
        """The street's own figures and each community's, for the year so far."""
        start, end = date(day.year, 1, 1), date(day.year, 12, 31)
        units = [street, *self.org.children(street.id)]
        hazards = self.figures.hazards([u.id for u in units], start, end)
        return [self.figures.unit(u, day, start, end, hazards) for u in units]

    def status_of_code(self, person: Person, code: str, day: date) -> list[CheckItem]:
        """The asker's own items for a unit code (done ones included)."""
        unit = self.org.unit(person.unit_id)
        if unit is None:
            return []
        return [i for i in self.items(unit, day, include_done=True) if i.code == code]
