"""Homophone typos: a stretch of a question that sounds like a rulebook word (寻查 → 巡查).

Owns the sound tables and their lookup. ``sound_tables`` builds them once, with the index
(index.py); it is the only use of pypinyin, never per question. ``Homophones.find`` looks
a question up in them. Invariants: a span matches a rulebook word only if it has the same
length (2 to 4 characters), reads the same without tones, shares at least one character
with it and differs in at least one, and no differing character is a function character
(FUNCTION_CHARS: 上几 is not 上级); a span that is itself a rulebook word is never a typo.
A span's readings are tried in pinyin order, at most ``MAX_READINGS`` of them; a reading no
rulebook word begins with is skipped whole, as is a span that keeps no character of a
rulebook word of its length in place; each span's words are looked up once
(bounded, ``SPAN_CACHE`` spans), which finds the same pairs as trying every reading; so
are a recent text's pairs (``TEXT_CACHE``).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from knowledge.search.terms import RUN

# Characters that are never a typo for a rulebook character (上几 is not 上级).
FUNCTION_CHARS = frozenset(
    "的地得了着过吗呢吧啊呀么几是有要不也都就在和与及或我你他她它这那哪谁啥咋个些上下中里"
)


MAX_READINGS = 16  # readings of a span tried at most, in pinyin order
SPAN_CACHE = 16384  # spans whose sound-alike words are kept
TEXT_CACHE = 1024  # texts whose pairs are kept (a message is looked up several times)


class Homophones:
    """The rulebook's words by sound. ``readings``: the toneless readings of every
    character that can sound like one in those words; ``sound_index``: the words by their
    reading ("xun cha"), and each word under "#" + itself."""

    def __init__(
        self, readings: dict[str, tuple[str, ...]], sound_index: dict[str, list[str]]
    ) -> None:
        self.readings = readings
        self.sound_index = sound_index
        # every start (first syllables) of a rulebook word's reading: a span's readings
        # that begin otherwise are never looked up
        self._starts = {
            " ".join(parts[:n])
            for key in sound_index
            if not key.startswith("#")
            for parts in [key.split(" ")]
            for n in range(1, len(parts) + 1)
        }
        # (length, position, character) of every rulebook word: a typo keeps at least one
        # character of its word in place, so a span that keeps none is no typo
        self._placed = {
            (len(word), i, ch)
            for key, words in sound_index.items()
            if not key.startswith("#")
            for word in words
            for i, ch in enumerate(word)
        }
        self._span_words = functools.lru_cache(maxsize=SPAN_CACHE)(self._typos_of_span)
        self._found = functools.lru_cache(maxsize=TEXT_CACHE)(self._pairs)

    def find(self, text: str) -> Iterable[tuple[str, str]]:
        """(span, rulebook word) pairs where the span sounds like the word and differs from
        it in at least one character (never a function word such as 几 or 的) while
        sharing at least one."""
        return iter(self._found(text))

    def _pairs(self, text: str) -> tuple[tuple[str, str], ...]:
        return tuple(
            (span, word)
            for run in RUN.findall(text)
            for size in (4, 3, 2)
            for start in range(len(run) - size + 1)
            for span in [run[start : start + size]]
            for word in self._span_words(span)
        )

    def _typos_of_span(self, span: str) -> tuple[str, ...]:
        """The rulebook words ``span`` is a homophone typo of, in the order of its
        readings."""
        if "#" + span in self.sound_index:
            return ()
        size = len(span)
        if not any((size, i, ch) in self._placed for i, ch in enumerate(span)):
            return ()
        return tuple(
            word
            for key in self._sound_keys(span)
            for word in self.sound_index.get(key, ())
            if self._is_typo_of(span, word)
        )

    @staticmethod
    def _is_typo_of(span: str, word: str) -> bool:
        differing = [a for a, b in zip(span, word, strict=True) if a != b]
        return 0 < len(differing) < len(span) and not any(c in FUNCTION_CHARS for c in differing)

    def _sound_keys(self, span: str) -> list[str]:
        """The span's first MAX_READINGS readings (each character's readings in turn, as
        itertools.product orders them) that some rulebook word's reading begins like."""
        options = [self.readings.get(c) or (c,) for c in span]
        starts = self._starts
        if math.prod(map(len, options)) <= MAX_READINGS:  # all are tried: grow the starts
            keys = [r for r in options[0] if r in starts]
            for readings in options[1:]:
                keys = [k for p in keys for r in readings if (k := f"{p} {r}") in starts]
            return keys
        keys = []
        budget = MAX_READINGS

        def walk(depth: int, prefix: str) -> None:
            nonlocal budget
            if depth == len(options):
                budget -= 1
                keys.append(prefix)
                return
            for reading in options[depth]:
                if budget <= 0:
                    return
                longer = f"{prefix} {reading}" if depth else reading
                if longer in starts:
                    walk(depth + 1, longer)
                else:  # none of the readings that start so is a word's: count them as tried
                    budget -= math.prod(len(o) for o in options[depth + 1 :])

        walk(0, "")
        return keys


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sound_tables(vocabulary: set[str]) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]]]:
    """Toneless pinyin of every character that sounds like one in the rulebook's words,
    and the rulebook words by sound. pypinyin is needed only here, when the index is
    built, never per question."""
    from pypinyin import lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    def char_readings(ch: str) -> tuple[str, ...]:
        raw = pinyin_dict.get(ord(ch))
        if not raw:
            return (ch,)
        return tuple(dict.fromkeys(_toneless(r) for r in raw.split(",")))

    words = [w for w in vocabulary if 2 <= len(w) <= 4 and re.fullmatch(r"[\u4e00-\u9fff0-9]+", w)]
    used: set[str] = set()
    sound_index: dict[str, list[str]] = defaultdict(list)
    for word in words:
        # The word as it is read (网格 is wang ge, never the rare wang luo); a typo is any
        # character that can be read that way.
        reading = lazy_pinyin(word)
        used.update(reading)
        sound_index[" ".join(reading)].append(word)
        sound_index["#" + word].append(word)
    readings = {}
    for code_point in pinyin_dict:
        ch = chr(code_point)
        values = char_readings(ch)
        if used.intersection(values):
            readings[ch] = values
    return readings, dict(sound_index)
