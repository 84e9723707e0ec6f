"""Find the rulebook units that answer a question, or say honestly that none does.

Built once at start-up from a rulebook. A question is answered, in this order, by
1. an item reference (二、1（5）, 2-1-5, 第十项 …), which names units exactly, or a section
   or item asked about as a whole by its title (防震减灾这部分都考啥);
2. ranking that combines BM25 over jieba words and over character bigrams, with
   colloquial words mapped to the rulebook's (synonyms.yaml), homophone typos mapped by
   pinyin (寻查 → 巡查), rapidfuzz against unit names and keywords, and BM25 over the
   questions officers have asked about each unit (knowledge/phrasings.py); among the best
   few, the unit that explains more of the question wins;
3. a confidence decision: the best unit must explain most of what the question says,
   or the answer is "not found" (no list of loosely related items). A word that officers
   used before when asking about the unit counts as much as the rulebook's own.
   Words of topics the rulebook does not cover (offtopic.txt: 工资, 天气, 交通安全 …) weigh
   heavily unless the unit itself says them, and asks it never answers (a phone number,
   a price, where to download a form) more heavily still.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from knowledge.model import Rulebook, Unit
from knowledge.phrasings import load_phrasings
from knowledge.refs import find_refs
from knowledge.segment import DATA_DIR, USER_DICT, Segmenter, default_cache_dir, read_user_words
from knowledge.textnorm import normalize

INDEX_VERSION = 8
SYNONYMS = DATA_DIR / "synonyms.yaml"
STOPWORDS = DATA_DIR / "stopwords.txt"
OFFTOPIC = DATA_DIR / "offtopic.txt"
MAX_QUERY_CHARS = 200
SPLIT = "..."  # in offtopic.txt (normalised), a separable verb: 请…假
ASK = "!"  # in offtopic.txt, marks what is asked for (a phone number, a price): !号码
_RUN = re.compile(r"[\u4e00-\u9fff0-9a-z%]+")
_LONE_NUMBER = re.compile(r"^([一二三四五六七八九十]{1,2}|\d{1,2})$")
_BRACKETS = re.compile(r"[()（）《》“”\"'〔〕\[\]]")

# Ranking weights and the confidence threshold, tuned on tests/data/questions/tuned.jsonl
# only (never on the held-out part).
W_WORD, W_BIGRAM, W_FUZZY = 0.45, 0.40, 0.15
W_ASKED = 0.4  # BM25 over the questions officers have asked about a unit (phrasings)
W_ASKED_COVER = 1.0  # share of a word's weight when only such a phrasing explains it
W_SYNONYM, W_HOMOPHONE = 0.8, 0.9
W_MAPPED = 0.7  # share of a word's weight when only a synonym or homophone explains it
W_OFFTOPIC = 3.0  # weight, in rarest-word units, of a word from offtopic.txt
W_OFFTOPIC_ASK = 12.0  # ... of an ask the rulebook never answers, whatever its topic
W_LIGHT_CHAR = 0.5
W_FUNCTION = 0.4  # adverbs, conjunctions, pronouns (直接, 还要)
W_LIGHT = 0.8  # weight of a word the rulebook does not use that is not a noun (遇到, 临时)
K1, B = 1.2, 0.5
MIN_COVERAGE = 0.45  # chosen on the tuned and dev parts (bench/search_bench.py)
# ... or a little less when one unit clearly stands out from the rest and nothing in the
# question is off-topic
MIN_COVERAGE_CLEAR, CLEAR_MARGIN = 0.40, 0.50
# ... or less for a long question: from LONG_FROM rarest-word units of content down to
# MIN_COVERAGE_LONG at LONG_FULL
LONG_FROM, LONG_FULL, MIN_COVERAGE_LONG = 3.0, 7.0, 0.2
RELATED_RATIO = 0.35
RERANK_DEPTH, W_COVERAGE = 5, 1.0
FUZZY_FLOOR = 70  # partial ratios below this say nothing
# Characters that are never a typo for a rulebook character (上几 is not 上级).
FUNCTION_CHARS = frozenset(
    "的地得了着过吗呢吧啊呀么几是有要不也都就在和与及或我你他她它这那哪谁啥咋个些上下中里"
)
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


@dataclass(frozen=True)
class Hit:
    code: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    found: bool
    hits: tuple[Hit, ...] = ()
    mode: str = "none"  # ref | text | none | empty | too_long
    unknown_ref: str | None = None
    confidence: float = 0.0
    offtopic: tuple[str, ...] = ()  # off-topic words in a question that was not found
    asks: tuple[str, ...] = ()  # those of them that ask for what it never says (电话多少)

    @property
    def codes(self) -> list[str]:
        return [h.code for h in self.hits]


@dataclass
class _Space:
    """A BM25 space: postings of weighted term frequencies per document."""

    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    doc_len: list[float] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    doc_terms: list[frozenset[str]] = field(default_factory=list)

    @classmethod
    def build(cls, docs: list[dict[str, float]]) -> _Space:
        space = cls(doc_len=[sum(d.values()) for d in docs])
        posting: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term, tf in doc.items():
                posting[term].append((i, tf))
        n = len(docs)
        space.postings = dict(posting)
        space.idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in posting.items()
        }
        space.doc_terms = [frozenset(d) for d in docs]
        return space

    def scores(self, query: dict[str, float], n_docs: int) -> list[float]:
        avg = (sum(self.doc_len) / len(self.doc_len)) or 1.0
        out = [0.0] * n_docs
        for term, weight in query.items():
            for doc, tf in self.postings.get(term, ()):
                norm = tf + K1 * (1 - B + B * self.doc_len[doc] / avg)
                out[doc] += weight * self.idf[term] * tf * (K1 + 1) / norm
        return out


def bigrams(text: str) -> list[str]:
    grams: list[str] = []
    for run in _RUN.findall(_BRACKETS.sub("", text)):
        if len(run) == 1:
            continue
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


def _toneless(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class _Query:
    text: str
    words: dict[str, float]
    grams: dict[str, float]
    terms: list[str]  # content words, for the confidence decision
    explained_by: dict[str, set[str]]  # term -> rulebook words that stand for it
    offtopic: dict[str, list[str]] = field(default_factory=dict)  # term -> off-topic words
    weights: dict[str, float] | None = None  # term -> weight, filled on first use


class SearchIndex:
    """The rulebook's search index. Build with :meth:`build`; search with :meth:`search`."""

    def __init__(self, rulebook: Rulebook, segmenter: Segmenter, data: dict) -> None:
        self.rulebook = rulebook
        self.segmenter = segmenter
        self.codes: list[str] = data["codes"]
        self.word_space: _Space = data["word_space"]
        self.gram_space: _Space = data["gram_space"]
        self.asked_space: _Space = data["asked_space"]
        self.fuzzy_targets: list[list[str]] = data["fuzzy_targets"]
        self._fuzzy_flat = [t for targets in self.fuzzy_targets for t in targets]
        self._fuzzy_doc = [i for i, targets in enumerate(self.fuzzy_targets) for _ in targets]
        self.synonyms: list[tuple[str, list[str]]] = data["synonyms"]
        self.stopwords: frozenset[str] = data["stopwords"]
        self.readings: dict[str, tuple[str, ...]] = data["readings"]
        self.sound_index: dict[str, list[str]] = data["sound_index"]
        self.canonical_words: dict[str, list[str]] = data["canonical_words"]
        self.light_words: frozenset[str] = data["light_words"]
        self.function_words: frozenset[str] = data["function_words"]
        words = data["offtopic"]
        self.offtopic_asks = frozenset(w.replace(SPLIT, "") for w in data["offtopic_asks"])
        self.offtopic: frozenset[str] = frozenset(w for w in words if SPLIT not in w)
        # Separable verbs said apart (请几天假 is 请假): head, up to four characters, tail.
        self.split_offtopic = [
            (w.replace(SPLIT, ""), re.compile(w.replace(SPLIT, r"[^\s，。？！]{1,4}")))
            for w in words
            if SPLIT in w
        ]
        self._related: dict[tuple[str, int], list[str]] = {}
        groups = [(s.code, s.title) for s in rulebook.sections]
        groups += [(i.code, i.title) for s in rulebook.sections for i in s.items]
        self.group_titles = [
            (code, _title_core(title))
            for code, title in groups
            if len(rulebook.units_under(code)) > 1
        ]
        self.max_idf = max(self.word_space.idf.values(), default=1.0)
        self.max_gram_idf = max(self.gram_space.idf.values(), default=1.0)

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
            tmp = path.with_suffix(".tmp")
            cache_dir.mkdir(parents=True, exist_ok=True)
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
            w not in self.stopwords and w not in GROUP_WORDS and w not in own and _RUN.fullmatch(w)
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
        q = self._parse(text)
        if not q.terms and not q.grams:
            return SearchResult(query, False, mode="none")
        off = sorted({w for words in q.offtopic.values() for w in words}, key=text.find)
        offtopic = tuple(_outermost(off))
        asks = tuple(w for w in offtopic if w in self.offtopic_asks)
        n = len(self.codes)
        words = self.word_space.scores(q.words, n)
        grams = self.gram_space.scores(q.grams, n)
        fuzzy = self._fuzzy(q)
        asked = self.asked_space.scores(_asked_terms(q.words, q.grams), n)
        combined = [
            W_WORD * _share(w, words)
            + W_BIGRAM * _share(g, grams)
            + W_FUZZY * f
            + W_ASKED * _share(a, asked)
            for w, g, f, a in zip(words, grams, fuzzy, asked, strict=True)
        ]
        order = sorted(range(n), key=lambda i: -combined[i])
        top = combined[order[0]]
        if top <= 0:
            return SearchResult(query, False, mode="none", offtopic=offtopic, asks=asks)
        order, score, confidence = self._rerank(q, order, combined)
        top = score[order[0]]
        hits = tuple(
            Hit(self.codes[i], round(score[i], 4))
            for i in order[:k]
            if score[i] >= RELATED_RATIO * top
        )
        margin = top - (score[order[1]] if len(order) > 1 else 0.0)
        found = confidence >= self._min_coverage(q) or (
            confidence >= MIN_COVERAGE_CLEAR and margin >= CLEAR_MARGIN and not q.offtopic
        )
        return SearchResult(
            query,
            found,
            hits if found else (),
            "text" if found else "none",
            confidence=round(confidence, 3),
            offtopic=() if found else offtopic,
            asks=() if found else asks,
        )

    def _rerank(
        self, q: _Query, order: list[int], combined: list[float]
    ) -> tuple[list[int], list[float], float]:
        """Among the best few, prefer the unit that explains more of the question.

        Returns the new order, every unit's final score and the coverage of the best."""
        best = combined[order[0]]
        score = [c / best for c in combined]
        head = order[:RERANK_DEPTH]
        coverage = {i: self._coverage(q, i) for i in head}
        for i in head:
            score[i] += W_COVERAGE * coverage[i]
        head.sort(key=lambda i: -score[i])
        return head + order[RERANK_DEPTH:], score, coverage[head[0]]

    def _parse(self, text: str) -> _Query:
        words: dict[str, float] = {}
        grams: dict[str, float] = {}
        explained: dict[str, set[str]] = defaultdict(set)
        terms = list(
            dict.fromkeys(
                w
                for w in self.segmenter.terms(text)
                if w not in self.stopwords and _RUN.fullmatch(w)
            )
        )
        for word in self.segmenter.words(text):
            content = word not in self.stopwords and _RUN.fullmatch(word)
            if content and (len(word) > 1 or word.isdigit()):
                words[word] = 1.0
        for gram in bigrams(self._strip_stopwords(text)):
            grams[gram] = 1.0
        for variant, canonicals in self.synonyms:
            if variant in terms or (len(variant) > 1 and variant in text):
                for canonical in canonicals:
                    self._expand(canonical, W_SYNONYM, words, grams)
                    for term in terms:
                        if variant in term or term in variant:
                            explained[term].add(canonical)
        for span, word in self._homophones(text):
            self._expand(word, W_HOMOPHONE, words, grams)
            for term in terms:
                if term in span or span in term:
                    explained[term].add(word)
        hits = [w for w in self.offtopic if w in text]
        hits += [word for word, pattern in self.split_offtopic if pattern.search(text)]
        offtopic = {t: found for t in terms if (found := [w for w in hits if t in w or w in t])}
        for word in hits:  # made only of question words (出来没): it stands for itself
            if not any(word in found for found in offtopic.values()):
                terms.append(word)
                offtopic[word] = [word]
        return _Query(text, words, grams, terms, explained, offtopic)

    def _strip_stopwords(self, text: str) -> str:
        return "".join(" " if w in self.stopwords else w for w in self.segmenter.terms(text))

    def _expand(
        self, word: str, weight: float, words: dict[str, float], grams: dict[str, float]
    ) -> None:
        for token in self.canonical_words.get(word) or self._content_words(word):
            words[token] = max(words.get(token, 0.0), weight)
        for gram in bigrams(normalize(word)):
            grams[gram] = max(grams.get(gram, 0.0), weight)

    def _content_words(self, text: str) -> list[str]:
        return [
            w
            for w in self.segmenter.words(normalize(text))
            if len(w) > 1 and w not in self.stopwords and _RUN.fullmatch(w)
        ]

    def _homophones(self, text: str) -> Iterable[tuple[str, str]]:
        """(span, rulebook word) pairs where the span sounds like the word and differs from
        it in at least one character (never a function word such as 几 or 的) while
        sharing at least one."""
        for run in _RUN.findall(text):
            for size in (4, 3, 2):
                for start in range(len(run) - size + 1):
                    span = run[start : start + size]
                    if "#" + span in self.sound_index:
                        continue
                    for key in self._sound_keys(span):
                        for word in self.sound_index.get(key, ()):
                            if self._is_typo_of(span, word):
                                yield span, word

    @staticmethod
    def _is_typo_of(span: str, word: str) -> bool:
        differing = [a for a, b in zip(span, word, strict=True) if a != b]
        return 0 < len(differing) < len(span) and not any(c in FUNCTION_CHARS for c in differing)

    def _sound_keys(self, span: str) -> list[str]:
        options = [self.readings.get(c) or (c,) for c in span]
        combos = itertools.islice(itertools.product(*options), 16)
        return [" ".join(c) for c in combos]

    def _fuzzy(self, q: _Query) -> list[float]:
        """rapidfuzz partial ratio of the question against every unit name and keyword:
        catches typos and fragments that no word or bigram matches."""
        core = "".join(q.terms)
        out = [0.0] * len(self.codes)
        if len(core) < 2:
            return out
        matches = process.extract(
            core, self._fuzzy_flat, scorer=fuzz.partial_ratio, limit=None, score_cutoff=FUZZY_FLOOR
        )
        for _, score, index in matches:
            doc = self._fuzzy_doc[index]
            out[doc] = max(out[doc], (score - FUZZY_FLOOR) / (100 - FUZZY_FLOOR))
        return out

    def _coverage(self, q: _Query, doc: int) -> float:
        """Share of the question's content (weighted by rarity) that the unit explains.

        A word the rulebook itself uses counts fully; one that only a synonym or a
        homophone explains counts a little less, so that a question made entirely of
        loosely mapped everyday words ("这个月工资什么时候发") is not taken as in scope.
        A word officers used when asking about the unit before (phrasings) counts
        W_ASKED_COVER.
        """
        doc_words = self.word_space.doc_terms[doc]
        doc_grams = self.gram_space.doc_terms[doc]
        asked = self.asked_space.doc_terms[doc]
        covered = 0.0
        for term, weight in self._weights(q).items():
            if term in q.offtopic:
                if any(self._says(w, doc_words, doc_grams) for w in q.offtopic[term]):
                    covered += weight
                continue
            if self._explains(term, doc_words, doc_grams):
                covered += weight
            elif any(
                self._stands_in(w, doc_words, doc_grams) for w in q.explained_by.get(term, ())
            ):
                covered += weight * W_MAPPED
            elif term in asked or ("~" + term) in asked:
                covered += weight * W_ASKED_COVER
        total = sum(self._weights(q).values())
        return covered / total if total else 0.0

    def _weights(self, q: _Query) -> dict[str, float]:
        """Each content word's weight in the question: its rarity, or more for an
        off-topic word."""
        if q.weights is None:
            q.weights = {t: self._weight(t, q.offtopic.get(t, ())) for t in q.terms}
        return q.weights

    def _weight(self, term: str, offtopic: Iterable[str]) -> float:
        words = set(offtopic)
        if not words:
            return self._rarity(term)
        share = W_OFFTOPIC_ASK if words & self.offtopic_asks else W_OFFTOPIC
        return max(self._rarity(term), self.max_idf * share)

    def _min_coverage(self, q: _Query) -> float:
        """The share of a question a unit must explain. A long question is mostly the
        asker's own story ("我们社区上个月……，这个算不算……"), so a smaller share of it
        explained by one unit is enough; not when it touches a topic the rulebook leaves
        out (offtopic.txt)."""
        # numbers are what the story is about, not more of it (2700块钱分给3个社区)
        length = sum(self._rarity(t) for t in q.terms if not t.isdigit()) / self.max_idf
        if length <= LONG_FROM or q.offtopic:
            return MIN_COVERAGE
        drop = min(1.0, (length - LONG_FROM) / (LONG_FULL - LONG_FROM))
        return MIN_COVERAGE - drop * (MIN_COVERAGE - MIN_COVERAGE_LONG)

    def _rarity(self, term: str) -> float:
        if term in self.word_space.idf:
            return self.word_space.idf[term]
        if term in self.function_words:
            return self.max_idf * W_FUNCTION
        if term in self.light_words:
            return self.max_idf * (W_LIGHT_CHAR if len(term) == 1 else W_LIGHT)
        grams = bigrams(term)
        if not grams:
            return self.max_idf * (1.0 if term.isdigit() else 0.5)
        idf = self.gram_space.idf
        return sum(idf.get(g, self.max_gram_idf) for g in grams) / len(grams)

    @staticmethod
    def _says(word: str, doc_words: frozenset[str], doc_grams: frozenset[str]) -> bool:
        return word in doc_words or all(g in doc_grams for g in bigrams(word) or [word])

    def _stands_in(self, word: str, doc_words: frozenset[str], doc_grams: frozenset[str]) -> bool:
        """A rulebook word a synonym stands for is in the unit, or at least its rarest part
        is (村（社区） in a unit that says 社区（村）)."""
        if self._explains(word, doc_words, doc_grams):
            return True
        parts = [w for w in self.canonical_words.get(word, ()) if w in self.word_space.idf]
        return bool(parts) and max(parts, key=self.word_space.idf.__getitem__) in doc_words

    def _explains(self, term: str, doc_words: frozenset[str], doc_grams: frozenset[str]) -> bool:
        if term in doc_words:
            return True
        grams = bigrams(normalize(term))
        if grams:
            return sum(g in doc_grams for g in grams) * 2 > len(grams) or (
                len(grams) == 1 and grams[0] in doc_grams
            )
        return any(term in g for g in doc_grams)


