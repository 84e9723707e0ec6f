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
   a price, where to download a form) more heavily still. A long question, mostly the
   asker's own story, needs a smaller share explained, unless an off-topic word is in
   what it asks rather than in the story. In ranking, what is said only in the story
   weighs less when what is asked names a topic of its own; a leader passing the
   question on (主任问……) is not its topic.

Modules, each importing only those listed before it:
- terms: how text is cut into runs and character bigrams;
- vocabulary: the synonym, stopword and off-topic files;
- homophones: pinyin sound tables and homophone typos;
- scoring: the weights and threshold, BM25 spaces, ranking, re-ranking, found / not found;
- query: a question parsed into terms, expansions and off-topic words;
- index: building the index, its on-disk cache, and SearchIndex (step 1, then 2 and 3).
This package re-exports the public names that ``knowledge.search`` has always had.
"""

from knowledge.search.homophones import FUNCTION_CHARS
from knowledge.search.index import (
    FIELD_WEIGHTS,
    GROUP_CUES,
    GROUP_WORDS,
    INDEX_VERSION,
    MAX_QUERY_CHARS,
    SearchIndex,
)
from knowledge.search.scoring import (
    CLEAR_MARGIN,
    FUZZY_FLOOR,
    K1,
    LONG_FROM,
    LONG_FULL,
    MIN_COVERAGE,
    MIN_COVERAGE_CLEAR,
    MIN_COVERAGE_LONG,
    RELATED_RATIO,
    RERANK_DEPTH,
    STORY_QUIET_FROM,
    W_ASKED,
    W_ASKED_COVER,
    W_BIGRAM,
    W_COVERAGE,
    W_FUNCTION,
    W_FUZZY,
    W_HOMOPHONE,
    W_LIGHT,
    W_LIGHT_CHAR,
    W_MAPPED,
    W_OFFTOPIC,
    W_OFFTOPIC_ASK,
    W_STORY,
    W_SYNONYM,
    W_WORD,
    B,
    Hit,
    SearchResult,
)

# Index caches written before this package was split pickled their BM25 spaces as
# knowledge.search._Space; the alias lets them load without a rebuild.
from knowledge.search.scoring import BM25Space as _Space  # noqa: F401
from knowledge.search.terms import bigrams
from knowledge.search.vocabulary import ASK, OFFTOPIC, SPLIT, STOPWORDS, SYNONYMS

__all__ = [
    "ASK",
    "CLEAR_MARGIN",
    "FIELD_WEIGHTS",
    "FUNCTION_CHARS",
    "FUZZY_FLOOR",
    "GROUP_CUES",
    "GROUP_WORDS",
    "INDEX_VERSION",
    "K1",
    "LONG_FROM",
    "LONG_FULL",
    "MAX_QUERY_CHARS",
    "MIN_COVERAGE",
    "MIN_COVERAGE_CLEAR",
    "MIN_COVERAGE_LONG",
    "OFFTOPIC",
    "RELATED_RATIO",
    "RERANK_DEPTH",
    "SPLIT",
    "STOPWORDS",
    "STORY_QUIET_FROM",
    "SYNONYMS",
    "W_ASKED",
    "W_ASKED_COVER",
    "W_BIGRAM",
    "W_COVERAGE",
    "W_FUNCTION",
    "W_FUZZY",
    "W_HOMOPHONE",
    "W_LIGHT",
    "W_LIGHT_CHAR",
    "W_MAPPED",
    "W_OFFTOPIC",
    "W_OFFTOPIC_ASK",
    "W_STORY",
    "W_SYNONYM",
    "W_WORD",
    "B",
    "Hit",
    "SearchIndex",
    "SearchResult",
    "bigrams",
]
