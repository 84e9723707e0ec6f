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
