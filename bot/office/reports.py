"""Progress figures for a street office: per community and for the street, over the current
week, month, quarter or year. Tasks due in the period, done, overdue; hazards reported,
handled, closed, overdue, 处理率 and on-time rate; the most overdue items by name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.records.hazards import Hazard
from bot.records.org import OrgUnit
from bot.schedule.checklist import UNIT_ROLE
from bot.schedule.periods import Period, TaskInstance, period_for
from bot.workspace import Workspace

SCOPES = {"周": "week", "week": "week", "本周": "week", "月": "month", "month": "month",
          "本月": "month", "季": "quarter", "季度": "quarter", "quarter": "quarter",
          "年": "year", "year": "year", "全年": "year", "今年": "year"}  # fmt: skip


@dataclass
class UnitFigures:
    unit: OrgUnit
    due: int = 0
    done: int = 0
    overdue: int = 0
    hazards: int = 0
    handled: int = 0
    closed: int = 0
    hazards_overdue: int = 0
    handling_rate: float = 1.0
    on_time_rate: float = 1.0
    worst: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, days late)

    @property
    def done_rate(self) -> float:
        return self.done / self.due if self.due else 1.0


@dataclass
class Report:
    street: OrgUnit
    scope: str
    period: Period
    today: date
    units: list[UnitFigures]
    total: UnitFigures
    most_overdue: list[tuple[str, str, str, int]]  # (unit, code, name, days late)


def scope_of(words: str) -> str:
    for word, scope in SCOPES.items():
        if word in words:
            return scope
    return "month"


def instances_between(ws: Workspace, role: str, start: date, end: date
                      ) -> list[TaskInstance]:  # fmt: skip
    """Every task instance of the role whose due date falls between start and end."""
    found: dict[tuple[str, str], TaskInstance] = {}
    for unit, task in ws.rulebook.tasks():
        if role not in task.roles:
            continue
        day = start
        while day <= end:
            inst = ws.schedule.instance(unit, task, day)
            if inst is not None and start <= inst.due <= end:
                found.setdefault((inst.task_id, inst.period.key), inst)
            day += timedelta(days=1)
    return sorted(found.values(), key=lambda i: (i.due, i.task_id))


def unit_figures(ws: Workspace, unit: OrgUnit, period: Period, today: date,
                 hazards: list[Hazard]) -> UnitFigures:  # fmt: skip
    figures = UnitFigures(unit)
    role = UNIT_ROLE.get(unit.kind)
    if role:
        instances = instances_between(ws, role, period.start, period.end)
        keys = sorted({i.period.key for i in instances})
        counts = ws.tasklog.done_counts(unit.id, keys)
        for inst in instances:
            figures.due += 1
            done = counts.get((inst.unit.code, inst.task.key, inst.period.key), 0)
            if done >= inst.task.count:
                figures.done += 1
            elif inst.due < today:
                figures.overdue += 1
                figures.worst.append((inst.unit.code, inst.task.name, (today - inst.due).days))
    own = [h for h in hazards if h.unit_id == unit.id]
    rates = ws.ledger.rates(own, today)
    figures.hazards, figures.handled = int(rates["reported"]), int(rates["handled"])
    figures.closed, figures.hazards_overdue = int(rates["closed"]), int(rates["overdue"])
    figures.handling_rate, figures.on_time_rate = rates["handling_rate"], rates["on_time_rate"]
    figures.worst.sort(key=lambda w: -w[2])
    return figures


def build_report(ws: Workspace, street: OrgUnit, scope: str, today: date) -> Report:
    period = period_for(scope, today)
    units = [street, *ws.org.children(street.id)]
    hazards = [
        h for h in ws.ledger.select([u.id for u in units])
        if period.start <= h.reported_on <= period.end or h.overdue(today)
    ]  # fmt: skip
    rows = [unit_figures(ws, u, period, today, hazards) for u in units]
    total = UnitFigures(street)
    for row in rows:
        for name in ("due", "done", "overdue", "hazards", "handled", "closed", "hazards_overdue"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    rates = ws.ledger.rates(hazards, today)
    total.handling_rate, total.on_time_rate = rates["handling_rate"], rates["on_time_rate"]
    worst = sorted(
        ((row.unit.name, code, name, days) for row in rows for code, name, days in row.worst),
        key=lambda w: -w[3],
    )
    return Report(street, scope, period, today, rows, total, worst[:3])


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def report_text(report: Report) -> str:
    from bot.schedule.wording import md
    from bot.texts import t

    lines = [
        t(
            "report.head",
            street=report.street.name,
            scope=t(f"report.scope.{report.scope}"),
            start=md(report.period.start),
            end=md(report.period.end),
        )
    ]
    for row in [*report.units, report.total]:
        name = t("report.total") if row is report.total else row.unit.name
        lines.append(
            t(
                "report.row",
                unit=name,
                due=row.due,
                done=row.done,
                overdue=row.overdue,
                rate=percent(row.done_rate),
            )
        )
        if row.hazards or row.hazards_overdue:
            lines.append(
                t(
                    "report.hazards",
                    hazards=row.hazards,
                    closed=row.closed,
                    overdue=row.hazards_overdue,
                    handling=percent(row.handling_rate),
                    on_time=percent(row.on_time_rate),
                )
            )
    if report.most_overdue:
        lines.append(t("report.worst_head"))
        for unit, code, name, days in report.most_overdue:
            lines.append(t("report.worst", unit=unit, code=code, name=name, days=days))
    return "\n".join(lines)
