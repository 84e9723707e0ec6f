"""A task's schedule in words (每月1次, 年底前, 5月12日所在的一周), from the rulebook alone: light
to import (the rulebook answer needs it, and `gridsafe ask` starts fast)."""

from __future__ import annotations

from bot.texts import t
from knowledge.model import Task, Window


def describe_window(window: Window) -> str:
    if window.kind == "month":
        return t("sched.window.month", month=window.month)
    month, day = _md(window.date)
    if window.kind == "week_of":
        return t("sched.window.week_of", month=month, day=day)
    if window.kind == "days_from":
        return t("sched.window.days_from", month=month, day=day, days=window.days)
    if window.kind == "range":
        m2, d2 = _md(window.end)
        return t("sched.window.range", m1=month, d1=day, m2=m2, d2=d2)
    return t("sched.window.festival", festival=window.festival, before=window.before)


def describe_task(task: Task) -> str:
    if task.window is not None:
        return describe_window(task.window)
    text = t("sched.every", period=t(f"period.{task.every}"), count=task.count)
    if task.every == "year":
        if task.due:
            month, day = _md(task.due)
            text += t("sched.due", month=month, day=day)
        else:
            text += t("sched.year_end")
    return text


def _md(mmdd: str | None) -> tuple[int, int]:
    month, day = (mmdd or "12-31").split("-")
    return int(month), int(day)
