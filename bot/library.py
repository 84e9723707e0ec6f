"""The rulebook and its search index, loaded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import load_rulebook
from knowledge.model import Rulebook
from knowledge.search import SearchIndex, SearchResult


@dataclass(eq=False)
class Library:
    rulebook: Rulebook
    index: SearchIndex

    @classmethod
    def load(cls, rulebook_path: Path, cache_dir: Path) -> Library:
        rulebook = load_rulebook(rulebook_path)
        return cls(rulebook, SearchIndex.build(rulebook, cache_dir))

    def search(self, query: str, k: int = 5) -> SearchResult:
        # a message is often searched twice (to understand it, then to answer it)
        return self._cached(query, k)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one Library per process, never freed
    def _cached(self, query: str, k: int) -> SearchResult:
        return self.index.search(query, k)
