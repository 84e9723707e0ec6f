"""Periods and task instances: which occurrence of a rulebook task a date belongs to.

Pure date arithmetic on the rulebook; what has been done is the caller's business.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from bot.schedule.holidays import WorkCalendar
from knowledge.model import Rulebook, Task, Unit, Window

EVERY = ("week", "month", "quarter", "year")
_KEY_FORMS = (
    ("week", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("year", re.compile(r"^(\d{4})$")),
)
_WINDOW_KEY = re.compile(r"^(\d{4})-(.+)$")


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


@dataclass(frozen=True)
class TaskInstance:
    unit: Unit
    task: Task
    period: Period
    due: date

    @property
    def task_id(self) -> str:
        return f"{self.unit.code}:{self.task.key}"


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, monthrange(year, month)[1])


def _week(iso_year: int, week: int) -> Period:
    start = date.fromisocalendar(iso_year, week, 1)
    return Period(f"{iso_year}-W{week:02d}", start, start + timedelta(days=6))


def _month(year: int, month: int) -> Period:
    return Period(f"{year}-{month:02d}", date(year, month, 1), month_end(year, month))


def _quarter(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    return Period(f"{year}-Q{quarter}", date(year, first, 1), month_end(year, first + 2))


def _year(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31))


def period_for(every: str, d: date) -> Period:
    if every == "week":
        iso = d.isocalendar()
        return _week(iso.year, iso.week)
    if every == "month":
        return _month(d.year, d.month)
    if every == "quarter":
        return _quarter(d.year, (d.month - 1) // 3 + 1)
    if every == "year":
        return _year(d.year)
    raise ValueError(f"unknown period {every!r} (expected one of {', '.join(EVERY)})")


def previous_period(every: str, period: Period) -> Period:
    return period_for(every, period.start - timedelta(days=1))


def parse_period(key: str) -> tuple[str, Period]:
    """``"2026-W48"``, ``"2026-11"``, ``"2026-Q4"`` or ``"2026"`` -> (every, period)."""
    for every, pattern in _KEY_FORMS:
        match = pattern.match(key)
        if match:
            try:
                return every, _build(every, *(int(g) for g in match.groups()))
            except ValueError:
                break
    raise ValueError(f"invalid period key {key!r}")


def _build(every: str, year: int, number: int = 0) -> Period:
    if every == "week":
        return _week(year, number)
    if every == "month":
        return _month(year, number)
    if every == "quarter":
        return _quarter(year, number)
    return _year(year)


def _on(year: int, mmdd: str) -> date:
    """MM-DD in ``year``; 02-29 becomes 02-28 in a common year."""
    month, day = (int(part) for part in mmdd.split("-"))
    return date(year, month, min(day, monthrange(year, month)[1]))


class Schedule:
    def __init__(self, rulebook: Rulebook, calendar: WorkCalendar) -> None:
        self.rulebook = rulebook
        self.calendar = calendar

    def window(self, task: Task, year: int) -> Period:
        """The task's window of ``year``; may start in the year before (元旦) or end after."""
        if task.window is None:
            raise ValueError(f"task {task.key!r} has no window")
        start, end = self._window_dates(task.window, year)
        return Period(f"{year}-{task.key}", start, end)

    def _window_dates(self, w: Window, year: int) -> tuple[date, date]:
        if w.kind == "month" and w.month is not None:
            return date(year, w.month, 1), month_end(year, w.month)
        if w.kind == "week_of" and w.date:
            start = _on(year, w.date)
            start -= timedelta(days=start.weekday())
            return start, start + timedelta(days=6)
        if w.kind == "days_from" and w.date and w.days:
            start = _on(year, w.date)
            return start, start + timedelta(days=w.days - 1)
        if w.kind == "range" and w.date and w.end:
            start, end = _on(year, w.date), _on(year, w.end)
            return start, end if end >= start else _on(year + 1, w.end)
        if w.kind == "festival" and w.festival:
            first = self.calendar.holiday_start(w.festival, year)
            return first - timedelta(days=w.before), first + timedelta(days=w.after)
        raise ValueError(f"incomplete window {w!r}")

    def _windows_near(self, task: Task, d: date) -> list[Period]:
        # A window of year y may start in y-1 (元旦) or run into y+1 (a late range).
        return [self.window(task, y) for y in (d.year - 1, d.year, d.year + 1)]

    def _make(self, unit: Unit, task: Task, period: Period) -> TaskInstance:
        due = period.end
        if task.window is None and task.every == "year" and task.due:
            due = _on(period.start.year, task.due)
        return TaskInstance(unit, task, period, due)

    def instance(self, unit: Unit, task: Task, d: date) -> TaskInstance | None:
        if task.window is None:
            return self._make(unit, task, period_for(task.every, d))
        period = next((w for w in self._windows_near(task, d) if d in w), None)
        return self._make(unit, task, period) if period else None

    def instance_for_key(self, unit: Unit, task: Task, key: str) -> TaskInstance | None:
        if task.window is not None:
            match = _WINDOW_KEY.match(key)
            if not match or match.group(2) != task.key or match.group(1) == "0000":
                return None
            return self._make(unit, task, self.window(task, int(match.group(1))))
        try:
            every, period = parse_period(key)
        except ValueError:
            return None
        return self._make(unit, task, period) if every == task.every else None

    def due_instances(self, role: str, d: date, grace_days: int = 31) -> list[TaskInstance]:
        """Current instances of the role's tasks, plus past ones still within the grace."""
        grace = timedelta(days=grace_days)
        found: list[TaskInstance] = []
        for unit, task in self.rulebook.tasks():
            if role in task.roles:
                found += self._due_for(unit, task, d, grace)
        return sorted(found, key=lambda i: (i.due, i.task_id, i.period.start))

    def due_between(self, role: str, start: date, end: date) -> list[TaskInstance]:
        """Every instance of the role's tasks whose due date falls between start and end
        (both included), walking period by period."""
        found: list[TaskInstance] = []
        for unit, task in self.rulebook.tasks():
            if role not in task.roles:
                continue
            if task.window is not None:
                periods = [self.window(task, y) for y in range(start.year - 1, end.year + 2)]
            else:
                periods, day = [], start - timedelta(days=366)
                while day <= end + timedelta(days=366):
                    periods.append(period_for(task.every, day))
                    day = periods[-1].end + timedelta(days=1)
            for period in periods:
                inst = self._make(unit, task, period)
                if start <= inst.due <= end:
                    found.append(inst)
        return sorted(found, key=lambda i: (i.due, i.task_id, i.period.start))

    def _due_for(self, unit: Unit, task: Task, d: date, grace: timedelta) -> list[TaskInstance]:
        if task.window is not None:
            windows = [w for w in self._windows_near(task, d) if w.start <= d <= w.end + grace]
            return [self._make(unit, task, w) for w in windows]
        current = period_for(task.every, d)
        previous = self._make(unit, task, previous_period(task.every, current))
        late = [previous] if d <= previous.due + grace else []
        return [self._make(unit, task, current), *late]
