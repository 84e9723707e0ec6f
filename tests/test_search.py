from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from knowledge.search import FUZZY_FLOOR, K1, W_STORY, B, SearchIndex
from knowledge.search.query import _said
from knowledge.search.terms import RUN
from knowledge.segment import read_user_words
from knowledge.textnorm import normalize


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("社区安全专干每周要巡查几次", "4.2.3"),
        ("村里安全员一个月要交啥材料", "4.2.3"),
        ("应急遇案培训", "8.1.3"),
        ("专干每周寻查几次", "4.2.3"),
        ("引患排查清单销号", "3.3.5"),
        ("销号", "3.3.5"),
        ("安康杯", "2.2.1"),
        ("党委会一个季度开几次", "2.1.6"),
        ("地震宏观联络员月报表", "9.4"),
        ("打飞治违", "3.4.3"),
    ],
)
def test_questions_find_their_unit_first(index: SearchIndex, query: str, code: str):
    result = index.search(query)
    assert result.found and result.codes[0] == code


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("2.1.5", ["2.1.5"]),
        ("二、1（5）", ["2.1.5"]),
        ("五（3）", ["5.3"]),
        ("第十项", ["10"]),
        ("9-5", ["9.5"]),
        ("二、2（3）是什么", ["2.2.3"]),
    ],
)
def test_references_resolve_exactly(index: SearchIndex, query: str, codes: list[str]):
    result = index.search(query)
    assert result.mode == "ref" and result.codes == codes


def test_item_and_section_codes_name_their_clauses(index: SearchIndex):
    assert index.search("2.1").codes == [f"2.1.{i}" for i in range(1, 13)]
    assert index.search("第五部分").codes == [f"5.{i}" for i in range(1, 7)]


@pytest.mark.parametrize(
    ("query", "group"),
    [
        ("应急演练这块都考啥", "8.2"),
        ("防震减灾这部分有哪些要求", "9"),
        ("网格化监管这块", "4.2"),
        ("五 严格执法检查那部分全部要求", "5"),
    ],
)
def test_a_section_or_item_asked_by_name_gives_all_its_clauses(
    index: SearchIndex, query: str, group: str
):
    result = index.search(query, k=20)
    assert result.codes == [u.code for u in index.rulebook.units_under(group)]


@pytest.mark.parametrize("query", ["防震减灾的会要参加吗", "应急演练这块一年搞几次"])
def test_a_question_about_one_requirement_is_not_a_whole_part(index: SearchIndex, query: str):
    assert index.search(query).mode == "text"


@pytest.mark.parametrize(
    "query", ["差旅费怎么报销", "帮我写一份年终总结", "今天天气怎么样", "微信怎么建群", "你好"]
)
def test_out_of_scope_is_not_found(index: SearchIndex, query: str):
    result = index.search(query)
    assert not result.found and result.hits == ()


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("年终奖什么时候发", None),
        ("专干的补贴从哪里出", "2.1.11"),
        ("国企老总的工资跟安全生产挂不挂钩", "3.2.5"),
        ("放假前要不要排查隐患", "3.3.2"),
        ("国企负责人的工资要和安全生产挂钩吗", "3.2.5"),
        ("交通安全宣传进学校怎么搞", None),
        ("交通运输专项整治月报", "3.1.5"),
        ("帮我写一份巡查记录", None),
    ],
)
def test_an_off_topic_word_needs_a_unit_that_says_it(
    index: SearchIndex, query: str, code: str | None
):
    result = index.search(query)
    assert result.found == (code is not None)
    assert result.codes[:1] == ([code] if code else [])


@pytest.mark.parametrize(
    ("query", "word"), [("专干下周想请两天假", "请假"), ("春节一共放几天假呀", "放假")]
)
def test_a_separable_off_topic_verb_said_apart_is_off_topic(
    index: SearchIndex, query: str, word: str
):
    result = index.search(query)
    assert not result.found and result.offtopic == (word,)


@pytest.fixture(scope="module")
def bare_index(rulebook, cache_dir) -> SearchIndex:
    """Search without phrasings: what the vocabulary files alone can do."""
    return SearchIndex.build(rulebook, cache_dir, {})


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("综合预案和分类预案要公开吗", "8.1.1"),  # 综合/分类预案 are 总体/专项预案
        ("火灾和防汛演练", "8.2.1"),  # 火灾 is 消防, 防汛 a 自然灾害
        ("企业全体人员都有岗位安全责任吗", "3.2.1"),  # 全体 is 全员
        ("考核细则里专干要巡查几次", "4.2.3"),  # every question is about the 细则
    ],
)
def test_everyday_words_reach_the_rulebook_without_phrasings(
    bare_index: SearchIndex, query: str, code: str
):
    result = bare_index.search(query)
    assert result.found and result.codes[0] == code


