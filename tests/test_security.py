"""A stranger or a person of another unit learns and changes nothing they should not: invites
bound only in private chats, another street's hazards not even confirmed to exist, forged
button data refused, unit names kept out of file paths, one answer for every bad invite
(wrong, used, revoked, expired) and at most five wrong ones an hour; and access can be
taken away (deactivate, unbind, revoke)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.chat.assistant import Assistant
from bot.errors import UserError
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


# ---- taking access away ---------------------------------------------------------------------


def test_a_deactivated_person_is_refused_and_gets_no_push_or_notice(
    assistant: Assistant, street_org
):
    officer = street_org("officer", "金色社区", "王专干")
    street = street_org("street", "连然街道", "赵安办")
    person = assistant.person_of(officer.incoming())
    reply = street.say(f"/deactivate {person.id}")
    assert "已停用" in reply and "王专干" in reply
    assert "已停用" in officer.say("/hazard 加油站旁边电线乱拉")
    assert assistant.ws.store.value("SELECT COUNT(*) FROM hazards") == 0
    assert "已停用" in assistant.press(officer.incoming(), "d:4.2.3|2026-W48")[0].text
    assert assistant.ws.org.accounts_for_push(person.id, "test") == []
    assert not assistant.ws.org.person(person.id).active  # type: ignore[union-attr]


def test_a_street_office_deactivates_only_its_own_officers(assistant: Assistant, street_org):
    street = street_org("street", "连然街道")
    officer = street_org("officer", "金色社区")
    assistant.ws.org.add_unit("金方街道")
    assistant.ws.org.add_unit("某社区", "金方街道")
    elsewhere = street_org("officer", "某社区")
    other_street = street_org("street", "金方街道")
    ids = {c: assistant.person_of(c.incoming()).id for c in (officer, elsewhere, other_street)}
    before = assistant.ws.store.value("SELECT COUNT(*) FROM audit")
    assert "只能停用" in street.say(f"/deactivate {ids[elsewhere]}")
    assert "只能停用" in street.say(f"/deactivate {ids[other_street]}")
    assert "已停用" not in officer.say(f"/deactivate {ids[elsewhere]}")  # not for officers
    assert "用法" in street.say("/deactivate 王五")
    assert "没有 999 号" in street.say("/deactivate 999")
    assert assistant.ws.store.value("SELECT COUNT(*) FROM audit") == before
    assert all(assistant.ws.org.person(i).active for i in ids.values())  # type: ignore[union-attr]


def test_an_unbound_account_is_a_stranger_and_may_join_again(assistant: Assistant, street_org):
    officer = street_org("officer", "金色社区", "王专干")
    person = assistant.person_of(officer.incoming())
    assert assistant.ws.access.unbind(person.id) == 1
    assert "邀请码" in officer.say("还有啥没做")  # a guest now
    code = assistant.ws.org.create_invite("officer", "金色社区", "王专干")
    assert "绑定成功" in officer.say(f"/start {code}")


def test_revoked_and_expired_invites_get_the_same_answer(assistant: Assistant, street_org):
    street_org("street", "连然街道")
    org = assistant.ws.org
    revoked = org.create_invite("officer", "金色社区")
    assert assistant.ws.access.revoke_invite(revoked) == revoked
    expired = org.create_invite("officer", "金色社区")
    with assistant.ws.store.write():
        assistant.ws.store.db.execute(
            "UPDATE invites SET created_at = '2020-01-01T09:00:00+08:00' WHERE code = ?", [expired]
        )
    fresh = org.create_invite("officer", "金色社区")
    used = Chat(assistant, "used-first")
    used.say(f"/start {fresh}")
    answers = {
        Chat(assistant, f"u{i}").say(f"/start {code}")
        for i, code in enumerate((revoked, expired, fresh, "ZZZZZZZZ"))
    }
    assert len(answers) == 1 and "邀请码无效" in answers.pop()
    with pytest.raises(UserError):
        assistant.ws.access.revoke_invite(fresh)  # used: nothing to revoke


def test_an_admin_revokes_an_invite_in_chat(assistant: Assistant, street_org):
    org = assistant.ws.org
    boss = Chat(assistant, "boss")
    boss.say(f"/start {org.create_invite('admin', None, '管理员')}")
    code = org.create_invite("officer", "金色社区")
    assert code in boss.say(f"/revoke {code}") and "作废" in boss.last[0].text
    assert "邀请码无效" in Chat(assistant, "late").say(f"/start {code}")
    assert "没有这个" in boss.say(f"/revoke {code}")


def test_at_most_five_wrong_codes_an_hour(assistant: Assistant, street_org):
    street_org("street", "连然街道")
    code = assistant.ws.org.create_invite("officer", "金色社区")
    guesser = Chat(assistant, "guesser")
    for i in range(5):
        assert "邀请码无效" in guesser.say(f"/start WRONG{i}AA")
    assert "太多次" in guesser.say(f"/start {code}")  # even the right one, for an hour
    assert assistant.ws.org.person_for_account("test", "guesser") is None
    assert "绑定成功" in Chat(assistant, "someone-else").say(f"/start {code}")


def test_direction_and_zero_width_controls_are_shown_stripped_and_stored_as_written(
    assistant: Assistant, street_org
):
    officer = street_org("officer", "金色社区")
    street = street_org("street", "连然街道")
    written = "加油站\u202e旁边电线\u200b乱拉\u2066了\u2069"
    reply = officer.say(f"/hazard {written}")
    notices = [n.reply.text for r in officer.last for n in r.notices]
    shown = [reply, *notices, street.say("/todo"), street.say("/hazards")]
    assert notices and "加油站旁边电线乱拉了" in "\n".join(shown)
    for text in shown:
        assert not any(c in text for c in "\u202e\u200b\u2066\u2069")
    assert assistant.ws.store.value("SELECT description FROM hazards") == written
