"""The rulebook and its search index, loaded once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import load_rulebook
from knowledge.model import Rulebook
from knowledge.phrasings import load_phrasings, merge_phrasings, phrasings_path
from knowledge.search import SearchIndex, SearchResult


@dataclass(eq=False)
class Library:
    rulebook: Rulebook
    index: SearchIndex
    path: Path

    @classmethod
    def load(cls, rulebook_path: Path, cache_dir: Path, taught_dir: Path | None = None) -> Library:
        """The rulebook at ``rulebook_path`` and its index. Questions the office taught
        (``taught_dir``/<rulebook id>.yaml) join the phrasings shipped with the rulebook."""
        rulebook = load_rulebook(rulebook_path)
        phrasings = load_phrasings(rulebook)
        if taught_dir is not None:
            taught = load_phrasings(rulebook, phrasings_path(rulebook, taught_dir))
            phrasings = merge_phrasings(phrasings, taught)
        return cls(rulebook, SearchIndex.build(rulebook, cache_dir, phrasings), rulebook_path)

    def search(self, query: str, k: int = 5) -> SearchResult:
        # a message is often searched twice (to understand it, then to answer it)
        return self._cached(query, k)

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one Library per process, never freed
    def _cached(self, query: str, k: int) -> SearchResult:
        return self.index.search(query, k)
