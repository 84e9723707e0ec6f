"""Completion reports (done / undo / snooze): from words, a proposal to confirm; from
/done CODE or a checklist button, a record at once.

Invariants: a record is in the database before the reply says 已记录; the same message or
button press is recorded once (its source id); a person records only for their own unit
and only the tasks of their role.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.chat import buttons
from bot.chat.buttons import Button
from bot.chat.payloads import DonePayload
from bot.chat.replies import Incoming, Reply
from bot.chat.understand import Understanding
from bot.errors import UserError
from bot.records.org import Person
from bot.schedule.periods import parse_period
from bot.schedule.wording import md, period_label
from bot.texts import t
from bot.workspace import Workspace
from knowledge.model import Task, Unit

MAX_CHOICES = 6


class TaskReports:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    # ---- from a message ---------------------------------------------------------------

    def done(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        ws = self.ws
        if u.error:
            return [Reply(t(u.error, code=u.codes[0] if u.codes else ""))]
        unit = ws.org.unit(person.unit_id)
        if unit is None or person.role not in ("officer", "street"):
            return [Reply(t("done.no_unit"))]
        day = date.fromisoformat(u.date) if u.date else ws.today()
        base = DonePayload.of(day, u.text, msg.source, msg.photos)
        if not u.tasks:
            units = [ws.rulebook.unit(c) for c in u.codes]
            loose = [x for x in units if x is not None and not x.tasks]
            if u.command and loose:
                return [
                    self.record_loose(person, loose[0], base.for_task(loose[0].code, u.period))
                ]
            if u.codes and u.command:
                return [Reply(t("done.not_your_role", code=u.codes[0]))]
            return [self.ask_task(person, base, msg)]
        if len(u.tasks) > 1:
            return [self.choose_task(person, base, msg, u.tasks)]
        if ":" not in u.tasks[0] and u.command and u.confidence >= 0.9:  # a code: at once
            item = ws.rulebook.unit(u.tasks[0])
            assert item is not None
            return [self.record_loose(person, item, base)]
        payload = base.for_task(u.tasks[0], u.period)
        if u.command and u.confidence >= 0.9:
            return [self.record(person, payload)]
        days = [date.fromisoformat(d) for d in u.days if d <= ws.today().isoformat()]
        return [self.confirm(person, payload, msg, days)]

    def confirm(
        self, person: Person, payload: DonePayload, msg: Incoming, days: list[date] | None = None
    ) -> Reply:
        """The reading to confirm with one tap; when the message named other days the work
        may have been done on, each is a choice too (its period is that day's, unless the
        message named the period)."""
        assert payload.task_id is not None
        if ":" not in payload.task_id:  # an item without a recurring task: evidence for it
            return self._confirm_loose(person, payload, msg, days or [])
        task_id = payload.task_id
        unit, task, period = self.task_instance(task_id, payload.day, payload.period)
        payload = payload.for_task(task_id, period)
        _, _, own = self.task_instance(task_id, payload.day)  # the day's own period
        other = [
            (d, self.task_instance(task_id, d)[2] if period == own else period) for d in days or []
        ]
        other = [(d, p) for d, p in other if p is not None]
        pending = self._pending(person, payload, msg, other)
        text = t(
            "done.confirm",
            code=unit.code,
            name=task.name,
            period=self.period_words(task, period),
            day=md(payload.day),
            photos=photos_words(payload),
        )
        if other:
            text += "\n" + t("done.which_day")
        labels = [  # the period beside a day whose period is another ("11月22日 做的（上周）")
            t("btn.confirm_day", day=md(d))
            + (t("btn.day_period", period=self.period_words(task, p)) if p != period else "")
            for d, p in other
        ]
        return Reply(
            text, confirm_rows(pending.id, t("btn.confirm_day", day=md(payload.day)), labels)
        )

    def _pending(
        self,
        person: Person,
        payload: DonePayload,
        msg: Incoming,
        other: list[tuple[date, str | None]],
    ) -> Any:
        choices = ["ok", *(f"day{i}" for i in range(len(other))), "other", "no"]
        days = [[d.isoformat(), p] for d, p in other]
        data = {**payload.to_json(), "choices": choices, "days": days}
        pending, _ = self.ws.pending.create(person.id, "confirm_done", data, msg.source)
        return pending

    def choose_task(
        self, person: Person, base: DonePayload, msg: Incoming, task_ids: list[str]
    ) -> Reply:
        options = task_ids[:MAX_CHOICES]
        choices = [*map(str, range(len(options))), "no"]
        pending, _ = self.ws.pending.create(
            person.id, "choose_task", {**base.offering(options).to_json(), "choices": choices},
            msg.source,
        )  # fmt: skip
        rows = []
        for i, option in enumerate(options):
            task_id, _, period = option.partition("|")
            found = self.ws.rulebook.task(task_id)
            loose = self.ws.rulebook.unit(task_id) if ":" not in task_id else None
            if loose is not None:
                rows.append((buttons.choice(t("btn.task", code=loose.code, name=loose.name),
                                            pending.id, i),))  # fmt: skip
            elif found:
                label = t("btn.task", code=found[0].code, name=found[1].name)
                if period:
                    label += t("btn.task_period", period=self.period_words(found[1], period))
                rows.append((buttons.choice(label, pending.id, i),))
        rows.append((buttons.choice(t("btn.cancel"), pending.id, "no"),))
        return Reply(t("done.which"), tuple(rows))

    def ask_task(self, person: Person, base: DonePayload, msg: Incoming) -> Reply:
        """Which of the person's open items the report is for."""
        unit = self.ws.org.unit(person.unit_id)
        assert unit is not None
        items = self.ws.checklists.items(unit, base.day)
        # an open instance is a task and its period ("the record of last month")
        options = [f"{i.task_id}|{i.period}" for i in items][:MAX_CHOICES]
        if not options:
            return Reply(t("done.which_none"))
        reply = self.choose_task(person, base, msg, options)
        return Reply(t("done.which_open"), reply.buttons)

    # ---- recording ----------------------------------------------------------------------

    def task_instance(
        self, task_id: str, day: date, period: str | None = None
    ) -> tuple[Unit, Task, str | None]:
        found = self.ws.rulebook.task(task_id)
        if found is None:
            raise UserError("done.unknown_code", code=task_id.split(":")[0])
        unit, task = found
        if period is None:
            inst = self.ws.schedule.instance(unit, task, day)
            if inst is None and task.window is not None:
                for year in (day.year, day.year - 1):
                    window = self.ws.schedule.window(task, year)
                    if window.start <= day:
                        period = window.key
                        break
            else:
                period = inst.period.key if inst else None
        return unit, task, period

    def _confirm_loose(
        self, person: Person, payload: DonePayload, msg: Incoming, days: list[date]
    ) -> Reply:
        assert payload.task_id is not None
        unit = self.ws.rulebook.unit(payload.task_id)
        if unit is None:
            raise UserError("done.unknown_code", code=payload.task_id)
        other = [(d, payload.period) for d in days]  # evidence: the period named, if any
        pending = self._pending(person, payload, msg, other)
        key = "done.confirm_street" if contributes(person, unit) else "done.confirm_loose"
        text = t(key, code=unit.code, name=unit.name, day=md(payload.day),
                 photos=photos_words(payload))  # fmt: skip
        if other:
            text += "\n" + t("done.which_day")
        labels = [t("btn.confirm_day", day=md(d)) for d in days]
        return Reply(
            text, confirm_rows(pending.id, t("btn.confirm_day", day=md(payload.day)), labels)
        )

    def record(self, person: Person, payload: DonePayload) -> Reply:
        assert payload.task_id is not None
        if ":" not in payload.task_id:
            unit = self.ws.rulebook.unit(payload.task_id)
            if unit is None:
                raise UserError("done.unknown_code", code=payload.task_id)
            return self.record_loose(person, unit, payload)
        day = payload.day
        unit, task, period = self.task_instance(payload.task_id, day, payload.period)
        if person.role not in task.roles:
            raise UserError("done.not_your_role", code=unit.code)
        if period is None:
            raise UserError("done.no_period", code=unit.code, name=task.name)
        assert person.unit_id is not None
        result = self.ws.tasklog.record(
            person,
            person.unit_id,
            unit.code,
            task.key,
            period,
            day,
            quota=task.count,
            note=payload.note,
            files=payload.evidence,
            source=payload.source,
        )
        key = "done.recorded_extra" if result.extra else "done.recorded"
        text = t(
            key,
            code=unit.code,
            name=task.name,
            period=self.period_words(task, period),
            done=min(result.done, task.count),
            count=task.count,
            day=md(day),
            photos=photos_words(payload),
            id=result.record_id,
        )
        return Reply(text, recorded=True, meta={"record_id": result.record_id})

    def record_loose(self, person: Person, unit: Unit, payload: DonePayload) -> Reply:
        """Evidence for a unit without scheduled tasks (events, standing duties), or a
        community's work towards one of the street's items (counted for the street)."""
        assert person.unit_id is not None
        if person.role not in unit.roles and not contributes(person, unit):
            raise UserError("done.not_your_role", code=unit.code)
        day = payload.day
        result = self.ws.tasklog.record(
            person,
            person.unit_id,
            unit.code,
            "",
            loose_period(payload.period, day),
            day,
            note=payload.note,
            files=payload.evidence,
            source=payload.source,
        )
        text = t(
            "done.recorded_street" if contributes(person, unit) else "done.recorded_loose",
            code=unit.code,
            name=unit.name,
            day=md(day),
            photos=photos_words(payload),
            id=result.record_id,
        )
        return Reply(text, recorded=True, meta={"record_id": result.record_id})

    def mark_done(self, person: Person, task_id: str, period: str, source: str) -> Reply:
        """A checklist button: the item is recorded for today at once."""
        payload = DonePayload(self.ws.today().isoformat(), source=source)
        return self.record(person, payload.for_task(task_id, period))

    # ---- taking back one's own last entry ------------------------------------------------

    def last_action(self, person: Person) -> tuple[str, dict] | None:
        """The person's latest record, hazard report or fix report that still stands:
        ("record" | "report" | "fix", its row)."""
        record = self.ws.tasklog.last_own(person)
        event = self.ws.ledger.last_own_event(person)
        if record is None and event is None:
            return None
        if event is None or (record is not None and record["created_at"] >= event["at"]):
            assert record is not None
            return "record", record
        return event["action"], event

    def undo(self, person: Person, offered: tuple[str, int] | None = None) -> Reply:
        """/undo: the latest own entry (or the one ``offered`` when asked in words), if made
        in the last minutes; audited."""
        last = self.last_action(person) if offered is None else self._own(person, *offered)
        if last is None:
            return Reply(t("undo.none"))
        kind, row = last
        made = datetime.fromisoformat(row["created_at"] if kind == "record" else row["at"])
        minutes = self.ws.settings.undo_minutes
        if datetime.now(made.tzinfo) - made > timedelta(minutes=minutes):
            return Reply(t("undo.too_late", minutes=minutes))
        if kind != "record":
            hazard = self.ws.ledger.take_back(person, row)
            return Reply(t(f"undo.hazard_{kind}", number=hazard.number), recorded=True)
        undone = self.ws.tasklog.undo_record(person, row["id"])
        if undone is None:
            return Reply(t("undo.none"))
        name, period = self.record_words(undone)
        return Reply(
            t("undo.done", code=undone["code"], name=name, period=period, id=undone["id"]),
            recorded=True,
        )

    def _own(self, person: Person, kind: str, row_id: int) -> tuple[str, dict] | None:
        """One of the person's own entries that still stands, by kind and id."""
        store = self.ws.store
        if kind == "record":
            row = store.one(
                "SELECT * FROM records WHERE id = ? AND person_id = ? AND undone_at IS NULL",
                [row_id, person.id],
            )
        else:
            row = store.one(
                "SELECT e.*, h.state FROM hazard_events e JOIN hazards h ON h.id = e.hazard_id "
                "WHERE e.id = ? AND e.person_id = ?",
                [row_id, person.id],
            )
        return (kind, row) if row else None

    def propose_undo(self, person: Person, msg: Incoming) -> Reply:
        """Taking back, asked in words: confirmed with one tap."""
        last = self.last_action(person)
        if last is None:
            return Reply(t("undo.none"))
        kind, row = last
        if kind == "record":
            name, period = self.record_words(row)
            what = t("undo.what.record", code=row["code"], id=row["id"], name=name, period=period)
        else:
            hazard = self.ws.ledger.get(row["hazard_id"])
            what = t(f"undo.what.{kind}", number=hazard.number if hazard else "")
        payload = {"choices": ["ok", "no"], "kind": kind, "id": row["id"]}  # what is offered
        pending, _ = self.ws.pending.create(person.id, "undo", payload, msg.source)
        rows = (
            (buttons.choice(t("btn.undo"), pending.id, "ok"),),
            (buttons.choice(t("btn.cancel"), pending.id, "no"),),
        )
        return Reply(t("undo.propose", what=what), rows)

    def snooze(self, person: Person, task_id: str, period: str) -> Reply:
        ws = self.ws
        found = ws.rulebook.task(task_id)
        if found is None:
            return Reply(t("choice.unknown"))
        until = (ws.today() + timedelta(days=1)).isoformat()
        with ws.store.write():
            ws.store.db.execute(
                "INSERT INTO snoozes (person_id, task_id, period, until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (person_id, task_id, period) DO UPDATE SET until = excluded.until",
                [person.id, task_id, period, until],
            )
        return Reply(t("push.snoozed", code=found[0].code, name=found[1].name))

    # ---- words --------------------------------------------------------------------------

    def record_words(self, row: dict[str, Any]) -> tuple[str, str]:
        """A record's task name (巡查检查, not just 4.2.3) and its period in words."""
        found = self.ws.rulebook.task(f"{row['code']}:{row['task']}")
        item = self.ws.rulebook.unit(row["code"])
        name = found[1].name if found else (item.name if item else "")
        return name, self.period_words(found[1], row["period"]) if found else ""

    def period_words(self, task: Task, period: str | None) -> str:
        if period is None:
            return ""
        start = end = None
        if task.window is not None and period[:4].isdigit():
            window = self.ws.schedule.window(task, int(period[:4]))
            start, end = window.start, window.end
        return period_label(
            period, task.every, task.window is not None, self.ws.today(), start, end
        )