@pytest.mark.parametrize("query", ["应急局电话是多少", "工伤认定要准备哪些材料"])
def test_asking_for_a_number_or_a_personal_matter_is_out_of_scope(
    bare_index: SearchIndex, query: str
):
    assert not bare_index.search(query).found


STORY = "我们社区前两天组织居民在小区里搞了一场地震疏散演练，喇叭一响大家往空地跑，"


def test_a_long_story_is_found_though_most_of_it_is_context(bare_index: SearchIndex):
    result = bare_index.search(STORY + "这个算不算完成了防震减灾演练")
    assert result.found and "9.3" in result.codes[:3]
    assert result.confidence < 0.4  # below the bar for a short question


def test_a_long_story_about_an_off_topic_matter_keeps_the_full_bar(bare_index: SearchIndex):
    assert not bare_index.search(STORY + "参加演练的人加班工资咋个算").found


def test_an_off_topic_word_only_in_the_story_keeps_the_long_question_allowance(
    bare_index: SearchIndex,
):
    # 电线 is off-topic (how to wire a socket), but here it is only what the officer saw
    result = bare_index.search(
        "村里有户人家从电杆上拉电线，下雨天冒火花，专干巡查报上去了，街道要不要处置"
    )
    assert result.found and "4.2.4" in result.codes[:2]


def test_the_story_is_the_clauses_that_do_not_ask(index: SearchIndex):
    query = index.parser.parse(normalize("厂里有人触电，调查组要调材料，街道要配合吗"))
    assert "触电" in query.story and "调查组" in query.story
    assert not {"街道", "配合"} & query.story
    assert index.parser.parse(normalize("厂里有人触电，街道要配合吗？")).story == {"厂里", "触电"}
    # 那几天 says "some days", not "how many": that clause tells the story
    query = index.parser.parse(normalize("春节那几天小作坊着火伤了人，重点时段出事故考核要扣吗"))
    assert "着火" in query.story and "重点时段" not in query.story
    for one_clause in ("专干一周要巡查几次", "专干巡查，记录，报送"):
        assert index.parser.parse(normalize(one_clause)).story == frozenset()


def test_a_leader_passing_the_question_on_is_not_its_topic(index: SearchIndex):
    for text in ("主任问我们要不要跟消防站建联动机制", "安办主任说专干职责要写明白"):
        query = index.parser.parse(normalize(text))
        assert not {"主任", "安办"} & set(query.terms)
        assert "主要领导" not in query.words
        assert "主任" in query.told_by  # still part of how long the telling is
    assert "书记" not in index.parser.parse(normalize("我是村里的书记，专干要巡查几次")).terms
    # a leader who does what is asked about stays
    assert "主任" in index.parser.parse(normalize("主任每个月要带队检查几次")).terms
    assert "书记" in index.parser.parse(normalize("我是想问书记要不要带队检查")).terms


def test_the_story_weighs_less_when_the_ask_names_its_own_topic(index: SearchIndex):
    query = index.parser.parse(
        normalize("村专干说他只管巡查别的一概不管，街道要不要把专干职责写明白")
    )
    assert query.words["巡查"] == W_STORY and query.words["职责"] == 1.0
    assert query.words["专干"] == 1.0  # said in the ask as well
    # a generic ask: the story is the topic and keeps its full weight
    query = index.parser.parse(normalize("发现滑坡、山洪这些灾害隐患，街道要咋个处置"))
    assert query.words["滑坡"] == 1.0


@pytest.mark.parametrize(
    "query", ["今天是星期几", "你是谁做的", "明天会下雨吗", "给网格员买意外保险是哪条规定的"]
)
def test_chat_weather_and_insurance_are_out_of_scope(bare_index: SearchIndex, query: str):
    assert not bare_index.search(query).found


def test_rain_as_a_hazard_is_in_scope(bare_index: SearchIndex):
    result = bare_index.search("下大雨村头山上掉石头了要咋个处置")
    assert result.found and "6.2" in result.codes[:2]


@pytest.mark.parametrize(
    "query",
    [
        "应急管理局震情值班的电话号码是多少",  # every other word is the rulebook's
        "举报隐患的奖励一次能拿好多钱",
        "宏观联络员月报表的模板哪点下载",
    ],
)
def test_an_ask_the_rulebook_never_answers_is_out_of_scope(bare_index: SearchIndex, query: str):
    assert not bare_index.search(query).found


def test_the_same_words_without_that_ask_are_in_scope(bare_index: SearchIndex):
    result = bare_index.search("晚上值班电话要有人接吗")
    assert result.found and {"7.2", "9.4"} & set(result.codes[:2])


