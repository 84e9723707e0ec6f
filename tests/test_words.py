"""Periods and tasks in the words people use: 本周, 11月第4周, 2026年11月, 第四季度, never a
key such as 2026-W48 or w116; tasks under one code told apart by their names."""

from __future__ import annotations

import re
from datetime import date

from bot.schedule.wording import period_label

KEY = re.compile(r"\d{4}-(W\d|Q\d|\d\d)|w\d{3}", re.IGNORECASE)


def test_period_words():
    today = date(2026, 12, 15)
    assert period_label("2026-W51", "week", False, today) == "本周"
    assert period_label("2026-W50", "week", False, today) == "上周"
    assert period_label("2026-W48", "week", False, today) == "11月第4周"
    assert period_label("2026-W48", "week", False, today, absolute=True) == "2026年11月第4周"
    assert period_label("2026-W01", "week", False, today) == "1月第1周"  # Thursday 1 January
    assert period_label("2025-W52", "week", False, today) == "2025年12月第4周"
    assert period_label("2026-10", "month", False, today) == "10月"
    assert period_label("2025-11", "month", False, today) == "2025年11月"
    assert period_label("2026-11", "month", False, today, absolute=True) == "2026年11月"
    assert period_label("2026-Q4", "quarter", False, today) == "本季度"
    assert period_label("2026-Q3", "quarter", False, today) == "上季度"
    assert period_label("2026-Q1", "quarter", False, today) == "第一季度"
    assert period_label("2026", "year", False, today, absolute=True) == "2026年"
    assert period_label("2026-w116", "year", False, today) == ""  # not a period: no key shown


def test_replies_name_the_task_and_the_period_in_words(assistant, street_org, clock):
    officer = street_org("officer", "金色社区")
    todo = officer.say("/todo")
    labels = [label for label, _ in officer.buttons() if label.startswith("完成【4.2.3】")]
    assert len(labels) >= 2 and len(set(labels)) == len(labels)  # 巡查检查 / 报送巡查记录
    assert not KEY.search(todo)
    clock.set(2026, 12, 15)
    done = officer.say("/done 4.2.3 11月23日巡查检查")
    assert "巡查检查" in done and not KEY.search(done), done
    proposal = officer.say("撤销刚才那条")
    assert "巡查检查" in proposal and "11月第4周" in proposal and not KEY.search(proposal)
    undone = officer.say("/undo")
    assert "巡查检查" in undone and "11月第4周" in undone and not KEY.search(undone), undone
