"""What is still open: a person's checklist (/todo), the hazards waiting for them
(/hazards) and, for the admin, every street at a glance. Reads only."""

from __future__ import annotations

from datetime import date

from bot.chat import views
from bot.chat.replies import Reply
from bot.records.hazards import FIXED, OPEN
from bot.records.org import Person
from bot.schedule.wording import day_label
from bot.texts import t
from bot.workspace import Workspace

ALL_WORDS = ("全部", "所有", "all", "完整")


def wants_all(text: str) -> bool:
    return any(word in text for word in ALL_WORDS)


class Todo:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def todo(self, person: Person, day: date | None = None, full: bool = False) -> Reply:
        ws = self.ws
        day = day or ws.today()
        if person.role == "admin" or person.unit_id is None:
            return self.admin_overview(day)
        checklist = ws.checklists.for_person(person, day)
        limit = 200 if full else views.MAX_TASK_LINES
        text = views.checklist_text(checklist, ws.org, limit=limit)
        if person.role == "street":
            unit = ws.org.unit(person.unit_id)
            assert unit is not None
            text += "\n" + views.street_lines_text(ws.checklists.street_lines(unit, day)[1:])
        buttons = views.item_buttons(checklist.tasks) + views.hazard_buttons(checklist.hazards)
        return Reply(text, buttons)

    def admin_overview(self, day: date) -> Reply:
        ws = self.ws
        lines = [t("admin.overview", day=day_label(day))]
        for street in [u for u in ws.org.units() if u.kind == "street"]:
            lines.append(f"{street.name}")
            lines.append(views.street_lines_text(ws.checklists.street_lines(street, day)))
        return Reply("\n".join(lines))

    def hazards(self, person: Person) -> Reply:
        ws = self.ws
        day = ws.today()
        if person.role == "admin":
            hazards = ws.ledger.select(ws.org.visible_unit_ids(person), (OPEN, FIXED))
            lines = [views.hazard_line(h, day, ws.org) for h in hazards[:20]]
            return Reply("\n".join([t("hazards.head"), *lines]) if hazards else t("hazards.none"))
        items = ws.checklists.for_person(person, day).hazards
        if not items:
            return Reply(t("hazards.none"))
        lines = [t("hazards.head")]
        lines += [
            t(f"todo.hazard_{i.action}", line=views.hazard_line(i.hazard, day, ws.org))
            for i in items[:20]
        ]
        return Reply("\n".join(lines), views.hazard_buttons(items, limit=5))
