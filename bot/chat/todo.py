"""What is still open: a person's checklist (/todo), the hazards waiting for them
(/hazards) and, for the admin, every street at a glance. Reads only.

A street office's list fits a phone: one line per community, then its own most urgent
items; "更多" (or /todo 全部) shows everything, and a community named in the message
("金色社区还有啥没做", /todo 金色社区) shows that community's list."""

from __future__ import annotations

import re
from datetime import date

from bot.chat import views
from bot.chat.replies import Reply
from bot.records.hazards import FIXED, OPEN
from bot.records.org import OrgUnit, Person, name_key
from bot.schedule.wording import day_label
from bot.texts import t
from bot.workspace import Workspace

ALL_WORDS = ("全部", "所有", "all", "完整", "更多")

_NAMED = re.compile(r"[\u4e00-\u9fff]{2,10}(社区|村委会|村|街道)")
_NOT_A_NAME = ("各", "哪", "每", "本", "我", "所有", "全部", "这", "那")


def _names(unit: OrgUnit) -> list[str]:
    """How people write a community's name: in full, without a bracketed note such as
    （示例）, or short (金色 for 金色社区)."""
    full = name_key(unit.name)
    bare = re.sub(r"\(.*?\)", "", full)
    short = re.sub(r"(街道|社区|村委会|管委会)$", "", bare)
    return [n for n in (full, bare, short) if len(n) >= 2]


def wants_all(text: str) -> bool:
    return any(word in text for word in ALL_WORDS)


class Todo:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def todo(
        self, person: Person, day: date | None = None, full: bool = False, text: str = ""
    ) -> Reply:
        ws = self.ws
        day = day or ws.today()
        if person.role == "admin" or person.unit_id is None:
            return self.admin_overview(day)
        unit = ws.org.unit(person.unit_id)
        assert unit is not None
        if person.role == "street" and (named := self._community(unit, text)):
            return named if isinstance(named, Reply) else self._community_list(person, named)
        checklist = ws.checklists.snoozed_last(ws.checklists.for_person(person, day))
        if person.role == "street":
            lines = ws.checklists.street_lines(unit, day)[1:]
            if full:  # the head, every community, then every item of its own
                head, _, own = views.checklist_text(checklist, ws.org, limit=200).partition("\n")
                text = "\n".join([head, views.street_lines_text(lines, limit=200), own])
            else:
                text = views.street_text(checklist, lines, ws.org)
        else:
            limit = 200 if full else views.MAX_TASK_LINES
            text = views.checklist_text(checklist, ws.org, limit=limit)
        buttons = views.item_buttons(checklist.tasks) + views.hazard_buttons(checklist.hazards)
        return Reply(text, buttons)

    def _community(self, street: OrgUnit, text: str) -> OrgUnit | Reply | None:
        """The community of the street named in the words, if any."""
        words = name_key(text)
        if not words or wants_all(words):
            return None
        for child in self.ws.org.children(street.id):
            if any(name in words for name in _names(child)):
                return child
        found = _NAMED.search(words)
        if found and not found.group(0).startswith(_NOT_A_NAME):
            other = self.ws.org.unit_named(found.group(0))
            if other is None or other.id != street.id:
                return Reply(t("todo.no_such_unit", name=found.group(0)))
        return None

    def _community_list(self, person: Person, unit: OrgUnit) -> Reply:
        ws = self.ws
        checklist = ws.checklists.for_unit(person, unit, ws.today())
        text = views.checklist_text(checklist, ws.org, limit=200)
        return Reply(text, views.hazard_buttons(checklist.hazards))

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