def _outermost(words: list[str]) -> list[str]:
    """Drop words contained in another one (防溺水 keeps 防溺水, not 溺水)."""
    return [w for w in words if not any(w != other and w in other for other in words)]


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


def _share(value: float, values: list[float]) -> float:
    top = max(values)
    return value / top if top > 0 else 0.0


def _asked_terms(words: dict[str, float], grams: dict[str, float]) -> dict[str, float]:
    return {**words, **{"~" + g: w for g, w in grams.items()}}


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


def _word_list(path: Path) -> frozenset[str]:
    return frozenset(
        normalize(w)
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    )


def _build_data(rulebook: Rulebook, segmenter: Segmenter, phrasings: dict[str, list[str]]) -> dict:
    stopwords = _word_list(STOPWORDS)
    marked = _word_list(OFFTOPIC)
    asks = frozenset(w.removeprefix(ASK) for w in marked if w.startswith(ASK))
    offtopic = frozenset(w.removeprefix(ASK) for w in marked)
    word_docs, gram_docs, fuzzy_targets, asked_docs = [], [], [], []
    vocabulary: set[str] = set()
    for unit in rulebook.units:
        words: dict[str, float] = defaultdict(float)
        grams: dict[str, float] = defaultdict(float)
        for name, value in _unit_fields(rulebook, unit).items():
            weight = FIELD_WEIGHTS[name]
            text = normalize(value)
            for w in segmenter.words(text):
                if len(w) > 1 and _RUN.fullmatch(w) and w not in stopwords:
                    words[w] += weight
                    vocabulary.add(w)
            for g in bigrams(text):
                grams[g] += weight
        vocabulary.update(normalize(k) for k in unit.keywords)
        word_docs.append(words)
        gram_docs.append(grams)
        fuzzy_targets.append([normalize(t) for t in (unit.name, *unit.keywords) if len(t) > 1])
        asked_docs.append(_asked_doc(phrasings.get(unit.code, ()), segmenter, stopwords))
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
    readings, sound_index = _sound_tables(vocabulary)
    return {
        "codes": [u.code for u in rulebook.units],
        "word_space": _Space.build(word_docs),
        "gram_space": _Space.build(gram_docs),
        "asked_space": _Space.build(asked_docs),
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
            if w not in stopwords and _RUN.fullmatch(w):
                doc[w] += 1.0
        for g in bigrams(text):
            doc["~" + g] += 1.0
    return doc


def _sound_tables(vocabulary: set[str]) -> tuple[dict[str, tuple[str, ...]], dict[str, list[str]]]:
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
