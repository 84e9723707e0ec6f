"""Reading a message with the rulebook in force: the Understander for the workspace's
current library (rebuilt when a rulebook is switched or taught), today's date and the
schedule's periods. Reads only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.chat.commands import COMMAND_INTENTS
from bot.chat.understand import Understander, Understanding
from bot.library import Library
from bot.schedule.holidays import WorkCalendar
from bot.schedule.periods import Schedule
from bot.workspace import Workspace
from knowledge.model import Task, Unit


class Reader:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._library: Library | None = None
        self._understander: Understander | None = None

    @property
    def understander(self) -> Understander:
        library = self.ws.library
        if self._understander is None or self._library is not library:
            self._understander = Understander(
                library.rulebook, library.index, library.search, COMMAND_INTENTS
            )
            self._library = library
        return self._understander

    def understand(self, text: str, role: str, has_photo: bool = False) -> Understanding:
        return self.understander.understand(
            text, role, has_photo, self.ws.today(), self.ws.period_of
        )


def read_offline(library: Library, today: date) -> Callable[[str, str, bool], Understanding]:
    """A reader without a database, for benchmarks and scripts: ``read(text, role, photo)``
    on a fixed day, with the schedule of the library's rulebook."""
    rulebook = library.rulebook
    schedule = Schedule(rulebook, WorkCalendar())
    understander = Understander(rulebook, library.index, library.search, COMMAND_INTENTS)

    def period_of(unit: Unit, task: Task, day: date) -> str | None:
        inst = schedule.instance(unit, task, day)
        return inst.period.key if inst else None

    def read(text: str, role: str, photo: bool = False) -> Understanding:
        return understander.understand(text, role, photo, today, period_of)

    return read
