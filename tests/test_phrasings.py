from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.loader import RulebookError
from knowledge.phrasings import load_phrasings, phrasings_path
from knowledge.search import SearchIndex
from knowledge.textnorm import normalize

QUESTIONS = Path(__file__).parent / "data" / "questions"


def test_the_rulebooks_phrasings_name_its_units(rulebook):
    phrasings = load_phrasings(rulebook)
    assert len(phrasings) == len(rulebook.units)
    assert all(rulebook.unit(code) for code in phrasings)


def test_no_held_out_question_is_learned(rulebook):
    learned = {normalize(q) for qs in load_phrasings(rulebook).values() for q in qs}
    lines = (QUESTIONS / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    heldout = [json.loads(line)["q"] for line in lines if line.strip()]
    assert heldout and not [q for q in heldout if normalize(q) in learned]


def test_a_rulebook_without_phrasings_has_none(rulebook, tmp_path):
    assert load_phrasings(rulebook, tmp_path / "missing.yaml") == {}
    assert phrasings_path(rulebook).name == f"{rulebook.id}.yaml"


def test_the_quick_and_the_careful_reading_agree(rulebook):
    from knowledge.phrasings import _load_with_lines, _quick_load

    text = phrasings_path(rulebook).read_text(encoding="utf-8")
    quick = _quick_load(text, rulebook)
    assert quick is not None  # the shipped file never needs the slow parser
    assert quick == _load_with_lines(phrasings_path(rulebook), text, rulebook)


def test_an_unquoted_code_that_reads_as_a_number_keeps_its_digits(rulebook, tmp_path):
    path = tmp_path / "taught.yaml"
    path.write_text("5.1:\n- 事故怎么报\n1:\n- 目标是啥\n", encoding="utf-8")
    assert load_phrasings(rulebook, path) == {"5.1": ["事故怎么报"], "1": ["目标是啥"]}


@pytest.mark.parametrize(
    ("text", "code", "line", "message"),
    [
        ("'4.2.3':\n- 巡查几次\n'4.9.9':\n- 没有这条\n", "4.9.9", 3, "细则中没有这个条款"),
        ("'4.2.3': 巡查几次\n", "4.2.3", 1, "应为问题（字符串）的列表"),
        ("- 巡查几次\n", None, 1, "映射"),
        ("'4.2.3': [巡查\n", None, 2, "YAML 格式错误"),
    ],
)
def test_a_bad_phrasings_file_names_file_line_and_code(
    rulebook, tmp_path, text, code, line, message
):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulebookError) as error:
        load_phrasings(rulebook, path)
    assert error.value.code == code and error.value.line == line
    assert str(path) in str(error.value) and message in str(error.value)


def test_words_officers_used_before_count_towards_the_unit(rulebook, tmp_path):
    plain = SearchIndex.build(rulebook, tmp_path, {})
    taught = SearchIndex.build(rulebook, tmp_path, {"6.2": ["下大雨山上垮塌了要处置吗"]})
    question = "山上垮塌了街道要处置吗"
    assert not plain.search(question).found
    result = taught.search(question)
    assert result.found and result.codes[0] == "6.2"
