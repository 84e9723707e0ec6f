"""Parsing a question into the ``Query`` that scoring.py ranks units by.

Owns ``QueryParser``: a normalised question becomes its content terms (jieba's precise
words less stopwords, for the confidence decision), the words and bigrams it is searched
by, their expansions by synonym (W_SYNONYM) and by homophone (W_HOMOPHONE, homophones.py),
which rulebook words stand for each term, the off-topic words it says, and the terms
said only in the asker's own story (clauses that do not ask, ``Query.story``). A leader
named as the one passing the question on ("主任问……", "书记说……") is left out first: the
teller is not the topic, only part of the telling (``Query.told_by``, for its length).
Invariants: a question's own words and bigrams weigh 1.0, or
W_STORY when said only in the story and what is asked names STORY_QUIET_FROM content words
of its own; an expansion weighs its own weight times that same factor of where its
everyday word was said, and never lowers a weight already given; each term is listed
once, in the order the question says it, followed by any off-topic word made only of
stopwords (出来没), which is a term of its own. Synonyms and off-topic words are looked for
only among those whose first character the question has (each is a substring of it when
said), in their lists' own order.
"""

from __future__ import annotations

import re
from collections import defaultdict

from knowledge.search.homophones import Homophones
from knowledge.search.scoring import STORY_QUIET_FROM, W_HOMOPHONE, W_STORY, W_SYNONYM, Query
from knowledge.search.terms import RUN, bigrams
from knowledge.segment import Segmenter
from knowledge.textnorm import normalize

# Where a long question breaks into clauses, and what marks a clause that asks.
_CLAUSE_BREAK = re.compile(r"[,，。.?？!！;；:：\s]+")
_ASK_CUE = re.compile(
    r"[吗么呢?？]|要不要|是不是|算不算|能不能|可不可以|需不需要|用不用|有没有|有莫得|莫得|没得"
    r"|咋|怎么|如何|哪|啥|什么|几|多少|好久|好多|细则|考核|规定|要求|行不|扣不|对不|[不没]$"
)
# ... but not a question word that only says "some" or "any": 那几天, 好几项, 十几家, 啥子事都
_INDEFINITE = re.compile(r"[那这好十]几|几[十百千万]|(?:啥|什么|哪样)子?[事人]?都")
# Who passes the question on ("主任问……", "安办主任说……", "书记让我……") or asks it ("我是
# 村书记"): a leader named with the verb of saying or telling right after, or as what the
# asker is, is not what is asked about (主任 alone would stand for 主要领导 and pull 2.1.5).
_LEADER = r"(?:副?书记|副?主任|领导|站长|所长|科长|局长)"
_TELLER = re.compile(
    r"(?:街道|社区|村委会|村|安办|应急办|办事处|党工委|分管|我们|上面)?"
    + _LEADER
    + r"(?=[也又就还老都却]?(?:说|问|让|叫|喊|告诉|交代|觉得|认为))"
    + r"|我是(?![想说问要讲])[^,，。.?？!！;；\s]{0,4}?"  # not 我是想问书记要不要…
    + _LEADER
)


