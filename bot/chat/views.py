"""Phone-sized texts for checklists, hazards and records. Every line names its item code."""

from __future__ import annotations

from datetime import date

from bot.chat import buttons
from bot.chat.replies import Button
from bot.records.hazards import Hazard
from bot.records.org import Org
from bot.schedule.checklist import CheckItem, Checklist, HazardItem
from bot.schedule.figures import UnitFigures
from bot.schedule.wording import day_label, md, period_label
from bot.texts import t

MAX_TASK_LINES = 12
STREET_ITEMS = 8  # the street's own most urgent items on its phone-sized list


def item_line(item: CheckItem, today: date) -> str:
    label = period_label(item.period, item.every, item.window, today, item.start, item.due)
    return t(
        "todo.item",
        code=item.code,
        name=item.name,
        period=label,
        done=item.done,
        count=item.count,
        due=md(item.due),
    )


def hazard_line(hazard: Hazard, today: date, org: Org | None = None) -> str:
    where = ""
    if org is not None:
        unit = org.unit(hazard.unit_id)
        where = unit.name if unit else ""
    text = t(
        "hazard.line",
        code=hazard.code,
        number=hazard.number,
        state=hazard.state,
        deadline=md(hazard.deadline),
        what=_short(hazard.description, 18),
        where=where,
    )
    if hazard.overdue(today):
        text += t("hazard.overdue_mark")
    return text


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def checklist_text(checklist: Checklist, org: Org, limit: int = MAX_TASK_LINES) -> str:
    day = checklist.day
    unit = checklist.unit
    lines = [
        t(
            "todo.head",
            name=checklist.person.name,
            unit=unit.name if unit else "",
            day=day_label(day),
        )
    ]
    if checklist.empty:
        lines.append(t("todo.all_done"))
        return "\n".join(lines)
    now = [i for i in checklist.tasks if not checklist.put_off(i)]
    overdue = [i for i in now if i.overdue(day)]
    open_ = [i for i in now if not i.overdue(day)]
    later = [i for i in checklist.tasks if checklist.put_off(i)]
    shown = 0
    sections = ((t("todo.overdue"), overdue), (t("todo.open"), open_), (t("todo.later"), later))
    for title, items in sections:
        if not items:
            continue
        lines.append(title)
        for item in items:
            if shown >= limit:
                break
            lines.append(item_line(item, day))
            shown += 1
    if shown < len(checklist.tasks):
        lines.append(t("todo.more", n=len(checklist.tasks) - shown))
    if checklist.hazards:
        lines.append(t("todo.hazards"))
        for h in checklist.hazards[:8]:
            lines.append(t(f"todo.hazard_{h.action}", line=hazard_line(h.hazard, day, org)))
        if len(checklist.hazards) > 8:
            lines.append(t("todo.more_hazards", n=len(checklist.hazards) - 8))
    return "\n".join(lines)


def street_lines_text(lines: list[UnitFigures], limit: int = 10) -> str:
    """One line per unit, red first, then amber; past ``limit`` the rest are only counted."""
    order = {"red": 0, "amber": 1, "green": 2}
    lines = sorted(lines, key=lambda f: (order[f.color], -f.overdue, -f.open_hazards))
    shown, rest = lines[:limit], lines[limit:]
    out = [t("street.head")]
    for f in shown:
        out.append(
            t(
                f"street.{f.color}",
                unit=f.unit.name,
                overdue=f.overdue,
                soon=f.due_soon,
                hazards=f.open_hazards,
            )
        )
    if rest:
        out.append(t("street.rest", n=len(rest), red=sum(x.color == "red" for x in rest)))
    return "\n".join(out)


def street_text(checklist: Checklist, lines: list[UnitFigures], org: Org) -> str:
    """A street office's list on a phone: one line per community, then the street's own
    most urgent items (at most :data:`STREET_ITEMS`), then how to see everything."""
    day, unit = checklist.day, checklist.unit
    head = t("todo.head", name=checklist.person.name, unit=unit.name if unit else "",
             day=day_label(day))  # fmt: skip
    out = [head]
    if lines:
        out.append(street_lines_text(lines))
    own: list[tuple[tuple[bool, bool, date], str]] = [
        (
            (checklist.put_off(i), not i.overdue(day), i.due),
            _mark(i.overdue(day)) + item_line(i, day),
        )
        for i in checklist.tasks
    ]
    own += [
        ((False, not (h.overdue(day) or h.action == "verify"), h.hazard.deadline),
         t(f"todo.hazard_{h.action}", line=hazard_line(h.hazard, day, org)))
        for h in checklist.hazards if h.action in ("verify", "fix")
    ]  # fmt: skip
    urgent = sorted(own, key=lambda x: x[0])
    out.append(t("todo.street_own") if urgent else t("todo.street_own_none"))
    out += [line for _, line in urgent[:STREET_ITEMS]]
    hidden = len(urgent) > STREET_ITEMS or any(h.action == "watch" for h in checklist.hazards)
    if hidden:
        out.append(t("todo.say_more"))
    return "\n".join(out)


def _mark(overdue: bool) -> str:
    return t("todo.overdue_mark") if overdue else ""


def item_buttons(items: list[CheckItem], limit: int = 3) -> tuple[tuple[Button, ...], ...]:
    """Mark done / snooze / show requirement, for the first open items."""
    rows = []
    for item in items[:limit]:
        key = (item.task_id, item.period)
        rows.append(
            (
                buttons.button(
                    t("btn.done_item", code=item.code, name=item.name), buttons.MarkDone(*key)
                ),
                buttons.button(t("btn.snooze"), buttons.Snooze(*key)),
                buttons.button(t("btn.show_item"), buttons.ShowItem(item.code)),
            )
        )
    return tuple(rows)


def hazard_buttons(items: list[HazardItem], limit: int = 3) -> tuple[tuple[Button, ...], ...]:
    rows = []
    for item in items[:limit]:
        h = item.hazard
        if item.action == "verify":
            rows.append(
                (
                    buttons.button(t("btn.verify", seq=h.seq), buttons.Verify(h.id)),
                    buttons.button(t("btn.reject", seq=h.seq), buttons.Reject(h.id)),
                )
            )
    return tuple(rows)


def status_text(items: list[CheckItem], today: date, limit: int = 3) -> str | None:
    """The asker's own progress on an item: open ones first (most urgent), then done."""
    if not items:
        return None
    parts = []
    items = sorted(items, key=lambda i: (i.done >= i.count, i.due))[:limit]
    for item in items:
        label = period_label(item.period, item.every, item.window, today, item.start, item.due)
        state = t("status.done") if item.done >= item.count else t("status.open", due=md(item.due))
        parts.append(
            t(
                "status.part",
                name=item.name,
                period=label,
                done=item.done,
                count=item.count,
                state=state,
            )
        )
    return t("list.sep").join(parts)
