from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import Library
from knowledge.loader import DEFAULT_RULEBOOK


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def library(cache_dir: Path) -> Library:
    return Library.load(DEFAULT_RULEBOOK, cache_dir)


@pytest.fixture(scope="session")
def rulebook(library: Library):
    return library.rulebook


@pytest.fixture(scope="session")
def index(library: Library):
    return library.index


# ---- the assistant on a real SQLite file, with a fixed clock -------------------------

from collections.abc import Callable  # noqa: E402
from datetime import date, datetime  # noqa: E402

from bot.chat.assistant import Assistant, build_assistant  # noqa: E402
from bot.settings import TIMEZONE, Settings  # noqa: E402
from tests.support.chat import Chat, Clock, next_id  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 25, 9, 0, tzinfo=TIMEZONE))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, db_path=tmp_path / "gridsafe.db")


@pytest.fixture
def assistant(settings: Settings, library: Library, clock: Clock) -> Assistant:
    return build_assistant(settings, library=library, clock=clock)


@pytest.fixture
def street_org(assistant: Assistant) -> Callable[[str, str], Chat]:
    """A street with two communities, counted since the start of the year (they bring
    the year's earlier records); returns a function that invites and binds a person."""
    org = assistant.ws.org
    since = date(2026, 1, 1)
    org.add_unit("连然街道", short="连然", start_date=since)
    org.add_unit("金色社区", "连然街道", start_date=since)
    org.add_unit("大屯村委会", "连然街道", start_date=since)

    def join(role: str, unit: str, name: str | None = None) -> Chat:
        code = org.create_invite(role, unit, name)
        chat = Chat(assistant, f"{role}-{unit}-{next_id()}")
        chat.say(f"/start {code}")
        return chat

    return join