class QueryParser:
    """Parses questions with the index's segmenter and vocabulary (vocabulary.py)."""

    def __init__(
        self,
        *,
        segmenter: Segmenter,
        stopwords: frozenset[str],
        synonyms: list[tuple[str, list[str]]],
        canonical_words: dict[str, list[str]],
        homophones: Homophones,
        offtopic: frozenset[str],
        split_offtopic: list[tuple[str, re.Pattern[str]]],
    ) -> None:
        self.segmenter = segmenter
        self.stopwords = stopwords
        self.synonyms = synonyms
        self.canonical_words = canonical_words
        self.homophones = homophones
        self.offtopic = offtopic
        self.split_offtopic = split_offtopic
        self._synonyms_at = _by_first_char([variant for variant, _ in synonyms])
        self._offtopic_list = list(offtopic)  # the set's own order, as it was always read
        self._offtopic_at = _by_first_char(self._offtopic_list)

    def parse(self, text: str) -> Query:
        tellers = [m.group() for m in _TELLER.finditer(text)]
        text = _TELLER.sub(lambda m: " " * len(m.group()), text)
        asked = self._asking(text)
        # what is said only in the story weighs less in ranking, when what is asked names
        # enough of its own to be searched by (else the story is the topic: "发现滑坡、山洪
        # 这些灾害隐患，街道要咋个处置")
        quiet = asked is not None and len(self._content(asked)) >= STORY_QUIET_FROM

        def told(span: str) -> float:
            return W_STORY if quiet and asked is not None and span not in asked else 1.0

        words: dict[str, float] = {}
        grams: dict[str, float] = {}
        explained: dict[str, set[str]] = defaultdict(set)
        terms = list(
            dict.fromkeys(
                w
                for w in self.segmenter.terms(text)
                if w not in self.stopwords and RUN.fullmatch(w)
            )
        )
        for word in self.segmenter.words(text):
            content = word not in self.stopwords and RUN.fullmatch(word)
            if content and (len(word) > 1 or word.isdigit()):
                words[word] = max(words.get(word, 0.0), told(word))
        for gram in bigrams(self._strip_stopwords(text)):
            grams[gram] = max(grams.get(gram, 0.0), told(gram))
        for i in _said(self._synonyms_at, text):
            variant, canonicals = self.synonyms[i]
            if variant in terms or (len(variant) > 1 and variant in text):
                for canonical in canonicals:
                    self._expand(canonical, W_SYNONYM * told(variant), words, grams)
                    for term in terms:
                        if variant in term or term in variant:
                            explained[term].add(canonical)
        for span, word in self.homophones.find(text):
            self._expand(word, W_HOMOPHONE * told(span), words, grams)
            for term in terms:
                if term in span or span in term:
                    explained[term].add(word)
        hits = [w for i in _said(self._offtopic_at, text) if (w := self._offtopic_list[i]) in text]
        hits += [word for word, pattern in self.split_offtopic if pattern.search(text)]
        offtopic = {t: found for t in terms if (found := [w for w in hits if t in w or w in t])}
        for word in hits:  # made only of question words (出来没): it stands for itself
            if not any(word in found for found in offtopic.values()):
                terms.append(word)
                offtopic[word] = [word]
        story = frozenset(t for t in terms if asked is not None and t not in asked)
        told_by = tuple(w for teller in tellers for w in self._content(teller))
        return Query(text, words, grams, terms, explained, offtopic, story=story, told_by=told_by)

    @staticmethod
    def _asking(text: str) -> str | None:
        """What a question of several clauses asks, or None when it tells no story: those
        clauses ("村里有人触电，调查组要调材料，街道要配合吗") with a question word or a
        word about the rulebook (_ASK_CUE), joined by spaces; the others tell the story.
        One clause, or none or all of them asking, is no story."""
        clauses = [c for c in _CLAUSE_BREAK.split(text) if RUN.search(c)]
        if len(clauses) < 2:
            return None
        asks = [c for c in clauses if _ASK_CUE.search(_INDEFINITE.sub(" ", c))]
        if not asks or len(asks) == len(clauses):
            return None
        return " ".join(asks)

    def _content(self, text: str) -> set[str]:
        """The distinct content words of ``text`` of two characters or more."""
        return {
            w
            for w in self.segmenter.terms(text)
            if len(w) > 1 and w not in self.stopwords and RUN.fullmatch(w)
        }

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
            if len(w) > 1 and w not in self.stopwords and RUN.fullmatch(w)
        ]


def _by_first_char(words: list[str]) -> dict[str, list[int]]:
    """Positions of ``words`` by their first character ("" under "")."""
    out: dict[str, list[int]] = defaultdict(list)
    for i, word in enumerate(words):
        out[word[:1]].append(i)
    return dict(out)


def _said(by_first: dict[str, list[int]], text: str) -> list[int]:
    """Positions (in order) of the words that may be in ``text``: those starting with one
    of its characters, and the empty one."""
    found = [i for ch in {*text, ""} for i in by_first.get(ch, ())]
    found.sort()
    return found
