"""The search index of one rulebook: building it, its on-disk cache, and ``SearchIndex``,
the entry point that answers a question.

Owns the index data (built by ``_build_data`` from the rulebook, the phrasings and the
vocabulary files, then pickled), its cache key and ``SearchIndex.search``: item
references and sections or items asked about by title first, then ranking (query.py,
scoring.py). Invariants: the cache file's name holds a fingerprint of everything the data
is built from (rulebook, phrasings, vocabulary files, user dictionary, INDEX_VERSION), so a
cached index is used only when nothing changed; bump INDEX_VERSION whenever the data's
shape or the way it is built changes. A cache that cannot be read is rebuilt and replaced
atomically. Nothing is read from disk per question.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from knowledge.model import Rulebook, Unit
from knowledge.phrasings import load_phrasings
from knowledge.refs import find_refs
from knowledge.search.homophones import Homophones, sound_tables
from knowledge.search.query import QueryParser
from knowledge.search.scoring import BM25Space, Hit, Scorer, SearchResult
from knowledge.search.terms import RUN, bigrams
from knowledge.search.vocabulary import (
    OFFTOPIC,
    STOPWORDS,
    SYNONYMS,
    offtopic_matchers,
    read_offtopic,
    read_stopwords,
    read_synonyms,
)
from knowledge.segment import USER_DICT, Segmenter, default_cache_dir, read_user_words
from knowledge.textnorm import normalize

INDEX_VERSION = 8
MAX_QUERY_CHARS = 200
_LONE_NUMBER = re.compile(r"^([一二三四五六七八九十]{1,2}|\d{1,2})$")
# The framing words of section and item titles (加强…工作): "网格化监管这块" names 4.2.
_TITLE_VERBS = re.compile(r"^(坚决|深入推进|扎实|健全完善|认真|加强|强化|开展|落实)+|工作$")
# Words that ask about a whole section or item rather than one requirement.
GROUP_CUES = ("部分", "这块", "这一块", "板块", "大项", "方面", "总共", "全部", "所有", "哪几条")
GROUP_WORDS = frozenset(
    (
        "考核",
        "考",
        "要求",
        "工作",
        "任务",
        "规定",
        "条款",
        "条",
        "内容",
        "有",
        "哪些",
        "都",
        "啥",
        "什么",
    )
)
FIELD_WEIGHTS = {"name": 2.0, "keywords": 2.0, "text": 1.0, "item": 0.5, "section": 0.3}


class SearchIndex:
    """The rulebook's search index. Build with :meth:`build`; search with :meth:`search`."""

    def __init__(self, rulebook: Rulebook, segmenter: Segmenter, data: dict) -> None:
        self.rulebook = rulebook
        self.segmenter = segmenter
        self.codes: list[str] = data["codes"]
        self.synonyms: list[tuple[str, list[str]]] = data["synonyms"]
        self.stopwords: frozenset[str] = data["stopwords"]
        self.offtopic, self.offtopic_asks, self.split_offtopic = offtopic_matchers(
            data["offtopic"], data["offtopic_asks"]
        )
        self.homophones = Homophones(data["readings"], data["sound_index"])
        self.parser = QueryParser(
            segmenter=segmenter,
            stopwords=self.stopwords,
            synonyms=self.synonyms,
            canonical_words=data["canonical_words"],
            homophones=self.homophones,
            offtopic=self.offtopic,
            split_offtopic=self.split_offtopic,
        )
        self.scorer = Scorer(
            codes=self.codes,
            word_space=data["word_space"],
            gram_space=data["gram_space"],
            asked_space=data["asked_space"],
            fuzzy_targets=data["fuzzy_targets"],
            canonical_words=data["canonical_words"],
            light_words=data["light_words"],
            function_words=data["function_words"],
            offtopic_asks=self.offtopic_asks,
        )
        self._related: dict[tuple[str, int], list[str]] = {}
        groups = [(s.code, s.title) for s in rulebook.sections]
        groups += [(i.code, i.title) for s in rulebook.sections for i in s.items]
        self.group_titles = [
            (code, _title_core(title))
            for code, title in groups
            if len(rulebook.units_under(code)) > 1
        ]

    # ---- building -------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        rulebook: Rulebook,
        cache_dir: Path | None = None,
        phrasings: dict[str, list[str]] | None = None,
    ) -> SearchIndex:
        """Build the index, or load it from ``cache_dir`` when nothing it depends on
        (rulebook, dictionaries, phrasings, code version) has changed. ``phrasings``
        (unit code → questions asked about it) defaults to phrasings.yaml."""
        cache_dir = cache_dir or default_cache_dir()
        segmenter = Segmenter(cache_dir, read_user_words(USER_DICT))
        if phrasings is None:
            phrasings = load_phrasings(rulebook)
        key = _fingerprint(rulebook, phrasings)
        path = cache_dir / f"index-{rulebook.id}-{key}.pickle"
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError):
            data = _build_data(rulebook, segmenter, phrasings)
            cache_dir.mkdir(parents=True, exist_ok=True)
            # a file of this process's own: two processes starting at once (a channel and
            # the CLI) each write theirs, and the last replace wins with a whole file
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        return cls(rulebook, segmenter, data)

    # ---- searching ------------------------------------------------------------------

    def search(self, query: str, k: int = 5) -> SearchResult:
        text = normalize(query)
        if not text:
            return SearchResult(query, False, mode="empty")
        if len(text) > MAX_QUERY_CHARS:
            return SearchResult(query, False, mode="too_long")
        refs = find_refs(text, self.rulebook.is_code)
        if not refs:  # "五 都考些啥": a lone number once the question words are gone
            bare = "".join(w for w in self.segmenter.terms(text) if w not in self.stopwords)
            refs = find_refs(bare, self.rulebook.is_code) if _LONE_NUMBER.match(bare) else []
        known = [r for r in refs if r.exists]
        if known:
            units = [u for r in known for u in self.rulebook.units_under(r.code)]
            codes = list(dict.fromkeys(u.code for u in units))
            return SearchResult(
                query, True, tuple(Hit(c, 1.0) for c in codes), "ref", confidence=1.0
            )
        group = self._group_by_name(text)
        if group:
            codes = [u.code for u in self.rulebook.units_under(group)]
            return SearchResult(
                query, True, tuple(Hit(c, 1.0) for c in codes), "ref", confidence=1.0
            )
        unknown = next((r.code for r in refs if r.explicit), None)
        if unknown:
            for ref in refs:
                text = text[: ref.start] + " " * (ref.end - ref.start) + text[ref.end :]
        result = self._rank(query, text, k)
        if unknown:
            result = replace(result, unknown_ref=unknown)
        return result

    def _group_by_name(self, text: str) -> str | None:
        """A section or item asked about as a whole by (part of) its title:
        "防震减灾这一部分都考核啥" → 9. Needs a word such as 部分 or 这块, and nothing
        else of substance: "防震减灾的会要参加吗" and "应急演练这块一年搞几次" are questions
        about one unit."""
        if not any(cue in text for cue in GROUP_CUES):
            return None
        best, match = None, ""
        for code, title in self.group_titles:
            common = _longest_common(title, text)
            if len(common) >= 4 and len(common) * 2 >= len(title) and len(common) > len(match):
                best, match = code, common
        if best is None:
            return None
        rest = text.replace(match, " ")
        for cue in GROUP_CUES:
            rest = rest.replace(cue, " ")
        own = {best, self.rulebook.section(best).numeral}  # "五 严格执法检查那部分"
        words = self.segmenter.terms(rest)
        if any(
            w not in self.stopwords and w not in GROUP_WORDS and w not in own and RUN.fullmatch(w)
            for w in words
        ):
            return None
        return best

    def related(self, code: str, k: int = 3) -> list[str]:
        """Units near ``code``: others that answer its own name, then its siblings."""
        key = (code, k)
        if key not in self._related:
            self._related[key] = self._find_related(code, k)
        return list(self._related[key])

    def _find_related(self, code: str, k: int) -> list[str]:
        unit = self.rulebook.unit(code)
        if unit is None:
            return []
        found = self._rank(unit.name, normalize(unit.name + " " + " ".join(unit.keywords)), k + 1)
        codes = [c for c in found.codes if c != code]
        siblings = [u.code for u in self.rulebook.units_under(unit.item_code or code)]
        for sibling in siblings:
            if sibling != code and sibling not in codes:
                codes.append(sibling)
        return codes[:k]

    def _rank(self, query: str, text: str, k: int) -> SearchResult:
        return self.scorer.rank(query, self.parser.parse(text), k)

    def _homophones(self, text: str) -> Iterable[tuple[str, str]]:
        """(span, rulebook word) pairs of homophone typos in ``text`` (homophones.py)."""
        return self.homophones.find(text)


