"""Word segmentation: one jieba tokenizer with the domain dictionary, built once.

jieba's full dictionary (350k words) takes most of a second to load on every start.
The tokenizer here uses a trimmed copy (words jieba has seen at least ``MIN_FREQ``
times, about a third of them) plus the domain dictionary, written once to a cache
folder together with jieba's own prefix-dictionary cache, so later starts load it in
a fraction of the time. Rare words that fall out are handled by jieba's HMM and, in
ranking, by character bigrams.

Cutting is deterministic and the tokenizer never changes after start-up, so a
``Segmenter`` keeps the cuts of recent texts (bounded, ``CUT_CACHE`` texts per mode): one
message is cut several times while it is read and searched. Search-mode words are made
from the kept precise cut exactly as jieba's ``cut_for_search`` makes them from its own.

Trap (measured): adding a domain word such as 盲板抽堵 makes ``cut_for_search`` emit
only those of its sub-words that are in the dictionary; every 2- and 3-character
sub-word of a domain word that jieba knows is therefore kept, whatever its frequency.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jieba

MIN_FREQ = 10
CUT_CACHE = 4096  # texts whose cuts are kept, per mode
NOUN_TAGS = ("n", "vn", "j", "l", "i", "s")
FUNCTION_TAGS = (
    "d",
    "ad",
    "c",
    "p",
    "u",
    "r",
    "m",
    "q",
    "y",
    "e",
    "o",
)  # nouns, verbal nouns, abbreviations, idioms, places
DATA_DIR = Path(__file__).parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"

jieba.setLogLevel(logging.WARNING)


def default_cache_dir() -> Path:
    base = os.environ.get("GRIDSAFE_CACHE_DIR")
    if base:
        return Path(base)
    return Path(tempfile.gettempdir()) / f"gridsafe-cache-{os.getuid()}"


def read_user_words(path: Path = USER_DICT) -> list[tuple[str, int]]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        words.append((parts[0], int(parts[1]) if len(parts) > 1 else 2000))
    return words


def _trimmed_dictionary(cache_dir: Path, user_words: list[tuple[str, int]]) -> Path:
    full = Path(jieba.__file__).parent / "dict.txt"
    signature = hashlib.sha1(
        f"{MIN_FREQ}|{full.stat().st_size}|{sorted(user_words)}".encode()
    ).hexdigest()[:12]
    target = cache_dir / f"jieba-dict-{signature}.txt"
    if target.exists():
        return target
    entries: dict[str, str] = {}
    keep_always = {
        w[i : i + n] for w, _ in user_words for n in (2, 3) for i in range(len(w) - n + 1)
    }
    with full.open(encoding="utf-8") as fh:
        for line in fh:
            word, count, *_ = line.split()
            if int(count) >= MIN_FREQ or word in keep_always:
                entries[word] = line.rstrip("\n")
    for word, freq in user_words:
        entries[word] = f"{word} {freq} n"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("\n".join(entries.values()) + "\n", encoding="utf-8")
    tmp.replace(target)
    return target


class Segmenter:
    """jieba words for indexing and queries; initialise once at start-up."""

    def __init__(self, cache_dir: Path | None = None, user_words: Iterable[tuple[str, int]] = ()):
        self.cache_dir = cache_dir or default_cache_dir()
        words = list(user_words) or read_user_words()
        dictionary = _trimmed_dictionary(self.cache_dir, words)
        self.dictionary = dictionary
        self.tokenizer = jieba.Tokenizer(dictionary=str(dictionary))
        self.tokenizer.tmp_dir = str(self.cache_dir)
        self.tokenizer.initialize()
        self._words = functools.lru_cache(maxsize=CUT_CACHE)(self._cut_for_search)
        self._cut = functools.lru_cache(maxsize=CUT_CACHE)(self._cut_precisely)

    def words(self, text: str) -> list[str]:
        """Search-mode words (long words plus their known sub-words)."""
        return list(self._words(text))

    def terms(self, text: str) -> list[str]:
        """Precise-mode words: each character belongs to one word."""
        return [w for w in self._cut(text) if w.strip()]

    def _cut_precisely(self, text: str) -> tuple[str, ...]:
        return tuple(self.tokenizer.cut(text, HMM=False))

    def _cut_for_search(self, text: str) -> tuple[str, ...]:
        """jieba's ``cut_for_search`` (each precise word's known 2- and 3-character parts,
        then the word) made from the kept precise cut, so a text is cut once."""
        known = self.tokenizer.FREQ
        out: list[str] = []
        for w in self._cut(text):
            if len(w) > 2:
                out += [g for i in range(len(w) - 1) if known.get(g := w[i : i + 2])]
            if len(w) > 3:
                out += [g for i in range(len(w) - 2) if known.get(g := w[i : i + 3])]
            out.append(w)
        return tuple(w for w in out if w.strip())

    def light_words(self) -> frozenset[str]:
        """Dictionary words that are not nouns (verbs, adverbs, numerals, pronouns…): in a
        question they say little about what the question is about."""
        light = set()
        with self.dictionary.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3 and not parts[2].startswith(NOUN_TAGS):
                    light.add(parts[0])
        return frozenset(light)

    def function_words(self) -> frozenset[str]:
        """Dictionary adverbs, conjunctions, pronouns, particles and measure words
        (直接, 还要, 怎么): in a question they never say what it is about."""
        function = set()
        with self.dictionary.open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3 and parts[2].startswith(FUNCTION_TAGS):
                    function.add(parts[0])
        return frozenset(function)

    def knows(self, word: str) -> bool:
        return bool(self.tokenizer.FREQ.get(word))