def test_an_off_topic_ask_made_of_question_words_still_counts(bare_index: SearchIndex):
    # 出来 and 没有 are question words; "出来没" (is it out yet) is still an ask
    assert not bare_index.search("2024年的细则出来没有").found


def test_another_districts_rules_are_out_of_scope(bare_index: SearchIndex):
    assert not bare_index.search("五华区的街道安全生产考核是咋个规定的").found


def test_off_topic_words_are_not_rulebook_language(index: SearchIndex):
    from knowledge.search import OFFTOPIC

    listed = {
        w.replace("…", "").removeprefix("!")
        for line in OFFTOPIC.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
        for w in line.split()
    }
    corpus = "".join(u.text + u.name for u in index.rulebook.units)
    assert sorted(w for w in listed if w in corpus) == []


def test_no_word_is_both_off_topic_and_a_synonym(index: SearchIndex):
    variants = {v for v, _ in index.synonyms}
    assert sorted(index.offtopic & variants) == []


def test_unknown_code_is_reported(index: SearchIndex):
    result = index.search("2.1.15")
    assert not result.found and result.unknown_ref == "2.1.15"


def test_empty_and_huge_queries(index: SearchIndex):
    assert index.search("   ").mode == "empty"
    assert index.search("巡查" * 5000).mode == "too_long"


def test_domain_words_keep_their_sub_words(index: SearchIndex):
    """jieba's add_word hides a term's sub-words from cut_for_search unless they are in the
    dictionary: every sub-word of a domain term that the rulebook itself uses must still
    find a unit that contains it."""
    texts = {u.code: u.text + u.name + "".join(u.keywords) for u in index.rulebook.units}
    checked = 0
    for word, _ in read_user_words():
        for size in (2, 3):
            for start in range(len(word) - size + 1):
                sub = word[start : start + size]
                if sub == word or not re.fullmatch(r"[\u4e00-\u9fff]+", sub):
                    continue
                holders = {c for c, text in texts.items() if sub in text}
                if not holders or sub not in index.segmenter.words(sub):
                    continue
                result = index.search(sub, k=10)
                assert set(result.codes) & holders, sub
                checked += 1
    assert checked > 50


def test_index_is_cached(rulebook, cache_dir):
    first = SearchIndex.build(rulebook, cache_dir)
    assert list(cache_dir.glob("index-*.pickle"))
    again = SearchIndex.build(rulebook, cache_dir)
    assert again.search("巡查").codes == first.search("巡查").codes


def test_stopwords_never_hide_a_domain_word(index: SearchIndex):
    domain = {w for w, _ in read_user_words()}
    domain |= {k for u in index.rulebook.units for k in u.keywords}
    assert sorted(index.stopwords & domain) == []


def test_every_synonym_target_is_rulebook_language(index: SearchIndex):
    corpus = "".join(
        u.text + u.name + "".join(u.keywords) for u in index.rulebook.units
    ) + "".join(s.title for s in index.rulebook.sections)
    targets = {c for _, canonicals in index.synonyms for c in canonicals}
    missing = sorted(c for c in targets if c not in corpus)
    assert missing == []


def test_data_files_define_each_key_once():
    from knowledge.search import SYNONYMS

    keys = [
        line.split(":", 1)[0]
        for line in SYNONYMS.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith(("#", " "))
    ]
    assert len(keys) == len(set(keys))


# ---- speed-ups that must not change any result ----------------------------------------


def _asked_questions() -> list[str]:
    path = Path(__file__).parent / "data" / "questions" / "tuned.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def test_the_fuzzy_pre_filter_keeps_every_name_that_can_reach_the_floor(index: SearchIndex):
    scorer = index.scorer
    names = scorer._fuzzy_flat
    texts = [normalize(q) for q in _asked_questions()]
    texts += [name[1:] + "的要求" for name in names] + [name[::-1] for name in names]
    kept = 0
    for text in texts:
        near = scorer._fuzzy_candidates(text)
        reached = process.extract(
            text, names, scorer=fuzz.partial_ratio, limit=None, score_cutoff=FUZZY_FLOOR
        )
        assert {i for _, _, i in reached} <= set(near), text
        assert near == sorted(near)
        kept += len(near)
    assert kept < len(texts) * len(names) / 10  # it does leave most names out