def _title_core(title: str) -> str:
    core = _TITLE_VERBS.sub("", normalize(title))
    return core.replace("安全生产", "") if len(core) - 4 >= 4 else core


def _longest_common(a: str, b: str) -> str:
    """The longest substring of ``a`` that occurs in ``b``."""
    best = ""
    for start in range(len(a)):
        size = len(best) + 1
        while start + size <= len(a) and a[start : start + size] in b:
            best = a[start : start + size]
            size += 1
    return best


def _fingerprint(rulebook: Rulebook, phrasings: dict[str, list[str]]) -> str:
    digest = hashlib.sha1(str(INDEX_VERSION).encode())
    digest.update(repr(sorted(phrasings.items())).encode())
    for unit in rulebook.units:
        digest.update(repr((unit.code, unit.text, unit.name, unit.keywords)).encode())
    for section in rulebook.sections:
        digest.update(repr(section).encode())
    for path in (SYNONYMS, STOPWORDS, OFFTOPIC, USER_DICT):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _unit_fields(rulebook: Rulebook, unit: Unit) -> dict[str, str]:
    item = rulebook.item(unit.item_code) if unit.item_code else None
    return {
        "name": unit.name,
        "keywords": " ".join(unit.keywords),
        "text": unit.text,
        "item": item.title if item else "",
        "section": rulebook.section(unit.code).title,
    }


