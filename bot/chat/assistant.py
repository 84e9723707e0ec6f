"""The assistant: one entry point for every channel. ``handle`` takes a message (text and/or
photos) from a person and returns replies; ``press`` takes a chosen button.

Every accepted report is written to the database before a reply says it is recorded;
the same message delivered twice (same source id) is stored once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.chat import views
from bot.chat.answers import answer
from bot.chat.commands import for_role
from bot.chat.replies import Attachment, Button, Notice, Reply
from bot.chat.understand import Understander, Understanding
from bot.errors import UserError
from bot.library import Library
from bot.records.evidence import EvidenceFile
from bot.records.hazards import CLOSED, FIXED, OPEN, Hazard, HazardLedger
from bot.records.org import GUEST, Org, OrgUnit, Person
from bot.records.pending import Pending, PendingStore
from bot.records.store import Store
from bot.records.tasklog import TaskLog
from bot.records.unanswered import UnansweredLog, open_questions_text, parse_teach
from bot.schedule.checklist import Checklists
from bot.schedule.holidays import WorkCalendar
from bot.schedule.periods import Schedule
from bot.settings import Settings
from bot.texts import t
from knowledge.loader import RulebookError
from knowledge.model import Task, Unit
from knowledge.phrasings import add_phrasing, phrasings_path

ROLE_WORDS = {
    "officer": "officer",
    "专干": "officer",
    "网格员": "officer",
    "street": "street",
    "街道": "street",
    "安办": "street",
    "admin": "admin",
    "管理员": "admin",
}
MAX_CHOICES = 6
UNANSWERED_DAYS = 30


@dataclass(frozen=True)
class Incoming:
    channel: str
    user_id: str
    chat_id: str
    message_id: str | None = None
    text: str = ""
    photos: tuple[EvidenceFile, ...] = ()
    display_name: str = ""
    is_group: bool = False

    @property
    def source(self) -> str | None:
        if self.message_id is None:
            return None
        return f"{self.channel}:{self.chat_id}:{self.message_id}"


class Assistant:
    def __init__(
        self,
        settings: Settings,
        library: Library,
        store: Store,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock or (lambda: datetime.now(settings.timezone))
        self.org = Org(store)
        self.pending = PendingStore(store)
        self.calendar = WorkCalendar(settings.extra_holidays, settings.extra_workdays)
        self.use(library)

    def use(self, library: Library) -> None:
        """Put a rulebook in force. Records keep the rulebook they were made under, so
        last year's records stay as they were and do not count for the new rules."""
        self.library = library
        self.rulebook = library.rulebook
        self.tasklog = TaskLog(self.store, self.rulebook.id)
        self.ledger = HazardLedger(
            self.store,
            self.org,
            self.rulebook.id,
            self.settings.hazard_days,
            self.settings.reporter_closes_general,
        )
        self.schedule = Schedule(self.rulebook, self.calendar)
        self.checklists = Checklists(
            self.rulebook,
            self.schedule,
            self.tasklog,
            self.ledger,
            self.org,
            self.settings.overdue_days,
        )
        self.understander = Understander(self.rulebook, library.index, library.search)
        self.unanswered = UnansweredLog(self.store, self.rulebook.id)

    # ---- entry points ---------------------------------------------------------------

    def today(self) -> date:
        return self.clock().astimezone(self.settings.timezone).date()

    def person_of(self, msg: Incoming) -> Person:
        return self.org.person_for_account(msg.channel, msg.user_id) or GUEST

    def handle(self, msg: Incoming) -> list[Reply]:
        if len(msg.text) > self.settings.max_message_chars:
            return [Reply(t("msg.too_long", n=len(msg.text), max=self.settings.max_message_chars))]
        person = self.person_of(msg)
        if person.id and not person.active:
            return [Reply(t("person.inactive"))]
        if person.id and self.store.one(
            "SELECT 1 FROM accounts WHERE channel = ? AND external_id = ? "
            "AND blocked_at IS NOT NULL",
            [msg.channel, msg.user_id],
        ):
            self.org.set_blocked(msg.channel, msg.user_id, False)
        try:
            return self._handle(person, msg)
        except UserError as error:
            return [Reply(error.text)]

    def press(self, msg: Incoming, data: str) -> list[Reply]:
        """A button was chosen; ``data`` is the button's data."""
        person = self.person_of(msg)
        try:
            return self._press(person, msg, data)
        except UserError as error:
            return [Reply(error.text)]

    def understand(self, text: str, role: str, has_photo: bool = False) -> Understanding:
        return self.understander.understand(text, role, has_photo, self.today(), self._period_of)

    def _period_of(self, unit: Unit, task: Task, day: date) -> str | None:
        inst = self.schedule.instance(unit, task, day)
        return inst.period.key if inst else None

    # ---- dispatch -------------------------------------------------------------------

    def _handle(self, person: Person, msg: Incoming) -> list[Reply]:
        text = msg.text.strip()
        if not text and not msg.photos:
            return [Reply(t("msg.empty"))]
        if person.id and not text.startswith("/"):
            awaiting = self.pending.awaiting(person.id)
            if awaiting is not None:
                return self._answer_awaiting(person, msg, awaiting)
        u = self.understand(text, person.role if person.id else "", bool(msg.photos))
        if u.command and u.intent == "command":
            return self._command(person, msg, u.command, u.text)
        if u.intent == "start":
            return self._start(person, msg, u.text)
        if u.intent == "help":
            return [self.help(person)]
        if u.intent == "question":
            return [self._question(person, u.text or text, public=msg.is_group)]
        if not person.id:
            # A guest can only ask, so a bare keyword ("安康杯") is a question to them, and
            # so is one about a topic the rulebook does not cover ("年假怎么请").
            if u.intent == "unclear" and not msg.photos and self._asks_rulebook(text):
                return [self._question(person, text, public=msg.is_group)]
            return [Reply(t("guest.need_invite"))]
        handler = {
            "checklist": lambda: [self.todo(person, full=_wants_all(u.text))],
            "done": lambda: self._done(person, msg, u),
            "hazard": lambda: self._hazard(person, msg, u),
            "fix": lambda: self._fix(person, msg, u),
        }.get(u.intent)
        return handler() if handler else self._unclear(person, msg, u)

    def _command(self, person: Person, msg: Incoming, name: str, args: str) -> list[Reply]:
        if name == "settings":
            return [self.settings_reply(person, args)]
        if name in ("units", "unit", "invite", "rulebook", "unanswered", "teach"):
            return [self.admin_reply(person, name, args)]
        if not person.id:
            return [Reply(t("guest.need_invite"))]
        commands: dict[str, Callable[[], list[Reply]]] = {
            "undo": lambda: [self._undo(person)],
            "hazards": lambda: [self.hazards_reply(person)],
            "verify": lambda: [self._verify_cmd(person, msg, args)],
            "reject": lambda: [self._reject_cmd(person, msg, args)],
            "report": lambda: self.report_replies(person, args),
            "export": lambda: self.export_replies(person, args),
        }
        if name not in commands:
            return [Reply(t("msg.unknown_command", name=name))]
        return commands[name]()

    # ---- registration and help ----------------------------------------------------

    def _start(self, person: Person, msg: Incoming, code: str) -> list[Reply]:
        if not code:
            return [self.help(person)]
        if person.id:
            return [Reply(t("org.already_bound"))]
        new = self.org.redeem(code, msg.channel, msg.user_id, msg.chat_id, msg.display_name)
        unit = self.org.unit(new.unit_id)
        return [
            Reply(
                t(
                    "org.welcome",
                    name=new.name,
                    role=t(f"role.{new.role}"),
                    unit=unit.name if unit else "",
                )
            ),
            self.help(new),
        ]

    def help(self, person: Person) -> Reply:
        role = person.role if person.id else "guest"
        lines = [t(f"help.head.{role}")]
        lines += [t(f"cmd.{c.name}.help") for c in for_role(role)]
        lines.append(t(f"help.tail.{role}"))
        return Reply("\n".join(lines), public=True)

    # ---- questions ------------------------------------------------------------------

    def _question(self, person: Person, text: str, public: bool = False) -> Reply:
        """The rulebook's answer; in a group chat (public) without the asker's own status."""
        result = self.library.search(text)
        if person.id and not result.found and result.mode == "none" and not result.unknown_ref:
            self.unanswered.record(person.id, text, result.offtopic)
        status = {}
        if person.id and result.found and not public:
            for code in result.codes[:1]:
                items = self.checklists.status_of_code(person, code, self.today())
                line = views.status_text(items, self.today())
                if line:
                    status[code] = line
        reply = answer(self.rulebook, self.library.index, result, status)
        return replace(reply, public=public)

    # ---- checklists -----------------------------------------------------------------

    def todo(self, person: Person, day: date | None = None, full: bool = False) -> Reply:
        day = day or self.today()
        if person.role == "admin" or person.unit_id is None:
            return self._admin_overview(day)
        checklist = self.checklists.for_person(person, day)
        text = views.checklist_text(
            checklist, self.org, limit=200 if full else views.MAX_TASK_LINES
        )
        if person.role == "street":
            unit = self.org.unit(person.unit_id)
            assert unit is not None
            text += "\n" + views.street_lines_text(self.checklists.street_lines(unit, day)[1:])
        buttons = views.item_buttons(checklist.tasks) + views.hazard_buttons(checklist.hazards)
        return Reply(text, buttons)

    def _admin_overview(self, day: date) -> Reply:
        lines = [t("admin.overview", day=views.day_label(day))]
        for street in [u for u in self.org.units() if u.kind == "street"]:
            lines.append(f"{street.name}")
            lines.append(views.street_lines_text(self.checklists.street_lines(street, day)))
        return Reply("\n".join(lines))

    def hazards_reply(self, person: Person) -> Reply:
        day = self.today()
        if person.role == "admin":
            hazards = self.ledger.select(self.org.visible_unit_ids(person), (OPEN, FIXED))
            lines = [views.hazard_line(h, day, self.org) for h in hazards[:20]]
            return Reply("\n".join([t("hazards.head"), *lines]) if hazards else t("hazards.none"))
        items = self.checklists.for_person(person, day).hazards
        if not items:
            return Reply(t("hazards.none"))
        lines = [t("hazards.head")]
        lines += [
            t(f"todo.hazard_{i.action}", line=views.hazard_line(i.hazard, day, self.org))
            for i in items[:20]
        ]
        return Reply("\n".join(lines), views.hazard_buttons(items, limit=5))

    # ---- done reports ---------------------------------------------------------------

    def _done(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        if u.error:
            return [Reply(t(u.error, code=u.codes[0] if u.codes else ""))]
        unit = self.org.unit(person.unit_id)
        if unit is None or person.role not in ("officer", "street"):
            return [Reply(t("done.no_unit"))]
        day = date.fromisoformat(u.date) if u.date else self.today()
        base = {
            "done_on": day.isoformat(),
            "note": u.text[:200],
            "source": msg.source,
            "files": _files_json(msg.photos),
        }
        if not u.tasks:
            units = [self.rulebook.unit(c) for c in u.codes]
            loose = [x for x in units if x is not None and not x.tasks]
            if u.command and loose:
                return [self._record_loose(person, loose[0], day, base, msg)]
            if u.codes and u.command:
                return [Reply(t("done.not_your_role", code=u.codes[0]))]
            return [self._ask_task(person, base, msg, day)]
        if len(u.tasks) > 1:
            return [self._choose_task(person, base, msg, u.tasks, day)]
        payload = {**base, "task_id": u.tasks[0], "period": u.period}
        if u.command and u.confidence >= 0.9:
            return [self._record(person, payload)]
        return [self._confirm(person, payload, msg)]

    def _task_instance(
        self, task_id: str, day: date, period: str | None = None
    ) -> tuple[Unit, Task, str | None]:
        found = self.rulebook.task(task_id)
        if found is None:
            raise UserError("done.unknown_code", code=task_id.split(":")[0])
        unit, task = found
        if period is None:
            inst = self.schedule.instance(unit, task, day)
            if inst is None and task.window is not None:
                for year in (day.year, day.year - 1):
                    window = self.schedule.window(task, year)
                    if window.start <= day:
                        period = window.key
                        break
            else:
                period = inst.period.key if inst else None
        return unit, task, period

    def _confirm(self, person: Person, payload: dict[str, Any], msg: Incoming) -> Reply:
        unit, task, period = self._task_instance(
            payload["task_id"], date.fromisoformat(payload["done_on"]), payload.get("period")
        )
        payload = {**payload, "period": period}
        pending, _ = self.pending.create(person.id, "confirm_done", payload, msg.source)
        text = t(
            "done.confirm",
            code=unit.code,
            name=task.name,
            period=self._period_words(task, period),
            day=views.md(date.fromisoformat(payload["done_on"])),
            photos=self._photos_words(payload),
        )
        return Reply(
            text,
            (
                (
                    Button(t("btn.confirm"), f"p:{pending.id}:ok"),
                    Button(t("btn.other_task"), f"p:{pending.id}:other"),
                    Button(t("btn.cancel"), f"p:{pending.id}:no"),
                ),
            ),
        )

    def _period_words(self, task: Task, period: str | None) -> str:
        if period is None:
            return ""
        start = end = None
        if task.window is not None and period[:4].isdigit():
            window = self.schedule.window(task, int(period[:4]))
            start, end = window.start, window.end
        label = views.period_label(
            period, task.every, task.window is not None, self.today(), start, end
        )
        return label or period

    @staticmethod
    def _photos_words(payload: dict[str, Any]) -> str:
        n = len(payload.get("files") or [])
        return t("done.photos", n=n) if n else ""

    def _choose_task(
        self, person: Person, base: dict[str, Any], msg: Incoming, task_ids: list[str], day: date
    ) -> Reply:
        options = task_ids[:MAX_CHOICES]
        pending, _ = self.pending.create(
            person.id, "choose_task", {**base, "options": options}, msg.source
        )
        rows = []
        for i, option in enumerate(options):
            task_id, _, period = option.partition("|")
            found = self.rulebook.task(task_id)
            if found:
                label = t("btn.task", code=found[0].code, name=found[1].name)
                if period:
                    label += t("btn.task_period", period=self._period_words(found[1], period))
                rows.append((Button(label, f"p:{pending.id}:{i}"),))
        rows.append((Button(t("btn.cancel"), f"p:{pending.id}:no"),))
        return Reply(t("done.which"), tuple(rows))

    def _ask_task(self, person: Person, base: dict[str, Any], msg: Incoming, day: date) -> Reply:
        unit = self.org.unit(person.unit_id)
        assert unit is not None
        items = self.checklists.items(unit, day)
        # an open instance is a task and its period ("the record of last month")
        options = [f"{i.task_id}|{i.period}" for i in items][:MAX_CHOICES]
        if not options:
            return Reply(t("done.which_none"))
        reply = self._choose_task(person, base, msg, options, day)
        return Reply(t("done.which_open"), reply.buttons)

    def _record(self, person: Person, payload: dict[str, Any]) -> Reply:
        day = date.fromisoformat(payload["done_on"])
        unit, task, period = self._task_instance(payload["task_id"], day, payload.get("period"))
        if person.role not in task.roles:
            raise UserError("done.not_your_role", code=unit.code)
        if period is None:
            raise UserError("done.no_period", code=unit.code, name=task.name)
        files = [EvidenceFile(**f) for f in payload.get("files") or []]
        assert person.unit_id is not None
        result = self.tasklog.record(
            person,
            person.unit_id,
            unit.code,
            task.key,
            period,
            day,
            quota=task.count,
            note=payload.get("note", ""),
            files=files,
            source=payload.get("source"),
        )
        key = "done.recorded_extra" if result.extra else "done.recorded"
        text = t(
            key,
            code=unit.code,
            name=task.name,
            period=self._period_words(task, period),
            done=min(result.done, task.count),
            count=task.count,
            day=views.md(day),
            photos=self._photos_words(payload),
            id=result.record_id,
        )
        return Reply(text, recorded=True, meta={"record_id": result.record_id})

    def _record_loose(
        self, person: Person, unit: Unit, day: date, base: dict[str, Any], msg: Incoming
    ) -> Reply:
        """Evidence for a unit without scheduled tasks (events, standing duties)."""
        assert person.unit_id is not None
        if person.role not in unit.roles:
            raise UserError("done.not_your_role", code=unit.code)
        files = [EvidenceFile(**f) for f in base.get("files") or []]
        result = self.tasklog.record(
            person,
            person.unit_id,
            unit.code,
            "",
            str(day.year),
            day,
            note=base.get("note", ""),
            files=files,
            source=msg.source,
        )
        text = t(
            "done.recorded_loose",
            code=unit.code,
            name=unit.name,
            day=views.md(day),
            photos=self._photos_words(base),
            id=result.record_id,
        )
        return Reply(text, recorded=True, meta={"record_id": result.record_id})

    def _undo(self, person: Person) -> Reply:
        last = self.tasklog.undo_last(person)
        if last is None:
            return Reply(t("undo.none"))
        return Reply(t("undo.done", code=last["code"], period=last["period"], id=last["id"]))

    # ---- hazards --------------------------------------------------------------------

    def _hazard(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        description = (u.text or "").strip()
        if not description:
            if msg.photos:
                payload = {"files": _files_json(msg.photos), "source": msg.source}
                self.pending.create(person.id, "await_hazard_text", payload, msg.source)
                return [Reply(t("hazard.ask_text"))]
            return [Reply(t("hazard.need_text"))]
        return [self._report_hazard(person, description, u, list(msg.photos), msg.source)]

    def _report_hazard(
        self,
        person: Person,
        description: str,
        u: Understanding | None,
        files: list[EvidenceFile],
        source: str | None,
    ) -> Reply:
        day = date.fromisoformat(u.date) if u and u.date else self.today()
        result = self.ledger.report(
            person,
            description,
            day,
            severity=(u.severity if u else None) or "一般",
            place=u.place if u else "",
            enterprise=u.enterprise if u else "",
            files=files,
            source=source,
        )
        h = result.hazard
        text = t(
            "hazard.recorded",
            code=h.code,
            number=h.number,
            severity=h.severity,
            deadline=views.md(h.deadline),
            seq=h.seq,
            photos=t("done.photos", n=len(files)) if files else "",
        )
        if not files:
            text += "\n" + t("hazard.photo_hint", seq=h.seq)
        notify = self._notify_street(
            h,
            t("hazard.notify_new", number=h.number, what=h.description[:40], severity=h.severity),
        )
        return Reply(text, recorded=True, notices=notify, meta={"hazard_id": h.id})

    def _fix(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        if u.hazard is None:
            return [self._choose_hazard(person, msg)]
        hazard = self.ledger.find(person, u.hazard, self.today())
        day = date.fromisoformat(u.date) if u.date else self.today()
        return [self._fix_hazard(person, hazard, list(msg.photos), msg.source, day, u.text)]

    def _choose_hazard(self, person: Person, msg: Incoming) -> Reply:
        hazards = self.ledger.select(self.org.visible_unit_ids(person), (OPEN,))
        if person.role == "officer":
            hazards = [h for h in hazards if h.unit_id == person.unit_id]
        if not hazards:
            return Reply(t("hazard.none_open"))
        options = [h.id for h in hazards[:MAX_CHOICES]]
        payload = {
            "options": options,
            "files": _files_json(msg.photos),
            "source": msg.source,
        }
        pending, _ = self.pending.create(person.id, "choose_hazard", payload, msg.source)
        rows = [
            (
                Button(
                    t("btn.hazard", number=h.number, what=h.description[:12]),
                    f"p:{pending.id}:{i}",
                ),
            )
            for i, h in enumerate(hazards[:MAX_CHOICES])
        ]
        rows.append((Button(t("btn.cancel"), f"p:{pending.id}:no"),))
        return Reply(t("hazard.which"), tuple(rows))

    def _verify(self, person: Person, hazard: Hazard, source: str | None) -> Reply:
        h = self.ledger.verify(person, hazard, self.today(), source=source).hazard
        notify = self._notify_unit(h, t("hazard.notify_verified", number=h.number))
        return Reply(
            t("hazard.verified", code=h.code, number=h.number),
            recorded=True,
            notices=notify,
            meta={"hazard_id": h.id},
        )

    def _verify_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        if not args.strip():
            return self.hazards_reply(person)
        hazard = self.ledger.find(person, args.split()[0], self.today())
        return self._verify(person, hazard, msg.source)

    def _reject_cmd(self, person: Person, msg: Incoming, args: str) -> Reply:
        parts = args.split(maxsplit=1)
        if not parts:
            return Reply(t("hazard.reject_usage"))
        hazard = self.ledger.find(person, parts[0], self.today())
        reason = parts[1] if len(parts) > 1 else ""
        h = self.ledger.reject(person, hazard, reason, source=msg.source).hazard
        notify = self._notify_unit(h, t("hazard.notify_rejected", number=h.number, reason=reason))
        return Reply(
            t("hazard.rejected", code=h.code, number=h.number, reason=reason),
            recorded=True,
            notices=notify,
            meta={"hazard_id": h.id},
        )

    def _notify_street(
        self, hazard: Hazard, text: str, verify: bool = False
    ) -> tuple[Notice, ...]:
        buttons: tuple[tuple[Button, ...], ...] = ()
        if verify:
            buttons = (
                (
                    Button(t("btn.verify", seq=hazard.seq), f"v:{hazard.id}"),
                    Button(t("btn.reject", seq=hazard.seq), f"r:{hazard.id}"),
                ),
            )
        people = [p for p in self.org.people_of_unit(hazard.street_id) if p.role == "street"]
        return tuple(Notice(p.id, Reply(text, buttons)) for p in people)

    def _notify_unit(self, hazard: Hazard, text: str) -> tuple[Notice, ...]:
        return tuple(
            Notice(p.id, Reply(text))
            for p in self.org.people_of_unit(hazard.unit_id)
            if p.role in ("officer", "street")
        )

    # ---- unclear and follow-ups ------------------------------------------------------

    def _unclear(self, person: Person, msg: Incoming, u: Understanding) -> list[Reply]:
        if msg.photos and not msg.text.strip():
            payload: dict[str, Any] = {"files": _files_json(msg.photos), "source": msg.source}
            pending, _ = self.pending.create(person.id, "photo_kind", payload, msg.source)
            return [
                Reply(
                    t("unclear.photo"),
                    (
                        (Button(t("btn.photo_done"), f"p:{pending.id}:done"),),
                        (Button(t("btn.photo_hazard"), f"p:{pending.id}:hazard"),),
                        (Button(t("btn.photo_fix"), f"p:{pending.id}:fix"),),
                    ),
                )
            ]
        if self.understander.generic_done(msg.text) and person.role in ("officer", "street"):
            base = {
                "done_on": self.today().isoformat(),
                "note": msg.text[:200],
                "source": msg.source,
                "files": _files_json(msg.photos),
            }
            return [self._ask_task(person, base, msg, self.today())]
        result = self.library.search(msg.text)
        if result.found:
            code = result.codes[0]
            unit = self.rulebook.unit(code)
            assert unit is not None
            rows = [(Button(t("btn.show_item_code", code=code), f"i:{code}"),)]
            tasks = [x for x in unit.tasks if person.role in x.roles]
            if tasks:
                payload = {
                    "done_on": self.today().isoformat(),
                    "note": msg.text[:200],
                    "source": msg.source,
                    "files": _files_json(msg.photos),
                    "options": [f"{code}:{x.key}" for x in tasks],
                }
                pending, _ = self.pending.create(person.id, "choose_task", payload, msg.source)
                rows.append((Button(t("btn.report_done", code=code), f"p:{pending.id}:0"),))
            return [Reply(t("unclear.about", code=code, name=unit.name), tuple(rows))]
        if result.offtopic:  # "专干可以请两天假吗": say the rulebook does not cover it
            return [self._question(person, msg.text, public=msg.is_group)]
        return [Reply(t("unclear.hint"))]

    def _asks_rulebook(self, text: str) -> bool:
        result = self.library.search(text)
        return result.found or bool(result.offtopic)

    def _answer_awaiting(self, person: Person, msg: Incoming, pending: Pending) -> list[Reply]:
        if pending.kind == "await_hazard_text":
            if not self.pending.resolve(pending, "text"):
                return [Reply(t("choice.already"))]
            files = [EvidenceFile(**f) for f in pending.payload.get("files") or []]
            u = self.understand(msg.text, person.role)
            u_hazard = u if u.intent == "hazard" else None
            return [
                self._report_hazard(
                    person, msg.text.strip(), u_hazard, files + list(msg.photos), msg.source
                )
            ]
        self.pending.resolve(pending, "dropped")
        return self._handle(person, msg)

    # ---- buttons ----------------------------------------------------------------------

    def _press(self, person: Person, msg: Incoming, data: str) -> list[Reply]:
        kind, _, rest = data.partition(":")
        if kind == "i":
            return [self._question(person, rest, public=msg.is_group)]
        if not person.id:
            return [Reply(t("guest.need_invite"))]
        if kind == "p":
            pending_id, _, choice = rest.partition(":")
            return self._choice(person, msg, int(pending_id), choice)
        if kind == "v":
            hazard = self._hazard_by_id(int(rest))
            return [self._verify(person, hazard, f"button:{msg.chat_id}:{msg.message_id}:v")]
        if kind == "r":
            hazard = self._hazard_by_id(int(rest))
            return [Reply(t("hazard.reject_prompt", seq=hazard.seq, number=hazard.number))]
        if kind == "d":
            task_id, _, period = rest.partition("|")
            payload = {
                "task_id": task_id,
                "period": period,
                "done_on": self.today().isoformat(),
                "source": f"button:{msg.chat_id}:{msg.message_id}:{rest}",
            }
            return [self._record(person, payload)]
        if kind == "z":
            return [self.snooze(person, rest)]
        return [Reply(t("choice.unknown"))]

    def _hazard_by_id(self, hazard_id: int) -> Hazard:
        hazard = self.ledger.get(hazard_id)
        if hazard is None:
            raise UserError("hazard.unknown", ref=str(hazard_id))
        return hazard

    def _choice(self, person: Person, msg: Incoming, pending_id: int, choice: str) -> list[Reply]:
        pending = self.pending.get(pending_id)
        if pending is None or pending.person_id != person.id:
            return [Reply(t("choice.unknown"))]
        if pending.resolved:
            return [Reply(t("choice.already"))]
        if choice == "no":
            self.pending.resolve(pending, "cancel")
            return [Reply(t("choice.cancelled"))]
        payload = pending.payload
        if pending.kind == "confirm_done":
            if choice == "other":
                self.pending.resolve(pending, "other")
                day = date.fromisoformat(payload["done_on"])
                base = {k: payload[k] for k in ("done_on", "note", "source", "files")}
                return [self._ask_task(person, base, _again(msg, pending.id), day)]
            reply = self._record(person, payload)
            self.pending.resolve(pending, "ok")
            return [reply]
        if pending.kind == "choose_task":
            task_id, _, period = payload["options"][int(choice)].partition("|")
            reply = self._record(person, {**payload, "task_id": task_id, "period": period or None})
            self.pending.resolve(pending, task_id)
            return [reply]
        if pending.kind == "choose_hazard":
            hazard = self._hazard_by_id(payload["options"][int(choice)])
            files = [EvidenceFile(**f) for f in payload.get("files") or []]
            self.pending.resolve(pending, str(hazard.id))
            return [self._fix_hazard(person, hazard, files, payload.get("source"))]
        if pending.kind == "photo_kind":
            return self._photo_kind(person, msg, pending, choice)
        return [Reply(t("choice.unknown"))]

    def _fix_hazard(
        self,
        person: Person,
        hazard: Hazard,
        files: list[EvidenceFile],
        source: str | None,
        day: date | None = None,
        note: str = "",
    ) -> Reply:
        """A fix report; from the street office, a fix waiting for verification is verified."""
        if hazard.state == FIXED and person.role in ("street", "admin"):
            return self._verify(person, hazard, source)
        h = self.ledger.fix(
            person, hazard, day or self.today(), note=note[:200], files=files, source=source
        ).hazard
        text = t(
            "hazard.closed" if h.state == CLOSED else "hazard.fixed", code=h.code, number=h.number
        )
        if not files:
            text += "\n" + t("hazard.fix_photo_hint")
        notify: tuple[Notice, ...] = ()
        if h.state == FIXED:
            notify = self._notify_street(h, t("hazard.notify_fixed", number=h.number), verify=True)
        return Reply(text, recorded=True, notices=notify, meta={"hazard_id": h.id})

    def _photo_kind(
        self, person: Person, msg: Incoming, pending: Pending, choice: str
    ) -> list[Reply]:
        files = [EvidenceFile(**f) for f in pending.payload.get("files") or []]
        source = pending.payload.get("source")
        self.pending.resolve(pending, choice)
        follow = _with_photos(msg, files, f"{source}:{choice}" if source else None)
        if choice == "hazard":
            payload = {"files": pending.payload.get("files"), "source": follow.source}
            self.pending.create(person.id, "await_hazard_text", payload, follow.source)
            return [Reply(t("hazard.ask_text"))]
        if choice == "fix":
            return [self._choose_hazard(person, follow)]
        base = {
            "done_on": self.today().isoformat(),
            "note": "",
            "source": follow.source,
            "files": pending.payload.get("files"),
        }
        return [self._ask_task(person, base, follow, self.today())]

    # ---- settings, admin, reports (filled in by later features) ----------------------

    def snooze(self, person: Person, key: str) -> Reply:
        task_id, _, period = key.partition("|")
        found = self.rulebook.task(task_id)
        if found is None:
            return Reply(t("choice.unknown"))
        until = (self.today() + timedelta(days=1)).isoformat()
        with self.store.write():
            self.store.db.execute(
                "INSERT INTO snoozes (person_id, task_id, period, until) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (person_id, task_id, period) DO UPDATE SET until = excluded.until",
                [person.id, task_id, period, until],
            )
        return Reply(t("push.snoozed", code=found[0].code, name=found[1].name))

    def settings_reply(self, person: Person, args: str) -> Reply:
        if not person.id:
            return Reply(t("guest.need_invite"))
        words = args.strip()
        if words:
            if re.fullmatch(r"([01]?\d|2[0-3])[:：]([0-5]\d)", words):
                hour, minute = re.split("[:：]", words)
                person = self.org.update_person(person, push_time=f"{int(hour):02d}:{minute}")
            elif words in ("暂停", "关闭", "静音", "mute", "off"):
                person = self.org.update_person(person, muted=1)
            elif words in ("恢复", "打开", "开启", "unmute", "on"):
                person = self.org.update_person(person, muted=0)
            else:
                return Reply(t("settings.usage"))
        push_time = person.push_time or self.settings.push_time.strftime("%H:%M")
        state = t("settings.muted") if person.muted else t("settings.on", time=push_time)
        days = t("settings.all_days") if self.settings.push_all_days else t("settings.workdays")
        return Reply(t("settings.show", state=state, days=days))

    def _street_for(self, person: Person, args: str) -> OrgUnit:
        """The street a report or export is about: a street office's own; an admin names
        one (or gets the first)."""
        if person.role == "street" and person.unit_id is not None:
            unit = self.org.unit(person.unit_id)
            assert unit is not None
            return unit
        if person.role != "admin":
            raise UserError("report.street_only")
        streets = [u for u in self.org.units() if u.kind == "street"]
        named = [u for u in streets if u.name in args or u.label in args.split()]
        if named or streets:
            return (named or streets)[0]
        raise UserError("report.which_street")

    def report_replies(self, person: Person, args: str) -> list[Reply]:
        from bot.office.charts import render_report_chart
        from bot.office.reports import build_report, report_text, scope_of

        street = self._street_for(person, args)
        report = build_report(self, street, scope_of(args), self.today())
        folder = self.settings.data_dir / "reports"
        folder.mkdir(parents=True, exist_ok=True)
        chart = render_report_chart(report, folder / f"{street.id}-{report.period.key}.png")
        return [Reply(report_text(report), files=(Attachment(str(chart), "photo"),))]

    def export_replies(self, person: Person, args: str) -> list[Reply]:
        from bot.office.export import export_year

        street = self._street_for(person, args)
        years = re.findall(r"20\d\d", args)
        year = int(years[0]) if years else self.today().year
        folder = self.settings.data_dir / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        result = export_year(self, street, year, folder / f"{street.label}_{year}.xlsx")
        text = t(
            "export.done",
            unit=street.name,
            year=year,
            records=result.records,
            hazards=result.hazards,
            files=result.files,
            missing=result.missing,
        )
        files = (Attachment(str(result.workbook)), Attachment(str(result.archive)))
        return [Reply(text, files=files)]

    def admin_reply(self, person: Person, name: str, args: str) -> Reply:
        if person.role != "admin":
            return Reply(t("org.admin_only"))
        parts = args.split()
        if name == "units":
            return Reply(self._units_text())
        if name == "unit":
            if len(parts) < 2 or parts[0] not in ("add", "新增", "添加"):
                return Reply(t("admin.unit_usage"))
            unit = self.org.add_unit(parts[1], parts[2] if len(parts) > 2 else None, by=person)
            return Reply(t("cli.unit_added", name=unit.name, kind=t(f"unit.kind.{unit.kind}")))
        if name == "invite":
            role = ROLE_WORDS.get(parts[0]) if parts else None
            if role is None:
                return Reply(t("admin.invite_usage"))
            unit_name = parts[1] if len(parts) > 1 and role != "admin" else None
            label = parts[2] if len(parts) > 2 else None
            code = self.org.create_invite(role, unit_name, label, by=person)
            return Reply(
                t("admin.invite", role=t(f"role.{role}"), unit=unit_name or "", code=code)
            )
        if name == "unanswered":
            since = self.today() - timedelta(UNANSWERED_DAYS)
            return Reply(open_questions_text(self.unanswered, since, UNANSWERED_DAYS))
        if name == "teach":
            return self.teach_reply(person, args)
        return self.rulebook_reply(person, args)

    def teach_reply(self, person: Person, args: str) -> Reply:
        """Teach the search that a question (in officers' words) is about one unit."""
        parsed = parse_teach(self.rulebook, args)
        if isinstance(parsed, str):
            return Reply(t(parsed, code=args.strip().split(" ")[0]))
        code, question = parsed
        path = phrasings_path(self.rulebook, self.settings.taught_dir)
        try:
            add_phrasing(path, self.rulebook, code, question)
            library = Library.load(
                self.library.path, self.settings.cache_dir, self.settings.taught_dir
            )
        except RulebookError as error:
            return Reply(t("rulebook.invalid", error=str(error)))
        self.use(library)
        self.unanswered.mark_taught(question, code)
        with self.store.write():
            self.store.audit(person.id, "search.teach", code=code, question=question)
        result = library.search(question)
        key = "teach.done" if result.found and result.codes[:1] == [code] else "teach.not_first"
        unit = self.rulebook.unit(code)
        return Reply(t(key, code=code, name=unit.name if unit else "", question=question))

    def _units_text(self) -> str:
        lines = [t("admin.units_head")]
        for street in [u for u in self.org.units() if u.kind == "street"]:
            lines.append(street.name)
            lines += [f"  └ {c.name}" for c in self.org.children(street.id)]
        return "\n".join(lines)

    def rulebook_reply(self, person: Person, args: str) -> Reply:
        from bot import rulebooks

        name = args.strip()
        if not name:
            names = "、".join(rulebooks.available(self.settings))
            return Reply(
                t("rulebook.show", id=self.rulebook.id, title=self.rulebook.title, available=names)
            )
        path = rulebooks.resolve(self.settings, name)
        if path is None:
            return Reply(t("rulebook.unknown", name=name))
        try:
            library = Library.load(path, self.settings.cache_dir, self.settings.taught_dir)
        except RulebookError as error:
            return Reply(t("rulebook.invalid", error=str(error)))
        self.store.set_meta(rulebooks.ACTIVE_KEY, str(path))
        with self.store.write():
            self.store.audit(
                person.id, "rulebook.switch", rulebook=library.rulebook.id, path=str(path)
            )
        self.use(library)
        return Reply(
            t(
                "rulebook.switched",
                id=library.rulebook.id,
                title=library.rulebook.title,
                units=len(library.rulebook.units),
            )
        )


def _files_json(files: tuple[EvidenceFile, ...] | list[EvidenceFile]) -> list[dict[str, Any]]:
    return [asdict(f) for f in files]


def _wants_all(text: str) -> bool:
    return any(word in text for word in ("全部", "所有", "all", "完整"))


def _again(msg: Incoming, pending_id: int) -> Incoming:
    source = f"{msg.source or msg.chat_id}:again:{pending_id}"
    return Incoming(msg.channel, msg.user_id, msg.chat_id, source, msg.text, msg.photos)


def _with_photos(msg: Incoming, files: list[EvidenceFile], source: str | None) -> Incoming:
    return Incoming(msg.channel, msg.user_id, msg.chat_id, source, "", tuple(files))
