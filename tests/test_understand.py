from __future__ import annotations

import pytest

from bot.chat.assistant import Assistant


@pytest.mark.parametrize(
    ("text", "role", "photo", "intent"),
    [
        ("巡查一周几次？", "officer", False, "question"),
        ("二、1（5）是什么", "street", False, "question"),
        ("本周巡查已完成", "officer", True, "done"),
        ("今天开了安全生产专题会", "street", False, "done"),
        ("/done 2.1.7", "street", False, "done"),
        ("发现XX厂消防通道堵塞", "officer", True, "hazard"),
        ("/hazard 加油站旁边电线乱拉", "officer", False, "hazard"),
        ("12号隐患已整改", "officer", True, "fix"),
        ("/fixed 12", "officer", False, "fix"),
        ("12号隐患 之前未完成的部分今天全部改好了", "officer", False, "fix"),
        ("18号隐患已整改完成 街道正在进行复核", "officer", False, "fix"),
        ("18号重新装好了", "officer", False, "fix"),
        ("还有啥没做", "officer", False, "checklist"),
        ("/todo", "street", False, "checklist"),
        ("这周还没巡查", "officer", False, "checklist"),
        ("怎么用", "officer", False, "help"),
        ("明天去巡查", "officer", False, "unclear"),
        ("好的", "officer", False, "unclear"),
        ("", "officer", True, "unclear"),
        ("巡查要交照片吗", "officer", False, "question"),
        ("发现的隐患要多久整改完", "officer", False, "question"),
        ("今天巡查了，没发现啥问题", "officer", False, "done"),
    ],
)
def test_intents(assistant: Assistant, text: str, role: str, photo: bool, intent: str):
    assert assistant.understand(text, role, photo).intent == intent


def test_a_command_with_its_number_run_on(assistant: Assistant):
    """ "/fixed12 灭火器已经换成新的了": the number typed without a space is still the hazard."""
    u = assistant.understand("/fixed12 灭火器已经换成新的了", "officer")
    assert (u.intent, u.hazard, u.command) == ("fix", "12", "fixed"), u


def test_done_names_task_period_and_date(assistant: Assistant):
    u = assistant.understand("10月的巡查记录交上去了", "officer")
    assert (u.codes, u.tasks, u.period) == (["4.2.3"], ["4.2.3:record"], "2026-10")
    u = assistant.understand("上周五巡查了", "officer")
    assert (u.tasks, u.period, u.date) == (["4.2.3:patrol"], "2026-W47", "2026-11-20")
    u = assistant.understand("今天党工委开会专题研究了安全生产", "street")
    assert u.tasks == ["2.1.6:meeting"] and u.period == "2026-Q4"


def test_hazard_fields(assistant: Assistant):
    u = assistant.understand("发现金色加油站旁边电线乱拉，重大隐患", "officer", True)
    assert u.intent == "hazard" and u.severity == "重大"
    assert "加油站" in u.enterprise


def test_fix_numbers(assistant: Assistant):
    assert assistant.understand("连然-2026-0012整改好了", "officer").hazard == "连然-2026-0012"
    assert assistant.understand("第三个隐患整改好了", "officer").hazard == "3"
    assert assistant.understand("11月21号 草铺-2026-0044 整改完成", "officer").hazard == (
        "草铺-2026-0044"
    )


def test_json_shape(assistant: Assistant):
    data = assistant.understand("本周巡查已完成", "officer").as_json()
    assert {"intent", "codes", "period", "date", "hazard", "confidence"} <= set(data)


def test_a_span_of_days_is_not_a_rulebook_code(assistant: Assistant):
    rules = assistant.features.reader.understander.rules
    assert rules.intent("巡查记录(11.16-11.22)已上传", "officer", False) == "done"
    assert rules.intent("4.9.9", "officer", False) == "question"