def _build_data(rulebook: Rulebook, segmenter: Segmenter, phrasings: dict[str, list[str]]) -> dict:
    stopwords = read_stopwords()
    offtopic, asks = read_offtopic()
    word_docs, gram_docs, fuzzy_targets, asked_docs = [], [], [], []
    vocabulary: set[str] = set()
    for unit in rulebook.units:
        words: dict[str, float] = defaultdict(float)
        grams: dict[str, float] = defaultdict(float)
        for name, value in _unit_fields(rulebook, unit).items():
            weight = FIELD_WEIGHTS[name]
            text = normalize(value)
            for w in segmenter.words(text):
                if len(w) > 1 and RUN.fullmatch(w) and w not in stopwords:
                    words[w] += weight
                    vocabulary.add(w)
            for g in bigrams(text):
                grams[g] += weight
        vocabulary.update(normalize(k) for k in unit.keywords)
        word_docs.append(words)
        gram_docs.append(grams)
        fuzzy_targets.append([normalize(t) for t in (unit.name, *unit.keywords) if len(t) > 1])
        asked_docs.append(_asked_doc(phrasings.get(unit.code, ()), segmenter, stopwords))
    synonyms, canonical_words = read_synonyms(segmenter, stopwords)
    readings, sound_index = sound_tables(vocabulary)
    return {
        "codes": [u.code for u in rulebook.units],
        "word_space": BM25Space.build(word_docs),
        "gram_space": BM25Space.build(gram_docs),
        "asked_space": BM25Space.build(asked_docs),
        "fuzzy_targets": fuzzy_targets,
        "synonyms": synonyms,
        "stopwords": stopwords,
        "readings": readings,
        "sound_index": sound_index,
        "canonical_words": canonical_words,
        "light_words": segmenter.light_words() - vocabulary,
        "function_words": segmenter.function_words() - vocabulary,
        "offtopic": offtopic - vocabulary,
        "offtopic_asks": asks - vocabulary,
    }


def _asked_doc(
    questions: Iterable[str], segmenter: Segmenter, stopwords: frozenset[str]
) -> dict[str, float]:
    """Words and ("~"-marked) bigrams of the questions asked about one unit."""
    doc: dict[str, float] = defaultdict(float)
    for question in questions:
        text = normalize(question)
        for w in set(segmenter.terms(text)) | set(segmenter.words(text)):
            if w not in stopwords and RUN.fullmatch(w):
                doc[w] += 1.0
        for g in bigrams(text):
            doc["~" + g] += 1.0
    return doc
