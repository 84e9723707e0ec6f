"""Building the assistant from settings: the one place that wires library, store and core."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bot.chat.assistant import Assistant
from bot.library import Library
from bot.records.org import Org
from bot.records.store import Store
from bot.rulebooks import active_path
from bot.settings import Settings

DEMO_STREET = "连然街道（示例）"
DEMO_COMMUNITIES = ("金色社区（示例）", "大屯村委会（示例）")
DEMO_PEOPLE = (
    ("示例管理员", "admin", None),
    ("示例安办", "street", DEMO_STREET),
    ("示例专干", "officer", DEMO_COMMUNITIES[0]),
    ("示例专干二", "officer", DEMO_COMMUNITIES[1]),
)


def load_library(settings: Settings, path: Path | None = None) -> Library:
    return Library.load(path or active_path(settings), settings.cache_dir, settings.taught_dir)


def build_assistant(
    settings: Settings,
    library: Library | None = None,
    db_path: Path | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Assistant:
    """Open (and migrate) the database, seed the configured organisation, build the core.
    Call it in the thread that will use the assistant: the database connection is bound
    to it."""
    store = Store(db_path or settings.db_path)
    store.migrate()
    Org(store).seed(settings.organisation)
    if library is None:
        active = store.meta("active_rulebook")
        library = load_library(settings, Path(active) if active else None)
    return Assistant(settings, library, store, clock)


def seed_demo(assistant: Assistant) -> dict[str, int]:
    """A sample street, two communities and one person of each role, all marked as samples.
    Returns role name → person id (the console identities)."""
    org = assistant.org
    if not org.unit_named(DEMO_STREET):
        org.add_unit(DEMO_STREET, short="连然", sample=True)
        for community in DEMO_COMMUNITIES:
            org.add_unit(community, DEMO_STREET, sample=True)
    ids: dict[str, int] = {}
    existing = {p.name: p for p in org.people(active_only=False)}
    for name, role, unit in DEMO_PEOPLE:
        person = existing.get(name) or org.add_person(name, role, unit, sample=True)
        if not org.accounts_of(person.id, "console"):
            with assistant.store.write():
                assistant.store.insert(
                    "accounts",
                    {
                        "channel": "console",
                        "external_id": f"person-{person.id}",
                        "person_id": person.id,
                        "chat_id": f"console-{person.id}",
                        "bound_at": datetime.now(assistant.settings.timezone).isoformat(),
                    },
                )
        ids.setdefault(role, person.id)
    return ids
