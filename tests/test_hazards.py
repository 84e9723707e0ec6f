from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.chat.assistant import build_assistant
from bot.errors import UserError


def test_numbering_per_street_and_year(assistant, street_org):
    officer = street_org("officer", "金色社区")
    assistant.ws.org.add_unit("金方街道")
    assistant.ws.org.add_unit("森林社区", "金方街道")
    other = street_org("officer", "森林社区")
    assert "连然-2026-0001" in officer.confirm("发现加油站电线乱拉")
    assert "连然-2026-0002" in officer.confirm("发现饭店液化气罐没固定")
    assert "金方-2026-0001" in other.confirm("发现仓库消防通道堵塞")
    person = assistant.person_of(officer.incoming())
    h = assistant.ws.ledger.report(person, "跨年隐患", date(2027, 1, 3)).hazard
    assert h.number == "连然-2027-0001"


def test_deadline_by_severity_and_rates(assistant, street_org):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    officer.confirm("发现化工厂储罐区重大隐患：泄漏")
    h = assistant.ws.ledger.select([assistant.ws.org.unit_named("金色社区").id])[0]
    assert h.severity == "重大" and (h.deadline - h.reported_on).days == 30
    officer.confirm("1号隐患已整改", photos=1)
    street.say("/verify 1")
    officer.confirm("发现网吧安全出口锁死")
    hazards = assistant.ws.ledger.select([assistant.ws.org.unit_named("金色社区").id])
    rates = assistant.ws.ledger.rates(hazards, date(2027, 1, 1))
    assert rates["reported"] == 2 and rates["closed"] == 1 and rates["overdue"] == 1
    assert rates["handling_rate"] == 0.5 and rates["on_time_rate"] == 1.0


def test_reject_sends_back_with_reason(assistant, street_org):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    officer.confirm("发现配电箱门破损")
    officer.say("/fixed 1", photos=1)
    assert "需要写明原因" in street.say("/reject 1")
    reply = street.say("/reject 1 照片看不出已整改")
    assert "已退回" in reply and street.last[0].notices
    h = assistant.ws.ledger.select([assistant.ws.org.unit_named("金色社区").id])[0]
    assert h.state == "待整改" and h.reject_reason == "照片看不出已整改"
    assert "不需要再报整改" not in officer.say("/fixed 1", photos=1)
    with pytest.raises(UserError):
        assistant.ws.ledger.verify(assistant.person_of(officer.incoming()), h, date(2026, 11, 26))


def test_reporter_may_close_general_hazards_when_configured(settings, library, clock, tmp_path):
    from tests.support.chat import Chat

    assistant = build_assistant(
        replace(settings, reporter_closes_general=True), library=library, clock=clock
    )
    assistant.ws.org.add_unit("连然街道")
    assistant.ws.org.add_unit("金色社区", "连然街道")
    chat = Chat(assistant, "w")
    chat.say("/start " + assistant.ws.org.create_invite("officer", "金色社区"))
    chat.confirm("发现楼道杂物堆放")
    assert "已整改并销号" in chat.confirm("1号已整改", photos=1)
    chat.confirm("发现化工厂重大隐患：储罐泄漏")
    assert "等待街道安办复核" in chat.confirm("2号已整改", photos=1)
