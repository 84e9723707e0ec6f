"""The Workspace: the shared services of one GridSafe installation, built once by the wiring
code (CLI, console, a channel's application) and handed to everything that needs them.

Invariants: one Workspace owns one Store (so one SQLite connection, used by one thread);
the services that depend on the rulebook in force (task log, ledger, schedule, checklists,
unanswered log) are rebuilt together by :meth:`Workspace.use`, so they never disagree on
which rulebook they serve. Nothing here knows about chats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bot.library import Library
from bot.records.access import Access
from bot.records.deadlines import Deadlines
from bot.records.hazards import HazardLedger
from bot.records.org import Org
from bot.records.pending import PendingStore
from bot.records.store import Store
from bot.records.tasklog import TaskLog
from bot.records.unanswered import UnansweredLog
from bot.rulebooks import active_path
from bot.schedule.checklist import Checklists
from bot.schedule.holidays import WorkCalendar
from bot.schedule.periods import Schedule
from bot.settings import Settings
from knowledge.model import Rulebook, Task, Unit


@dataclass(eq=False)
class Workspace:
    settings: Settings
    store: Store
    library: Library
    clock: Callable[[], datetime]
    org: Org = field(init=False)
    access: Access = field(init=False)
    pending: PendingStore = field(init=False)
    calendar: WorkCalendar = field(init=False)
    rulebook: Rulebook = field(init=False)
    tasklog: TaskLog = field(init=False)
    ledger: HazardLedger = field(init=False)
    deadlines: Deadlines = field(init=False)
    schedule: Schedule = field(init=False)
    checklists: Checklists = field(init=False)
    unanswered: UnansweredLog = field(init=False)

    def __post_init__(self) -> None:
        self.org = Org(self.store, self.now, self.settings.invite_days)
        self.access = Access(self.org)
        self.pending = PendingStore(self.store, self.now)
        self.calendar = WorkCalendar(self.settings.extra_holidays, self.settings.extra_workdays)
        self.use(self.library)

    def use(self, library: Library) -> None:
        """Put a rulebook in force. Records keep the rulebook they were made under, so
        last year's records stay as they were and do not count for the new rules."""
        settings = self.settings
        self.library = library
        self.rulebook = library.rulebook
        self.tasklog = TaskLog(self.store, self.rulebook.id)
        self.ledger = HazardLedger(
            self.store,
            self.org,
            self.rulebook.id,
            settings.hazard_days,
            settings.reporter_closes_general,
        )
        self.deadlines = Deadlines(self.ledger)
        self.schedule = Schedule(self.rulebook, self.calendar)
        self.checklists = Checklists(
            self.rulebook,
            self.schedule,
            self.tasklog,
            self.ledger,
            self.org,
            settings.overdue_days,
        )
        self.unanswered = UnansweredLog(self.store, self.rulebook.id)

    def now(self) -> datetime:
        return self.clock().astimezone(self.settings.timezone)

    def today(self) -> date:
        return self.now().date()

    def period_of(self, unit: Unit, task: Task, day: date) -> str | None:
        """The key of the task's period that contains ``day`` (None outside its windows)."""
        inst = self.schedule.instance(unit, task, day)
        return inst.period.key if inst else None


def load_library(settings: Settings, path: Path | None = None) -> Library:
    return Library.load(path or active_path(settings), settings.cache_dir, settings.taught_dir)


def build_workspace(
    settings: Settings,
    library: Library | None = None,
    db_path: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Workspace:
    """Open (check, and migrate) the database, seed the configured organisation, load the rulebook
    in force. Call it in the thread that will use the workspace: the database connection
    is bound to it."""
    store = Store(db_path or settings.db_path)
    store.check()  # a damaged file is refused before anything is written to it
    store.migrate()
    org = Org(store)
    org.seed(settings.organisation)
    org.apply_start_dates(settings.start_dates)
    if library is None:
        active = store.meta("active_rulebook")
        library = load_library(settings, Path(active) if active else None)
    return Workspace(settings, store, library, clock or (lambda: datetime.now(settings.timezone)))
