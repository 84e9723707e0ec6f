from __future__ import annotations

import pytest

from knowledge.refs import find_refs


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("二、1（5）", "2.1.5"),
        ("二.1.(5)", "2.1.5"),
        ("2.1.5", "2.1.5"),
        ("2-1-5", "2.1.5"),
        ("二1(5)", "2.1.5"),
        ("第二部分第1项第5条", "2.1.5"),
        ("第二部分第一项第五条", "2.1.5"),
        ("五（3）", "5.3"),
        ("五、（1）说的是啥", "5.1"),
        ("九、5", "9.5"),
        ("第十项", "10"),
        ("9-5", "9.5"),
        ("二、2（3）是什么", "2.2.3"),
        ("4.2.3要交什么材料", "4.2.3"),
        ("２．１．５", "2.1.5"),
        ("八3(4)", "8.3.4"),
        ("2.1", "2.1"),
        ("第三部分", "3"),
    ],
)
def test_reference_forms(rulebook, text: str, code: str):
    refs = find_refs(text, rulebook.is_code)
    assert [r.code for r in refs if r.exists] == [code]


@pytest.mark.parametrize(
    "text",
    [
        "每周1次",
        "5.12宣传周要干啥",
        "三年行动",
        "第一次全国风险普查",
        "12号隐患已整改",
        "8加2",
        "100%",
        "一个月几次",
        "二级以上标准化",
        "2026年11月3日",
        "二二",  # no number at all: once a ValueError that reached the console
        "一一十",  # ... and a KeyError (found by the message fuzzing)
        "十十",
        "三三是啥要求",
        "应该是上周四11月19号 巡的是温泉村",  # a weekday and a day
        "星期三12号开了会",
        "对照五到位 一条一条核过了",  # a number said twice
    ],
)
def test_numbers_that_are_not_references(rulebook, text: str):
    assert find_refs(text, rulebook.is_code) == []


def test_unknown_but_explicit_reference(rulebook):
    refs = find_refs("二、1（15）", rulebook.is_code)
    assert [(r.code, r.exists) for r in refs] == [("2.1.15", False)]


@pytest.mark.parametrize(
    "text",
    [
        "汛期排查补报一条 8月20号 大屯三组河沟边",
        "企业演练检查补登一条 10月22号",
        "补报一条8月20号的巡查",
        "安全生产列为第一项议题",
    ],
)
def test_a_count_of_entries_or_an_agenda_item_is_no_reference(text):
    assert find_refs(text, lambda code: True) == []


def test_a_reference_after_a_count_is_still_found():
    refs = find_refs("补报一条 8.2.1的", lambda code: code == "8.2.1")
    assert [r.code for r in refs] == ["8.2.1"]


def test_a_section_and_its_number_after_a_space_is_still_a_reference():
    refs = find_refs("二项 1（5）要求什么", lambda code: code == "2.1.5")
    assert [r.code for r in refs] == ["2.1.5"]


@pytest.mark.parametrize(
    "text",
    [
        "社区地震应急预案修订好了 里面第5.2条疏散路线改了",
        "社区地震应急预案今天改完了，里面第5.2条疏散路线重新画过",  # LBO dev, batch 101
        "消防安全责任书中第3.1条写了啥",
        "合同里第2.1条",
    ],
)
def test_a_clause_of_another_document_is_no_reference(rulebook, text: str):
    assert find_refs(text, rulebook.is_code) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("考核方案的第2.1.5条是啥", "2.1.5"),
        ("预案演练的第8.2.1条今天做了", "8.2.1"),  # a review's cases: the rulebook's
        ("按照应急预案的第8.2.1条 今天组织了演练", "8.2.1"),
        ("隐患排查制度的第3.3.1条要怎么建", "3.3.1"),
        ("应急预案的第9.1条", "9.1"),
    ],
)
def test_a_clause_of_the_assessment_rulebook_is_still_a_reference(rulebook, text, code):
    assert [r.code for r in find_refs(text, rulebook.is_code)] == [code]
