"""Daily pushes: who gets one now, what it says, and the record that it went out.

At most one push per person per day: a push is claimed in the database (pushes table)
before it is sent, so a restart never sends it twice, and a bot that was down at push
time still sends the day's push when it comes back (same day only). A push a stopped
process left in 'sending' is sent again by the next (:meth:`PushPlanner.recover`); one
confirmed 'sent' never is. Hazard deadlines get a reminder the day before, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.chat import views
from bot.chat.replies import Reply
from bot.records.hazards import OPEN
from bot.records.org import Person
from bot.records.store import now_iso
from bot.schedule.wording import md
from bot.texts import t
from bot.workspace import Workspace

DAILY = "daily"


@dataclass(frozen=True)
class Delivery:
    person_id: int
    key: str  # the pushes.kind: "daily" or "deadline:<hazard id>"
    reply: Reply


class PushPlanner:
    def __init__(self, ws: Workspace, channel: str | tuple[str, ...] = "telegram") -> None:
        self.ws = ws
        self.store = ws.store
        # pushes reach people through these channels' accounts; the record of pushes is
        # per person, whatever the channel, so a person on two channels gets one push a day
        self.channels = (channel,) if isinstance(channel, str) else tuple(channel)

    def is_push_day(self, day: date) -> bool:
        return self.ws.settings.push_all_days or self.ws.calendar.is_workday(day)

    def push_time(self, person: Person) -> time:
        if person.push_time:
            hour, minute = person.push_time.split(":")
            return time(int(hour), int(minute))
        return self.ws.settings.push_time

    def due(self, now: datetime) -> list[Delivery]:
        """Pushes that should go out at ``now`` and have not yet gone out today."""
        day = now.date()
        out: list[Delivery] = []
        if self.is_push_day(day):
            for person in self._reachable():
                if person.muted or now.time() < self.push_time(person):
                    continue
                if self._claimed(person.id, day, DAILY):
                    continue
                reply = self.daily(person, day)
                if reply is not None:
                    out.append(Delivery(person.id, DAILY, reply))
        out += self._deadline_reminders(day)
        return out

    def _reachable(self) -> list[Person]:
        rows = self.store.rows(
            "SELECT DISTINCT p.id FROM people p JOIN accounts a ON a.person_id = p.id "
            "WHERE p.active = 1 AND a.blocked_at IS NULL "
            f"AND a.channel IN ({', '.join('?' for _ in self.channels)}) ORDER BY p.id",
            list(self.channels),
        )
        people = [self.ws.org.person(r["id"]) for r in rows]
        return [p for p in people if p is not None and p.role in ("officer", "street", "admin")]

    def daily(self, person: Person, day: date) -> Reply | None:
        """The morning message: the checklist (overdue first), hazards waiting for the
        person and, for a street office, its communities. None when nothing is open."""
        ws = self.ws
        if person.role == "admin" or person.unit_id is None:
            return None
        checklist = ws.checklists.for_person(person, day)
        snoozed = self.snoozed(person.id, day)
        checklist.tasks = [i for i in checklist.tasks if f"{i.task_id}|{i.period}" not in snoozed]
        if checklist.empty and person.role == "officer":
            return None
        if person.role == "street":
            unit = ws.org.unit(person.unit_id)
            assert unit is not None
            lines = ws.checklists.street_lines(unit, day)[1:]
            text = t("push.head") + "\n" + views.street_text(checklist, lines, ws.org)
        else:
            text = t("push.head") + "\n" + views.checklist_text(checklist, ws.org, limit=8)
        buttons = views.item_buttons(checklist.tasks) + views.hazard_buttons(checklist.hazards)
        return Reply(text, buttons)

    def _deadline_reminders(self, day: date) -> list[Delivery]:
        tomorrow = (day + timedelta(days=1)).isoformat()
        rows = self.store.rows(
            "SELECT id FROM hazards WHERE state = ? AND deadline = ?", [OPEN, tomorrow]
        )
        out = []
        for row in rows:
            hazard = self.ws.ledger.get(row["id"])
            assert hazard is not None
            text = t(
                "push.deadline",
                number=hazard.number,
                code=hazard.code,
                what=hazard.description[:30],
                deadline=md(hazard.deadline),
            )
            key = f"deadline:{hazard.id}"
            for person in self.ws.org.people_of_unit(hazard.unit_id):
                if person.role in ("officer", "street") and not self._claimed(person.id, day, key):
                    out.append(Delivery(person.id, key, Reply(text)))
        return out

    # ---- the record of pushes ------------------------------------------------------------

    def _claimed(self, person_id: int, day: date, key: str) -> bool:
        """Sent, being sent, or undeliverable today; a failed attempt may be tried again."""
        return (
            self.store.one(
                "SELECT 1 FROM pushes WHERE person_id = ? AND day = ? AND kind = ? "
                "AND status NOT IN ('failed', 'interrupted')",
                [person_id, day.isoformat(), key],
            )
            is not None
        )

    def claim(self, delivery: Delivery, day: date) -> bool:
        """Take the right to send; False if it was already taken (sent or being sent)."""
        with self.store.write():
            cursor = self.store.db.execute(
                "INSERT INTO pushes (person_id, day, kind, status) VALUES (?, ?, ?, 'sending') "
                "ON CONFLICT (person_id, day, kind) DO UPDATE SET status = 'sending' "
                "WHERE pushes.status IN ('failed', 'interrupted')",
                [delivery.person_id, day.isoformat(), delivery.key],
            )
        return cursor.rowcount == 1

    def recover(self) -> int:
        """At start: pushes a previous process claimed and never finished (it stopped in
        the middle of a round) may be sent again. Only this process sends, so nothing is
        in flight yet; a push confirmed 'sent' is never touched."""
        with self.store.write():
            cursor = self.store.db.execute(
                "UPDATE pushes SET status = 'interrupted' WHERE status = 'sending'"
            )
        return cursor.rowcount

    def finish(self, delivery: Delivery, day: date, status: str) -> None:
        with self.store.write():
            self.store.db.execute(
                "UPDATE pushes SET status = ?, sent_at = ? WHERE person_id = ? AND day = ? "
                "AND kind = ?",
                [status, now_iso(), delivery.person_id, day.isoformat(), delivery.key],
            )

    def snoozed(self, person_id: int, day: date) -> set[str]:
        return self.ws.tasklog.snoozed(person_id, day)
