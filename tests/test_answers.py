from __future__ import annotations

from bot.chat.answers import answer
from bot.schedule.wording import describe_task


def test_answer_names_code_text_assessor_and_schedule(library):
    reply = answer(library.rulebook, library.index, library.search("社区安全专干每周要巡查几次"))
    text = reply.text
    unit = library.rulebook.unit("4.2.3")
    assert text.startswith("【4.2.3】")
    assert unit.text in text
    assert "安宁市安全生产委员会办公室" in text
    assert "每周1次" in text and "每月1次" in text
    assert "加强安全生产网格化监管工作" in text
    assert text.count("【") >= 2  # related items


def test_group_answer_lists_every_clause(library):
    text = answer(library.rulebook, library.index, library.search("2.1")).text
    assert text.startswith("【2.1】落实安全生产党政领导责任（共 12 条）")
    assert "【2.1.12】" in text


def test_not_found_and_unknown_code(library):
    text = answer(library.rulebook, library.index, library.search("差旅费怎么报销")).text
    assert "没有找到" in text and "二、1（5）" in text
    text = answer(library.rulebook, library.index, library.search("2.1.15")).text
    assert "没有【2.1.15】" in text and "2.1.1—2.1.12" in text


def test_not_found_names_the_off_topic_word(library):
    text = answer(library.rulebook, library.index, library.search("这个月工资什么时候发")).text
    assert "不涉及“工资”" in text and "可以这样问" in text
    text = answer(library.rulebook, library.index, library.search("防溺水安全教育怎么讲")).text
    assert "“防溺水”" in text and "“溺水”" not in text
    text = answer(library.rulebook, library.index, library.search("你好")).text
    assert "不涉及" not in text


def test_an_ask_for_a_number_or_a_date_is_told_what_the_rulebook_holds(library):
    text = answer(library.rulebook, library.index, library.search("应急局值班电话是多少")).text
    assert "不写电话号码" in text and "不涉及" not in text  # not "电话多少这类事"


def test_an_unknown_code_keeps_its_off_topic_words(library):
    result = library.search("2.1.15 联系人的电话号码")
    assert result.unknown_ref == "2.1.15" and not result.found
    assert result.offtopic == ("电话号码",) and result.asks == ("电话号码",)


def test_status_line_is_shown(library):
    result = library.search("4.2.3")
    text = answer(library.rulebook, library.index, result, {"4.2.3": "本周巡查 0/1"}).text
    assert "我的进度：本周巡查 0/1" in text


def test_window_and_due_words(rulebook):
    tasks = {t.key: t for t in rulebook.unit("9.3").tasks}
    assert describe_task(tasks["w512"]) == "5月12日所在的一周"
    assert describe_task(tasks["w116"]) == "11月6日起7天"
    plan = rulebook.unit("5.1").tasks[0]
    assert describe_task(plan) == "每年1次，3月31日前完成"
