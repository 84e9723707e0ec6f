"""A stranger or a person of another unit learns and changes nothing they should not: invites
bound only in private chats, another street's hazards not even confirmed to exist, forged
button data refused, unit names kept out of file paths, one answer for every bad invite."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.chat.assistant import Assistant
from bot.office.export import safe_name
from tests.support.chat import Chat


def test_an_invite_is_not_redeemed_in_a_group(assistant: Assistant, street_org):
    street_org("street", "连然街道")  # the street exists with its communities
    code = assistant.ws.org.create_invite("officer", "金色社区", "王专干")
    chat = Chat(assistant, "grouped")
    reply = chat.send(replace(chat.incoming(f"/start {code}"), is_group=True))
    assert "私聊" in reply
    assert assistant.ws.org.person_for_account("test", "grouped") is None
    chat.say(f"/start {code}")  # the same code, privately: bound
    assert assistant.ws.org.person_for_account("test", "grouped") is not None


def test_another_streets_hazard_is_not_confirmed(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区")
    neighbour = street_org("officer", "大屯村委会")
    assistant.ws.org.add_unit("金方街道", short="金方")
    assistant.ws.org.add_unit("某社区（示例）", "金方街道")
    stranger = street_org("officer", "某社区（示例）")
    officer.confirm("发现加油站旁边电线乱拉")
    assert "不属于你的单位" in neighbour.say("/fixed 1")  # same street: told it is not theirs
    reply = stranger.say("/fixed 1")
    assert "没有找到隐患" in reply and "连然" not in reply


@pytest.mark.parametrize("data", ["p:abc:1", "p::", "v:xyz", "r:", "x:1:q", "d:nothing", "", "zz"])
def test_forged_button_data_changes_nothing(assistant: Assistant, street_org, data: str):
    officer = street_org("officer", "金色社区")
    before = assistant.ws.store.value("SELECT COUNT(*) FROM audit")
    reply = assistant.press(officer.incoming(), data)
    assert reply and "失效" in reply[0].text
    assert assistant.ws.store.value("SELECT COUNT(*) FROM audit") == before


def test_unit_names_never_leave_the_export_folder():
    assert "/" not in safe_name("../../x") and not safe_name("../../x").startswith(".")
    assert safe_name("..") == "_"


def test_one_answer_for_a_wrong_and_a_used_invite(assistant: Assistant, street_org):
    street_org("street", "连然街道")
    code = assistant.ws.org.create_invite("officer", "金色社区")
    Chat(assistant, "first").say(f"/start {code}")
    used = Chat(assistant, "second").say(f"/start {code}")
    wrong = Chat(assistant, "third").say("/start ZZZZZZZZ")
    assert used == wrong and "邀请码无效" in used