def loose_period(key: str | None, day: date) -> str:
    """The period evidence without a task counts for: the one the report named ("10月份的
    …补报", "三季度的"), else the year of the day it was done."""
    if key:
        try:
            parse_period(key)
            return key
        except ValueError:
            pass
    return str(day.year)


def contributes(person: Person, unit: Unit) -> bool:
    """A community officer's work on one of the street's items (疏散场地, 应急物资 …): it
    is recorded for the officer's community and counted towards the street's item."""
    return person.role == "officer" and "officer" not in unit.roles and "street" in unit.roles


def photos_words(payload: DonePayload) -> str:
    n = len(payload.files)
    return t("done.photos", n=n) if n else ""


def confirm_rows(pending_id: int, first: str, other: list[str]) -> tuple[tuple[Button, ...], ...]:
    """确认 / 不是这项 / 取消 in one row; with other days, each day a row of its own (the
    proposed one first), then 不是这项 and 取消."""
    if not other:
        return (
            (
                buttons.choice(t("btn.confirm"), pending_id, "ok"),
                buttons.choice(t("btn.other_task"), pending_id, "other"),
                buttons.choice(t("btn.cancel"), pending_id, "no"),
            ),
        )
    rows: list[tuple[Button, ...]] = [(buttons.choice(first, pending_id, "ok"),)]
    rows += [(buttons.choice(label, pending_id, f"day{i}"),) for i, label in enumerate(other)]
    rows.append(
        (
            buttons.choice(t("btn.other_task"), pending_id, "other"),
            buttons.choice(t("btn.cancel"), pending_id, "no"),
        )
    )
    return tuple(rows)


def on_other_day(payload: DonePayload, pending_payload: dict, choice: str) -> DonePayload:
    """The report as confirmed on another day the message named (choice "dayN")."""
    index = int(choice[3:]) if choice[3:].isdigit() else -1
    days = pending_payload.get("days") or []
    if not 0 <= index < len(days):
        raise UserError("choice.unknown")
    day, period = days[index]
    return replace(payload, done_on=day, period=period)
