"""Progress figures for a street office: per community and for the street, over the current
week, month, quarter or year. Tasks due in the period, done, overdue; hazards reported,
handled, closed, overdue, 处理率 and on-time rate; the most overdue items by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.records.org import OrgUnit
from bot.schedule.figures import UnitFigures
from bot.schedule.periods import Period, TaskInstance, period_for
from bot.workspace import Workspace

__all__ = ["Report", "UnitFigures", "build_report", "instances_between", "report_text"]

SCOPES = {"周": "week", "week": "week", "本周": "week", "月": "month", "month": "month",
          "本月": "month", "季": "quarter", "季度": "quarter", "quarter": "quarter",
          "年": "year", "year": "year", "全年": "year", "今年": "year"}  # fmt: skip


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
    return ws.checklists.figures.instances(role, start, end)


def build_report(ws: Workspace, street: OrgUnit, scope: str, today: date) -> Report:
    """The street's and each community's figures over the scope's period (the same
    figures as the checklist's community lines: bot.schedule.figures)."""
    period = period_for(scope, today)
    figures = ws.checklists.figures
    units = [street, *ws.org.children(street.id)]
    hazards = figures.hazards([u.id for u in units], period.start, period.end)
    rows = [figures.unit(u, today, period.start, period.end, hazards) for u in units]
    total = figures.total(street, rows, hazards, today)
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
