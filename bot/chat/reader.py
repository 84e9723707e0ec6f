"""Reading a message with the rulebook in force: the Understander for the workspace's
current library (rebuilt when a rulebook is switched or taught), today's date and the
schedule's periods. Reads only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

from bot.chat.commands import COMMAND_INTENTS
from bot.chat.intent_model import ReaderModel
from bot.chat.intents import Intent
from bot.chat.learned import LearnedReader
from bot.chat.understand import Understander, Understanding, as_command
from bot.library import Library
from bot.schedule.holidays import WorkCalendar, warm
from bot.schedule.periods import Schedule
from bot.workspace import Workspace
from knowledge.model import Task, Unit
from knowledge.textnorm import normalize


@functools.cache
def trained() -> ReaderModel | None:
    """The learned models shipped with the code, loaded once per process."""
    return ReaderModel.load()


def reader_for(library: Library) -> Understander | LearnedReader:
    """The reader for a library: the learned one when its model loads, else the rules."""
    rules = Understander(library.rulebook, library.index, library.search, COMMAND_INTENTS)
    model = trained()
    return LearnedReader(rules, model) if model is not None else rules


class Reader:
    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self._library: Library | None = None
        self._understander: Understander | LearnedReader | None = None

    @property
    def understander(self) -> Understander | LearnedReader:
        library = self.ws.library
        if self._understander is None or self._library is not library:
            self._understander = reader_for(library)
            self._library = library
            warm(self.ws.today().year)
        return self._understander

    def understand(self, text: str, role: str, has_photo: bool = False) -> Understanding:
        return self.understander.understand(
            as_command(text), role, has_photo, self.ws.today(), self.ws.period_of
        )

    def read_as(self, intent: Intent, text: str, role: str, has_photo: bool) -> Understanding:
        """The message read as the person chose, after a question back."""
        reader, today = self.understander, self.ws.today()
        if isinstance(reader, LearnedReader):
            return reader.read_as(intent, text, role, has_photo, today, self.ws.period_of)
        raw = (text or "").strip()
        return reader.read_as(intent, raw, normalize(raw), role, today, self.ws.period_of)


def read_offline(library: Library, today: date) -> Callable[[str, str, bool], Understanding]:
    """A reader without a database, for benchmarks and scripts: ``read(text, role, photo)``
    on a fixed day, with the schedule of the library's rulebook."""
    rulebook = library.rulebook
    schedule = Schedule(rulebook, WorkCalendar())
    warm(today.year)
    understander = reader_for(library)

    def period_of(unit: Unit, task: Task, day: date) -> str | None:
        inst = schedule.instance(unit, task, day)
        return inst.period.key if inst else None

    def read(text: str, role: str, photo: bool = False) -> Understanding:
        return understander.understand(text, role, photo, today, period_of)

    return read
