"""The search vocabulary files in knowledge/data, read when an index is built.

Owns the files' paths and formats:
- synonyms.yaml: a rulebook word (key) and the everyday words officers say for it;
- stopwords.txt: question words that say nothing about what is asked (怎么, 要不要);
- offtopic.txt: words of topics the rulebook does not cover (工资, 天气). ``SPLIT`` (…,
  normalised to ...) joins the head and tail of a separable verb said apart (请…假 matches
  请两天假); a leading ``ASK`` (!) marks an ask the rulebook never answers (!号码).
Lines starting with # are comments. Invariants: every word is normalised
(knowledge.textnorm.normalize) as questions are; the files are read only when an index is
built (index.py), never per question, and are part of the index's cache key, so editing
one rebuilds the index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from knowledge.segment import DATA_DIR, Segmenter
from knowledge.textnorm import normalize

SYNONYMS = DATA_DIR / "synonyms.yaml"
STOPWORDS = DATA_DIR / "stopwords.txt"
OFFTOPIC = DATA_DIR / "offtopic.txt"
SPLIT = "..."  # in offtopic.txt (normalised), a separable verb: 请…假
ASK = "!"  # in offtopic.txt, marks what is asked for (a phone number, a price): !号码


def word_list(path: Path) -> frozenset[str]:
    """The normalised words of a list file: white-space separated, # comment lines."""
    return frozenset(
        normalize(w)
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    )


def read_stopwords() -> frozenset[str]:
    return word_list(STOPWORDS)


def read_offtopic() -> tuple[frozenset[str], frozenset[str]]:
    """The off-topic words (asks included) and the asks, both without the ! mark; separable
    verbs keep their ``SPLIT``."""
    marked = word_list(OFFTOPIC)
    asks = frozenset(w.removeprefix(ASK) for w in marked if w.startswith(ASK))
    offtopic = frozenset(w.removeprefix(ASK) for w in marked)
    return offtopic, asks


def read_synonyms(
    segmenter: Segmenter, stopwords: frozenset[str]
) -> tuple[list[tuple[str, list[str]]], dict[str, list[str]]]:
    """(everyday word, rulebook words it stands for) pairs, the longest everyday word
    first, and the content words of each such rulebook word."""
    raw_synonyms = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")) or {}
    variants: dict[str, list[str]] = defaultdict(list)
    for canonical, spoken in raw_synonyms.items():
        for variant in spoken:
            variants[normalize(str(variant))].append(str(canonical))
    synonyms = sorted(variants.items(), key=lambda kv: -len(kv[0]))
    canonical_words = {
        c: [w for w in segmenter.words(normalize(c)) if len(w) > 1 and w not in stopwords]
        for cs in variants.values()
        for c in cs
    }
    return synonyms, canonical_words


def offtopic_matchers(
    words: frozenset[str], asks: frozenset[str]
) -> tuple[frozenset[str], frozenset[str], list[tuple[str, re.Pattern[str]]]]:
    """The off-topic words said whole, the asks, and the separable verbs as (verb,
    pattern) pairs: the pattern finds the verb said apart (请几天假 is 请假), its head and
    tail up to four characters apart."""
    asks = frozenset(w.replace(SPLIT, "") for w in asks)
    whole = frozenset(w for w in words if SPLIT not in w)
    split = [
        (w.replace(SPLIT, ""), re.compile(w.replace(SPLIT, r"[^\s，。？！]{1,4}")))
        for w in words
        if SPLIT in w
    ]
    return whole, asks, split