def test_bm25_scores_are_the_formulas_own(index: SearchIndex):
    """The prepared spaces give every unit the very float the formula gives."""
    n = len(index.codes)
    for question in _asked_questions()[::5]:
        q = index.parser.parse(normalize(question))
        for space, terms in (
            (index.scorer.word_space, q.words),
            (index.scorer.gram_space, q.grams),
            (index.scorer.asked_space, {**q.words, **{"~" + g: w for g, w in q.grams.items()}}),
        ):
            avg = (sum(space.doc_len) / len(space.doc_len)) or 1.0
            expected = [0.0] * n
            for term, weight in terms.items():
                for doc, tf in space.postings.get(term, ()):
                    norm = tf + K1 * (1 - B + B * space.doc_len[doc] / avg)
                    expected[doc] += weight * space.idf[term] * tf * (K1 + 1) / norm
            assert space.scores(terms, n) == expected, question


def test_a_cut_kept_for_a_text_is_handed_out_as_a_new_list(index: SearchIndex):
    segmenter = index.segmenter
    first = segmenter.words("社区安全专干每周巡查")
    first.append("改了")
    assert segmenter.words("社区安全专干每周巡查") == first[:-1]
    terms = segmenter.terms("社区安全专干每周巡查")
    terms.clear()
    assert segmenter.terms("社区安全专干每周巡查")
    assert segmenter.terms("社区安全专干每周巡查") == [
        w for w in segmenter.tokenizer.cut("社区安全专干每周巡查", HMM=False) if w.strip()
    ]


def test_homophones_are_found_as_by_trying_every_reading(index: SearchIndex):
    """Skipping the readings no rulebook word starts with, and keeping spans and texts,
    finds the very pairs, in the same order, as trying the first 16 readings of each."""
    homophones = index.homophones

    def by_every_reading(text: str) -> list[tuple[str, str]]:
        pairs = []
        for run in RUN.findall(text):
            for size in (4, 3, 2):
                for start in range(len(run) - size + 1):
                    span = run[start : start + size]
                    if "#" + span in homophones.sound_index:
                        continue
                    options = [homophones.readings.get(c) or (c,) for c in span]
                    for combo in itertools.islice(itertools.product(*options), 16):
                        for word in homophones.sound_index.get(" ".join(combo), ()):
                            if homophones._is_typo_of(span, word):
                                pairs.append((span, word))
        return pairs

    texts = [normalize(q) for q in _asked_questions()] + ["专干每周寻查几次", "应急遇案培训"]
    # rulebook words with a character swapped for a sound-alike of many readings: spans
    # with more than 16 readings, some of them typos
    many: dict[str, list[str]] = {}
    for ch, readings in homophones.readings.items():
        for reading in readings if len(readings) >= 3 else ():
            many.setdefault(reading, []).append(ch)
    for key, words in list(homophones.sound_index.items())[::7]:
        for word in words if not key.startswith("#") else ():
            for i, syllable in enumerate(key.split(" ")[: len(word)]):
                for ch in many.get(syllable, [])[:2]:
                    texts.append(word[:i] + ch + word[i + 1 :] + "和" + ch * 2 + word[::-1])
    found = 0
    for text in texts:
        expected = by_every_reading(text)
        assert list(homophones.find(text)) == expected, text
        assert list(homophones.find(text)) == expected, text  # kept, the same
        found += len(expected)
    assert found > 20


def test_synonyms_and_off_topic_words_are_looked_for_among_all_said(index: SearchIndex):
    parser = index.parser
    for question in _asked_questions():
        text = normalize(question)
        said = [i for i, (variant, _) in enumerate(parser.synonyms) if variant in text]
        assert set(said) <= set(_said(parser._synonyms_at, text))
        off = [i for i, word in enumerate(parser._offtopic_list) if word in text]
        assert set(off) <= set(_said(parser._offtopic_at, text))
    assert parser._offtopic_list == list(parser.offtopic)


def test_a_term_is_in_a_units_bigrams_as_their_pieces_say(index: SearchIndex):
    scorer = index.scorer
    terms = {"", "x", "巡查", "巡查员"} | {c for q in _asked_questions() for c in normalize(q)}
    for doc_grams in scorer.gram_space.doc_terms:
        pieces = scorer._gram_pieces[doc_grams]
        for term in terms:
            assert (term in pieces) == any(term in g for g in doc_grams), term


def test_search_words_are_jiebas_own(index: SearchIndex):
    """Search-mode words made from the kept precise cut are jieba's cut_for_search."""
    segmenter = index.segmenter
    texts = [normalize(u.text + " " + u.name) for u in index.rulebook.units]
    texts += [normalize(q) for q in _asked_questions()] + ["", "  ", "a b  c", "盲板抽堵作业"]
    for text in texts:
        expected = [w for w in segmenter.tokenizer.cut_for_search(text, HMM=False) if w.strip()]
        assert segmenter.words(text) == expected, text
        precise = [w for w in segmenter.tokenizer.cut(text, HMM=False) if w.strip()]
        assert segmenter.terms(text) == precise, text
