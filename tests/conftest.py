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

import itertools  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import datetime  # noqa: E402

from bot.chat.assistant import Assistant, build_assistant  # noqa: E402
from bot.chat.replies import Incoming, Reply  # noqa: E402
from bot.records.evidence import EvidenceFile  # noqa: E402
from bot.settings import TIMEZONE, Settings  # noqa: E402

_ids = itertools.count(1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args: int) -> None:
        self.now = datetime(*args, 9, 0, tzinfo=TIMEZONE)  # type: ignore[misc]


class Chat:
    """One person's chat with the assistant, as a channel would drive it."""

    def __init__(self, assistant: Assistant, user: str, channel: str = "test") -> None:
        self.assistant = assistant
        self.user = user
        self.channel = channel
        self.last: list[Reply] = []

    def incoming(self, text: str = "", photos: int = 0) -> Incoming:
        files = tuple(
            EvidenceFile(f"/evidence/{self.user}-{next(_ids)}.jpg", "photo", f"file-{i}")
            for i in range(photos)
        )
        return Incoming(
            self.channel, self.user, f"chat-{self.user}", str(next(_ids)), text, files, self.user
        )

    def say(self, text: str = "", photos: int = 0) -> str:
        self.last = self.assistant.handle(self.incoming(text, photos))
        return "\n".join(r.text for r in self.last)

    def send(self, msg: Incoming) -> str:
        self.last = self.assistant.handle(msg)
        return "\n".join(r.text for r in self.last)

    def buttons(self) -> list[tuple[str, str]]:
        return [(b.label, b.data) for r in self.last for row in r.buttons for b in row]

    def press(self, label: str) -> str:
        data = next(d for lbl, d in self.buttons() if label in lbl)
        self.last = self.assistant.press(self.incoming(), data)
        return "\n".join(r.text for r in self.last)


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
    """A street with two communities; returns a function that invites and binds a person."""
    org = assistant.ws.org
    org.add_unit("连然街道", short="连然")
    org.add_unit("金色社区", "连然街道")
    org.add_unit("大屯村委会", "连然街道")

    def join(role: str, unit: str, name: str | None = None) -> Chat:
        code = org.create_invite(role, unit, name)
        chat = Chat(assistant, f"{role}-{unit}-{next(_ids)}")
        chat.say(f"/start {code}")
        return chat

    return join
